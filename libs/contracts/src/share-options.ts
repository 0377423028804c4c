import { z } from 'zod';
import {
  AbsolutePath,
  AnonId,
  ExportComment,
  GroupNameList,
  HostAccessList,
  NfsClientSpec,
  NfsSecFlavors,
  OctalMask,
  PosixGroupName,
  PosixUserName,
  RelativePath,
  ShareComment,
  SizeWithUnit,
  SmbShareName,
  UserNameList,
} from './grammar';

/*
 * One definition per share option. A protocol's options are one table: each row is the option's
 * contract field (its grammar and the description the API and OpenAPI show) and the value a create
 * body gets when it leaves the option out. The stored share, the create body (with the defaults),
 * the update body (every field optional, no defaults) and the defaults the dashboard starts from are
 * all derived from that table, so adding an option is one row plus its tests (docs/development.md).
 */

/** One row: the field's schema (no default) and, when the option may be left out, its default. */
export interface ShareOption<S extends z.ZodType = z.ZodType> {
  schema: S;
  default?: z.output<S>;
}

/** An option a create body must send (name, path, NFS clients). */
export function required<S extends z.ZodType>(schema: S): { schema: S } {
  return { schema };
}

/** An option a create body may leave out; it then gets `value`. */
export function optional<S extends z.ZodType>(schema: S, value: z.output<S>): { schema: S; default: z.output<S> } {
  return { schema, default: value };
}

type Table = Record<string, ShareOption>;
type HasDefault<R> = R extends { default: unknown } ? true : false;

export type BaseShape<T extends Table> = { [K in keyof T]: T[K]['schema'] };
export type CreateShape<T extends Table> = { [K in keyof T]: HasDefault<T[K]> extends true ? z.ZodDefault<T[K]['schema']> : T[K]['schema'] };
export type Defaults<T extends Table> = { [K in keyof T as HasDefault<T[K]> extends true ? K : never]: z.output<T[K]['schema']> };

/** The fields as stored and answered: every option, none defaulted (`.partial()` of it is the update body). */
export function baseShape<T extends Table>(table: T): BaseShape<T> {
  return Object.fromEntries(Object.entries(table).map(([k, o]) => [k, o.schema])) as BaseShape<T>;
}

/** The fields of a create body: the options with a default may be left out. */
export function createShape<T extends Table>(table: T): CreateShape<T> {
  return Object.fromEntries(Object.entries(table).map(([k, o]) => [k, 'default' in o ? o.schema.default(o.default as never) : o.schema])) as CreateShape<T>;
}

/** The value of every option a create body may leave out. */
export function optionDefaults<T extends Table>(table: T): Defaults<T> {
  return Object.fromEntries(Object.entries(table).flatMap(([k, o]) => ('default' in o ? [[k, o.default]] : []))) as Defaults<T>;
}

// ---------------------------------------------------------------------------------------------
// SMB
// ---------------------------------------------------------------------------------------------

export const SmbRecycleBin = z
  .object({
    repository: RelativePath.default('.recycle').describe('Folder inside the share that keeps deleted files.'),
    perUser: z
      .boolean()
      .default(true)
      .describe('true: one bin per user, `<repository>/<user>`, only that user can open it. false: one bin every share user deletes into and can browse (created 1777, like /tmp).'),
    keepTree: z.boolean().default(true).describe('Keep the folder structure of deleted files.'),
    versions: z.boolean().default(true).describe('Keep every deleted version of a file of the same name.'),
  })
  .superRefine((bin, ctx) => {
    // vfs_recycle creates the first folder for everyone and deeper ones for their creator only, so
    // the folder that holds the users' bins must be the first one.
    // (Only for a repository its grammar takes: one message per field.)
    if (bin.perUser && bin.repository.includes('/') && RelativePath.safeParse(bin.repository).success) {
      ctx.addIssue({ code: 'custom', path: ['repository'], message: 'a per-user recycle bin is one folder name (the users’ bins are made inside it); nested folders work only for a shared bin' });
    }
  })
  .describe('Recycle bin (vfs_recycle): deleted files move here instead of vanishing.');

export const SmbTimeMachine = z
  .object({ maxSize: SizeWithUnit.nullable().default(null).describe('Most Time Machine may use, such as 500G; null = no cap.') })
  .describe('Advertise the share as a macOS Time Machine destination (vfs_fruit).');

/**
 * How Samba combines `hosts allow` and `hosts deny` (lib/util/access.c): an allow list alone
 * admits only its clients; once a deny list is set, a client on neither list is admitted too. The
 * API describes the fields and the dashboard's SMB form shows the hints with these words.
 */
export const SMB_HOSTS_HINT = {
  allow:
    'Clients that may connect; empty = any. Alone it admits only these, but once Hosts deny is set a client on neither list may connect too; to admit only these, also put 0.0.0.0/0 and ::/0 in Hosts deny.',
  deny: 'Clients that may not connect, unless they are also in Hosts allow (allow wins).',
} as const;

