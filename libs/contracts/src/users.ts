import { z } from 'zod';
import { NewPassword, Role } from './auth';
import { DryRunQuery, IdParams, page, PageQuery } from './common';
import { endpoint } from './endpoint';
import { ApplyResult } from './services';

// ─── Names, ids and paths ──────────────────────────────────────────────────────────────────────

/** POSIX portable user/group name, as useradd and Samba accept it without quoting. */
export const ACCOUNT_NAME_PATTERN = /^[a-z_][a-z0-9_-]{0,31}$/;
export const ACCOUNT_NAME_MAX = 32;

/**
 * Names a MoxNAS account may not take: Debian/Ubuntu system users and groups, the daemons a NAS
 * runs, and names with a meaning to Samba, FTP or this app. `admin` is kept for the built-in
 * dashboard administrator created on first boot.
 */
export const RESERVED_ACCOUNT_NAMES: readonly string[] = [
  'root', 'daemon', 'bin', 'sys', 'sync', 'games', 'man', 'lp', 'mail', 'news', 'uucp', 'proxy', 'www-data',
  'backup', 'list', 'irc', 'gnats', 'nobody', 'nogroup', '_apt', 'messagebus', 'sshd', 'systemd-network',
  'systemd-resolve', 'systemd-timesync', 'systemd-journal', 'systemd-coredump', 'polkitd', 'avahi', 'ntp',
  'postfix', 'postdrop', 'postgres', 'redis', 'nginx', 'ftp', 'vsftpd', 'statd', 'rpc', 'rpcuser', 'nfsnobody',
  'tss', 'uuidd', 'dnsmasq', 'tcpdump', 'usbmux', 'syslog', 'adm', 'tty', 'disk', 'kmem', 'dialout', 'fax',
  'voice', 'cdrom', 'floppy', 'tape', 'sudo', 'wheel', 'audio', 'dip', 'operator', 'src', 'shadow', 'utmp',
  'video', 'sasl', 'plugdev', 'staff', 'users', 'input', 'sgx', 'kvm', 'render', 'crontab', 'netdev',
  'ssl-cert', 'lxd', 'docker', 'sambashare', 'admin', 'administrator', 'guest', 'moxnas', 'moxnas-ftp',
];

/** Why a user or group name is refused, or undefined when it is acceptable. */
export function accountNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is required';
  if (name.length > ACCOUNT_NAME_MAX) return `must be at most ${ACCOUNT_NAME_MAX} characters`;
  // Lookalike letters (Cyrillic "а" for Latin "a") would make two names that read the same.
  if (/[^\x20-\x7e]/.test(name)) return 'must use plain ASCII: lowercase letters a–z, digits, "_" and "-" (no accented or lookalike letters)';
  if (!/^[a-z_]/.test(name)) return 'must start with a lowercase letter (a–z) or "_"';
  if (!ACCOUNT_NAME_PATTERN.test(name)) return 'may contain only lowercase letters a–z, digits, "_" and "-"';
  if (RESERVED_ACCOUNT_NAMES.includes(name)) return `"${name}" is reserved for the system`;
  return undefined;
}