/** The SMB share options: one row each, read by the contract, the create defaults and the dashboard. */
export const SMB_SHARE_OPTIONS = {
  name: required(SmbShareName),
  comment: optional(ShareComment.nullable(), null),
  path: required(AbsolutePath.describe('Directory inside a registered pool.')),
  enabled: optional(z.boolean().describe('Disabled shares are kept but not served.'), true),
  browseable: optional(z.boolean().describe('Listed when clients browse the server.'), true),
  readOnly: optional(z.boolean().describe('Nobody may write (write users/groups still may).'), false),
  guestOk: optional(z.boolean().describe('Anyone may connect without a password, as the guest account.'), false),
  validUsers: optional(UserNameList.describe('Only these users (and the members of valid groups) may connect; both empty = every user.'), []),
  validGroups: optional(GroupNameList.describe('Groups whose members may connect.'), []),
  writeUsers: optional(UserNameList.describe('Users who may write even when the share is read-only (`write list`).'), []),
  writeGroups: optional(GroupNameList.describe('Groups whose members may write even when the share is read-only.'), []),
  hostsAllow: optional(HostAccessList.describe(SMB_HOSTS_HINT.allow), []),
  hostsDeny: optional(HostAccessList.describe(SMB_HOSTS_HINT.deny), []),
  createMask: optional(OctalMask.nullable().describe('Most permissions a new file gets; null = Samba’s default (0744).'), null),
  directoryMask: optional(OctalMask.nullable().describe('Most permissions a new directory gets; null = Samba’s default (0755).'), null),
  forceUser: optional(PosixUserName.nullable().describe('Every file operation runs as this user.'), null),
  forceGroup: optional(PosixGroupName.nullable().describe('Every file operation runs with this primary group.'), null),
  recycleBin: optional(SmbRecycleBin.nullable().describe('null = deleted files are gone.'), null),
  previousVersions: optional(z.boolean().describe('Show the dataset’s snapshots as Windows “Previous Versions” (vfs_shadow_copy2).'), false),
  timeMachine: optional(SmbTimeMachine.nullable().describe('null = not a Time Machine destination.'), null),
  audit: optional(z.boolean().describe('Log file operations to syslog (vfs_full_audit).'), false),
};
/** What a new SMB share gets for every option its create body leaves out. */
export const SMB_SHARE_DEFAULTS = optionDefaults(SMB_SHARE_OPTIONS);
/** A recycle bin turned on with nothing else said (the dashboard's switch starts from it). */
export const SMB_RECYCLE_BIN_DEFAULT = SmbRecycleBin.parse({});

// ---------------------------------------------------------------------------------------------
// NFS
// ---------------------------------------------------------------------------------------------

export const NfsClient = z.object({
  host: NfsClientSpec,
  access: z.enum(['ro', 'rw']).describe('Read-only or read-write.'),
});
export type NfsClient = z.infer<typeof NfsClient>;

/** The NFS export options: one row each, read by the contract, the create defaults and the dashboard. */
export const NFS_SHARE_OPTIONS = {
  path: required(AbsolutePath.describe('Directory inside a registered pool; one export per path.')),
  comment: optional(ExportComment.nullable().describe('Written as a # line above the export.'), null),
  enabled: optional(z.boolean().describe('Disabled exports are kept but not written.'), true),
  clients: required(
    z
      .array(NfsClient)
      .min(1, 'at least one client')
      .max(256)
      .describe('Who may mount it. Repeated identical entries are merged; one host with both ro and rw is refused.'),
  ),
  squash: optional(z.enum(['root', 'none', 'all']).describe('root: root_squash (safe default); none: no_root_squash; all: all_squash.'), 'root'),
  anonUid: optional(AnonId.nullable().describe('uid squashed users become; null = nobody.'), null),
  anonGid: optional(AnonId.nullable().describe('gid squashed users become; null = nogroup.'), null),
  sync: optional(z.boolean().describe('sync (safe) or async (faster; a server crash loses acknowledged writes).'), true),
  security: optional(NfsSecFlavors, ['sys']),
  subtreeCheck: optional(z.boolean().describe('subtree_check; off (no_subtree_check) is the reliable default.'), false),
  insecure: optional(z.boolean().describe('Accept client ports above 1023 (macOS clients need it).'), false),
};
/** What a new NFS export gets for every option its create body leaves out. */
export const NFS_SHARE_DEFAULTS = optionDefaults(NFS_SHARE_OPTIONS);

// ---------------------------------------------------------------------------------------------
// FTP
// ---------------------------------------------------------------------------------------------

/** The FTP share options: one row each, read by the contract, the create defaults and the dashboard. */
export const FTP_SHARE_OPTIONS = {
  name: required(ShareComment.describe('A label for the share (not written to vsftpd’s files).')),
  path: required(AbsolutePath.describe('Directory inside a registered pool: the FTP root of its users.')),
  enabled: optional(z.boolean().describe('Disabled shares grant nothing.'), true),
  allowedUsers: optional(UserNameList.describe('Users whose FTP root this is. A user has at most one FTP share (vsftpd has one root per login).'), []),
  allowedGroups: optional(GroupNameList.describe('Groups whose members get this share as their FTP root.'), []),
  writeEnable: optional(z.boolean().describe('Allowed users may upload, rename and delete.'), false),
  anonymous: optional(z.boolean().describe('Anonymous, read-only access. Needs `confirmAnonymous: true`.'), false),
  chroot: optional(z.boolean().describe('Lock users into the share; off lets them browse the whole file system.'), true),
};
/** What a new FTP share gets for every option its create body leaves out. */
export const FTP_SHARE_DEFAULTS = optionDefaults(FTP_SHARE_OPTIONS);