const AccountName = z
  .string()
  .superRefine((value, ctx) => {
    const problem = accountNameProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  // The grammar, for OpenAPI readers; the refinement above gives the friendlier per-rule messages.
  .meta({ pattern: ACCOUNT_NAME_PATTERN.source, maxLength: ACCOUNT_NAME_MAX });

/** Ids MoxNAS hands out or accepts: above the distribution's system range, below nobody (65534). */
export const ID_MIN = 1000;
export const ID_MAX = 60000;
/** Where automatic uid/gid allocation starts, clear of the first interactive users (1000…). */
export const ID_ALLOCATION_START = 10000;

const PosixId = z
  .number()
  .int('must be a whole number')
  .min(ID_MIN, `must be between ${ID_MIN} and ${ID_MAX}`)
  .max(ID_MAX, `must be between ${ID_MIN} and ${ID_MAX}`);

export const NOLOGIN_SHELL = '/usr/sbin/nologin';
export const LOGIN_SHELLS = [NOLOGIN_SHELL, '/bin/bash', '/bin/sh', '/bin/dash'] as const;
export const Shell = z.enum(LOGIN_SHELLS).describe('Login shell; `/usr/sbin/nologin` (the default) allows SMB and FTP but no shell login.');

/** Directories a home may never be placed in (or be): the OS itself. */
const SYSTEM_DIRS = ['/bin', '/boot', '/dev', '/etc', '/lib', '/lib32', '/lib64', '/proc', '/root', '/run', '/sbin', '/sys', '/usr', '/var/lib', '/var/run', '/tmp'];

export const HomeDir = z
  .string()
  .max(1024, 'must be at most 1024 characters')
  .superRefine((value, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (!value.startsWith('/')) return fail('must be an absolute path');
    if (!/^(\/[A-Za-z0-9._+@-]+)+$/.test(value)) return fail('may contain only letters, digits and . _ + @ - between single slashes');
    if (value.split('/').some((part) => part === '.' || part === '..')) return fail('must not contain "." or ".." segments');
    if (SYSTEM_DIRS.some((dir) => value === dir || value.startsWith(`${dir}/`))) return fail('must not be inside a system directory');
    return undefined;
  })
  .describe('Home directory; created owned by the user (mode 0700) when it does not exist. Leave unset for no home.');

const FullName = z
  .string()
  .max(100, 'must be at most 100 characters')
  // `:` and `,` are field separators in /etc/passwd's GECOS column.
  .regex(/^[^:,\p{Cc}]*$/u, 'must not contain ":", "," or control characters');

const Email = z.string().max(254).email('must be an email address');

// ─── Users ─────────────────────────────────────────────────────────────────────────────────────

export const GroupRef = z.object({ id: z.string().uuid(), name: z.string(), gid: z.number().int() });
export type GroupRef = z.infer<typeof GroupRef>;

export const HostStatus = z
  .enum(['synced', 'pending', 'none'])
  .describe('synced: the Linux/Samba/FTP account matches; pending: not applied yet because host provisioning is unavailable; none: no host account (the built-in admin).');

export const User = z.object({
  id: z.string().uuid(),
  username: z.string(),
  fullName: z.string().nullable(),
  email: z.string().nullable(),
  uid: z.number().int().nullable().describe('Linux uid; null for the built-in admin, which has no host account.'),
  primaryGroup: GroupRef.nullable().describe('Primary group; null means the system group `users` (gid 100).'),
  groups: z.array(GroupRef).describe('Supplementary groups.'),
  shell: z.string(),
  homeDir: z.string().nullable(),
  smbEnabled: z.boolean(),
  ftpEnabled: z.boolean(),
  role: Role,
  disabled: z.boolean(),
  builtIn: z.boolean().describe('The first-boot `admin`: a dashboard-only account.'),
  mustChangePassword: z.boolean(),
  totpEnabled: z.boolean(),
  hostStatus: HostStatus,
  lastLoginAt: z.string().nullable(),
  passwordChangedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type User = z.infer<typeof User>;

export const Provisioning = z
  .object({
    status: z.enum(['applied', 'unavailable', 'not-needed']),
    message: z.string().describe('What happened on the host, in a sentence; says plainly when nothing could be applied.'),
  })
  .describe('The outcome on the host (Linux account, Samba passdb, FTP access) of this change.');
export type Provisioning = z.infer<typeof Provisioning>;

/** What an account change did to the daemons whose files read accounts (FTP's user lists), in the same change. */
const AccountApply = ApplyResult.describe('The services whose files read accounts, re-applied in the same change; with `?dryRun=true` their diffs, and nothing written (no row, no file, no host account).');

export const UserChange = User.extend({ provisioning: Provisioning, apply: AccountApply });
export type UserChange = z.infer<typeof UserChange>;

export const CreateUserRequest = z.strictObject({
  username: AccountName.describe('POSIX name: starts with a–z or "_", then a–z, 0–9, "_" or "-", at most 32; not a reserved system name. Cannot change later.'),
  password: NewPassword,
  fullName: FullName.optional(),
  email: Email.optional(),
  uid: PosixId.optional().describe(`Linux uid (${ID_MIN}–${ID_MAX}); allocated from ${ID_ALLOCATION_START} up when omitted.`),
  primaryGroupId: z.string().uuid().nullable().optional().describe('A MoxNAS group as primary group; omitted/null means `users`.'),
  groupIds: z.array(z.string().uuid()).max(200).optional().describe('Supplementary MoxNAS groups.'),
  shell: Shell.optional(),
  homeDir: HomeDir.nullable().optional(),
  smbEnabled: z.boolean().default(true).describe('May log in to SMB shares (Samba passdb entry).'),
  ftpEnabled: z.boolean().default(false).describe('May log in over FTP.'),
  role: Role.default('none'),
  disabled: z.boolean().default(false),
  mustChangePassword: z.boolean().default(false).describe('Ask for a new password at the next dashboard login.'),
});
export type CreateUserRequest = z.infer<typeof CreateUserRequest>;

export const UpdateUserRequest = z.strictObject({
  password: NewPassword.optional(),
  fullName: FullName.nullable().optional(),
  email: Email.nullable().optional(),
  uid: PosixId.optional(),
  primaryGroupId: z.string().uuid().nullable().optional(),
  groupIds: z.array(z.string().uuid()).max(200).optional(),
  shell: Shell.optional(),
  homeDir: HomeDir.nullable().optional(),
  smbEnabled: z.boolean().optional(),
  ftpEnabled: z.boolean().optional(),
  role: Role.optional(),
  disabled: z.boolean().optional(),
  mustChangePassword: z.boolean().optional(),
  totpEnabled: z.literal(false).optional().describe('Set false to remove a user’s TOTP (for a lost phone); enrolling is done by the user.'),
});
export type UpdateUserRequest = z.infer<typeof UpdateUserRequest>;

export const UserListQuery = PageQuery.extend({
  role: Role.optional().describe('Only users with this role.'),
});
export type UserListQuery = z.infer<typeof UserListQuery>;

export const DeleteUserQuery = z.object({
  keepFiles: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true')
    .describe('Keep the home directory (default). `false` removes it with the account.'),
  ...DryRunQuery.shape,
});
export type DeleteUserQuery = z.infer<typeof DeleteUserQuery>;

export const DeleteResult = z.object({ id: z.string().uuid(), provisioning: Provisioning, apply: AccountApply });
export type DeleteResult = z.infer<typeof DeleteResult>;

export const usersApi = {
  list: endpoint({
    id: 'users.list',
    method: 'GET',
    path: '/api/users',
    tag: 'users',
    access: 'viewer',
    summary: 'Users, paged; `search` matches username, full name and email',
    query: UserListQuery,
    response: page(User),
  }),
  get: endpoint({
    id: 'users.get',
    method: 'GET',
    path: '/api/users/{id}',
    tag: 'users',
    access: 'viewer',
    summary: 'One user',
    params: IdParams,
    response: User,
  }),
  create: endpoint({
    id: 'users.create',
    method: 'POST',
    path: '/api/users',
    tag: 'users',
    access: 'admin',
    summary: 'Create a user: a dashboard login (by role) that is also a Linux, SMB and FTP account',
    description:
      'The Linux account (uid, groups, shell, home), the Samba passdb entry and FTP access are provisioned at once. When the API cannot provision (not running as root, or disabled by MOXNAS_HOST_ACCOUNTS=off) the user is saved with hostStatus `pending` and `provisioning.status` says so.',
    query: DryRunQuery,
    body: CreateUserRequest,
    response: UserChange,
    status: 201,
    errors: { 409: 'The name or uid is taken (here or by a system account on the host).', 502: 'Host provisioning failed; nothing was saved.' },
  }),
  update: endpoint({
    id: 'users.update',
    method: 'PATCH',
    path: '/api/users/{id}',
    tag: 'users',
    access: 'admin',
    summary: 'Change a user; password, role and disabled changes end the user’s sessions at once',
    params: IdParams,
    query: DryRunQuery,
    body: UpdateUserRequest,
    response: UserChange,
    errors: { 409: 'Conflict (uid taken, or the change would leave no enabled admin).', 502: 'Host provisioning failed; nothing was saved.' },
  }),
  delete: endpoint({
    id: 'users.delete',
    method: 'DELETE',
    path: '/api/users/{id}',
    tag: 'users',
    access: 'admin',
    summary: 'Delete a user and its Linux/Samba account; the home directory is kept unless keepFiles=false',
    params: IdParams,
    query: DeleteUserQuery,
    response: DeleteResult,
    errors: { 409: 'It is the last enabled admin.', 502: 'Host provisioning failed; nothing was deleted.' },
  }),
};

// ─── Groups ────────────────────────────────────────────────────────────────────────────────────

export const Group = z.object({
  id: z.string().uuid(),
  name: z.string(),
  gid: z.number().int(),
  description: z.string().nullable(),
  members: z.array(z.object({ id: z.string().uuid(), username: z.string() })).describe('Users with this as a supplementary group.'),
  hostStatus: HostStatus,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Group = z.infer<typeof Group>;

export const GroupChange = Group.extend({ provisioning: Provisioning, apply: AccountApply });
export type GroupChange = z.infer<typeof GroupChange>;

const Description = z.string().max(200, 'must be at most 200 characters').regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');

export const CreateGroupRequest = z.strictObject({
  name: AccountName.describe('POSIX group name, same grammar as usernames; not a reserved system group.'),
  gid: PosixId.optional().describe(`Linux gid (${ID_MIN}–${ID_MAX}); allocated from ${ID_ALLOCATION_START} up when omitted.`),
  description: Description.optional(),
  memberIds: z.array(z.string().uuid()).max(1000).optional().describe('Users to put in the group.'),
});
export type CreateGroupRequest = z.infer<typeof CreateGroupRequest>;

export const UpdateGroupRequest = z.strictObject({
  name: AccountName.optional(),
  gid: PosixId.optional(),
  description: Description.nullable().optional(),
  memberIds: z.array(z.string().uuid()).max(1000).optional().describe('The complete new member list.'),
});
export type UpdateGroupRequest = z.infer<typeof UpdateGroupRequest>;

export const groupsApi = {
  list: endpoint({
    id: 'groups.list',
    method: 'GET',
    path: '/api/groups',
    tag: 'groups',
    access: 'viewer',
    summary: 'Groups, paged; `search` matches the name and description',
    query: PageQuery,
    response: page(Group),
  }),
  get: endpoint({
    id: 'groups.get',
    method: 'GET',
    path: '/api/groups/{id}',
    tag: 'groups',
    access: 'viewer',
    summary: 'One group',
    params: IdParams,
    response: Group,
  }),
  create: endpoint({
    id: 'groups.create',
    method: 'POST',
    path: '/api/groups',
    tag: 'groups',
    access: 'admin',
    summary: 'Create a group (a Linux group) with members',
    query: DryRunQuery,
    body: CreateGroupRequest,
    response: GroupChange,
    status: 201,
    errors: { 409: 'The name or gid is taken.', 502: 'Host provisioning failed; nothing was saved.' },
  }),
  update: endpoint({
    id: 'groups.update',
    method: 'PATCH',
    path: '/api/groups/{id}',
    tag: 'groups',
    access: 'admin',
    summary: 'Rename a group, change its gid, description or members',
    params: IdParams,
    query: DryRunQuery,
    body: UpdateGroupRequest,
    response: GroupChange,
    errors: { 409: 'The name or gid is taken.', 502: 'Host provisioning failed; nothing was saved.' },
  }),
  delete: endpoint({
    id: 'groups.delete',
    method: 'DELETE',
    path: '/api/groups/{id}',
    tag: 'groups',
    access: 'admin',
    summary: 'Delete a group',
    params: IdParams,
    query: DryRunQuery,
    response: DeleteResult,
    errors: { 409: 'It is the primary group of a user (`details.users`).', 502: 'Host provisioning failed; nothing was deleted.' },
  }),
};
