import { z } from 'zod';
import { DryRunQuery, FieldError, IdParams, page, PageQuery } from './common';
import { endpoint } from './endpoint';
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
import { ApplyResult } from './services';

/*
 * SMB, NFS and FTP shares. Each share points at a directory inside a registered pool: `path` is an
 * absolute path, resolved with realpath on the server (no `..`, no symlink out of the pool). Every
 * mutation renders and checks the daemon's whole candidate configuration, writes it and reloads the
 * daemon in one apply (see docs/services.md); `?dryRun=true` answers the diff and changes nothing.
 *
 * Base objects carry no defaults, so `.partial()` gives an update body that leaves unsent fields
 * alone; the create bodies add the defaults.
 */

/**
 * Most shares of one protocol a box serves. Rendering is linear (the benchmark measures 5,000 SMB
 * shares); the cap keeps one config file from growing without bound.
 */
export const MAX_SHARES_PER_PROTOCOL = 10_000;

export const ShareProtocol = z.enum(['smb', 'nfs', 'ftp']).describe('The protocol a share is served with.');
export type ShareProtocol = z.infer<typeof ShareProtocol>;

const SortOrder = z.enum(['asc', 'desc']).default('asc').describe('Sort direction.');
const EnabledFilter = z
  .enum(['true', 'false'])
  .optional()
  .transform((v) => (v === undefined ? undefined : v === 'true'))
  .describe('Only enabled (true) or only disabled (false) shares.');

/** Asks the server to create the share's directory (inside the pool) when it is missing. */
export const CreateDirectory = z
  .object({
    owner: PosixUserName.nullable().default(null).describe('Owner of the new directory; null = root.'),
    group: PosixGroupName.nullable().default(null).describe('Group of the new directory; null = root.'),
    mode: OctalMask.default('0775').describe('Mode of the new directory.'),
  })
  .describe('Create the directory (and missing parents) if it does not exist. Without it a missing path is a 422.');
export type CreateDirectory = z.infer<typeof CreateDirectory>;

const shareMeta = {
  id: z.string().uuid(),
  poolId: z.string().uuid().describe('The pool the path lies in.'),
  poolName: z.string().describe('That pool’s name.'),
  createdAt: z.string(),
  updatedAt: z.string(),
};

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

const smbBase = z.object({
  name: SmbShareName,
  comment: ShareComment.nullable(),
  path: AbsolutePath.describe('Directory inside a registered pool.'),
  enabled: z.boolean().describe('Disabled shares are kept but not served.'),
  browseable: z.boolean().describe('Listed when clients browse the server.'),
  readOnly: z.boolean().describe('Nobody may write (write users/groups still may).'),
  guestOk: z.boolean().describe('Anyone may connect without a password, as the guest account.'),
  validUsers: UserNameList.describe('Only these users (and the members of valid groups) may connect; both empty = every user.'),
  validGroups: GroupNameList.describe('Groups whose members may connect.'),
  writeUsers: UserNameList.describe('Users who may write even when the share is read-only (`write list`).'),
  writeGroups: GroupNameList.describe('Groups whose members may write even when the share is read-only.'),
  hostsAllow: HostAccessList.describe(SMB_HOSTS_HINT.allow),
  hostsDeny: HostAccessList.describe(SMB_HOSTS_HINT.deny),
  createMask: OctalMask.nullable().describe('Most permissions a new file gets; null = Samba’s default (0744).'),
  directoryMask: OctalMask.nullable().describe('Most permissions a new directory gets; null = Samba’s default (0755).'),
  forceUser: PosixUserName.nullable().describe('Every file operation runs as this user.'),
  forceGroup: PosixGroupName.nullable().describe('Every file operation runs with this primary group.'),
  recycleBin: SmbRecycleBin.nullable().describe('null = deleted files are gone.'),
  previousVersions: z.boolean().describe('Show the dataset’s snapshots as Windows “Previous Versions” (vfs_shadow_copy2).'),
  timeMachine: SmbTimeMachine.nullable().describe('null = not a Time Machine destination.'),
  audit: z.boolean().describe('Log file operations to syslog (vfs_full_audit).'),
});

export const SmbShare = smbBase.extend(shareMeta).describe('An SMB share.');
export type SmbShare = z.infer<typeof SmbShare>;

export const SmbPresetId = z
  .enum(['default', 'private', 'public-read-only', 'time-machine', 'multi-protocol'])
  .describe('A named set of options (like TrueNAS “purposes”).');
export type SmbPresetId = z.infer<typeof SmbPresetId>;

export const SmbShareCreate = smbBase
  .extend({
    comment: smbBase.shape.comment.default(null),
    enabled: z.boolean().default(true),
    browseable: z.boolean().default(true),
    readOnly: z.boolean().default(false),
    guestOk: z.boolean().default(false),
    validUsers: UserNameList.default([]),
    validGroups: GroupNameList.default([]),
    writeUsers: UserNameList.default([]),
    writeGroups: GroupNameList.default([]),
    hostsAllow: HostAccessList.default([]),
    hostsDeny: HostAccessList.default([]),
    createMask: OctalMask.nullable().default(null),
    directoryMask: OctalMask.nullable().default(null),
    forceUser: PosixUserName.nullable().default(null),
    forceGroup: PosixGroupName.nullable().default(null),
    recycleBin: SmbRecycleBin.nullable().default(null),
    previousVersions: z.boolean().default(false),
    timeMachine: SmbTimeMachine.nullable().default(null),
    audit: z.boolean().default(false),
  })
  .extend({
    preset: SmbPresetId.optional().describe('Fill every option this body leaves out from the preset (fields sent explicitly win).'),
    createDirectory: CreateDirectory.optional(),
  })
  .describe('A new SMB share.');
export type SmbShareCreate = z.infer<typeof SmbShareCreate>;
export type SmbShareCreateInput = z.input<typeof SmbShareCreate>;

export const SmbShareUpdate = smbBase.partial().extend({ createDirectory: CreateDirectory.optional() }).describe('Fields to change; others stay.');
export type SmbShareUpdate = z.infer<typeof SmbShareUpdate>;

export const SmbPreset = z.object({
  id: SmbPresetId,
  name: z.string(),
  description: z.string().describe('What the preset is for and what it sets.'),
  options: smbBase.omit({ name: true, path: true }).partial().describe('The options it fills.'),
});
export type SmbPreset = z.infer<typeof SmbPreset>;

export const SmbShareListQuery = PageQuery.extend({
  sort: z.enum(['name', 'path', 'createdAt', 'updatedAt']).default('name'),
  order: SortOrder,
  enabled: EnabledFilter,
  poolId: z.string().uuid().optional().describe('Only shares in this pool.'),
});
export type SmbShareListQuery = z.infer<typeof SmbShareListQuery>;

// ---------------------------------------------------------------------------------------------
// NFS
// ---------------------------------------------------------------------------------------------

export const NfsClient = z.object({
  host: NfsClientSpec,
  access: z.enum(['ro', 'rw']).describe('Read-only or read-write.'),
});
export type NfsClient = z.infer<typeof NfsClient>;

const nfsBase = z.object({
  path: AbsolutePath.describe('Directory inside a registered pool; one export per path.'),
  comment: ExportComment.nullable().describe('Written as a # line above the export.'),
  enabled: z.boolean().describe('Disabled exports are kept but not written.'),
  clients: z
    .array(NfsClient)
    .min(1, 'at least one client')
    .max(256)
    .describe('Who may mount it. Repeated identical entries are merged; one host with both ro and rw is refused.'),
  squash: z.enum(['root', 'none', 'all']).describe('root: root_squash (safe default); none: no_root_squash; all: all_squash.'),
  anonUid: AnonId.nullable().describe('uid squashed users become; null = nobody.'),
  anonGid: AnonId.nullable().describe('gid squashed users become; null = nogroup.'),
  sync: z.boolean().describe('sync (safe) or async (faster; a server crash loses acknowledged writes).'),
  security: NfsSecFlavors,
  subtreeCheck: z.boolean().describe('subtree_check; off (no_subtree_check) is the reliable default.'),
  insecure: z.boolean().describe('Accept client ports above 1023 (macOS clients need it).'),
});

export const NfsShare = nfsBase.extend(shareMeta).describe('An NFS export.');
export type NfsShare = z.infer<typeof NfsShare>;

export const NfsShareCreate = nfsBase
  .extend({
    comment: ExportComment.nullable().default(null),
    enabled: z.boolean().default(true),
    squash: nfsBase.shape.squash.default('root'),
    anonUid: AnonId.nullable().default(null),
    anonGid: AnonId.nullable().default(null),
    sync: z.boolean().default(true),
    security: NfsSecFlavors.default(['sys']),
    subtreeCheck: z.boolean().default(false),
    insecure: z.boolean().default(false),
    createDirectory: CreateDirectory.optional(),
  })
  .describe('A new NFS export.');
export type NfsShareCreate = z.infer<typeof NfsShareCreate>;
export type NfsShareCreateInput = z.input<typeof NfsShareCreate>;

export const NfsShareUpdate = nfsBase.partial().extend({ createDirectory: CreateDirectory.optional() }).describe('Fields to change; others stay.');
export type NfsShareUpdate = z.infer<typeof NfsShareUpdate>;

export const NfsShareListQuery = PageQuery.extend({
  sort: z.enum(['path', 'createdAt', 'updatedAt']).default('path'),
  order: SortOrder,
  enabled: EnabledFilter,
  poolId: z.string().uuid().optional().describe('Only exports in this pool.'),
});
export type NfsShareListQuery = z.infer<typeof NfsShareListQuery>;

// ---------------------------------------------------------------------------------------------
// FTP
// ---------------------------------------------------------------------------------------------

const ftpBase = z.object({
  name: ShareComment.describe('A label for the share (not written to vsftpd’s files).'),
  path: AbsolutePath.describe('Directory inside a registered pool: the FTP root of its users.'),
  enabled: z.boolean().describe('Disabled shares grant nothing.'),
  allowedUsers: UserNameList.describe('Users whose FTP root this is. A user has at most one FTP share (vsftpd has one root per login).'),
  allowedGroups: GroupNameList.describe('Groups whose members get this share as their FTP root.'),
  writeEnable: z.boolean().describe('Allowed users may upload, rename and delete.'),
  anonymous: z.boolean().describe('Anonymous, read-only access. Needs `confirmAnonymous: true`.'),
  chroot: z.boolean().describe('Lock users into the share; off lets them browse the whole file system.'),
});

const confirmAnonymous = z
  .boolean()
  .optional()
  .describe('Must be true in the same request that turns anonymous access on: anyone who can reach the port can then read the share.');

export const FtpShare = ftpBase.extend(shareMeta).describe('An FTP share (vsftpd).');
export type FtpShare = z.infer<typeof FtpShare>;

export const FtpShareCreate = ftpBase
  .extend({
    enabled: z.boolean().default(true),
    allowedUsers: UserNameList.default([]),
    allowedGroups: GroupNameList.default([]),
    writeEnable: z.boolean().default(false),
    anonymous: z.boolean().default(false),
    chroot: z.boolean().default(true),
    confirmAnonymous,
    createDirectory: CreateDirectory.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.anonymous && v.confirmAnonymous !== true) {
      ctx.addIssue({ code: 'custom', path: ['confirmAnonymous'], message: 'anonymous access lets anyone read this share; confirm it with confirmAnonymous: true' });
    }
  })
  .describe('A new FTP share.');
export type FtpShareCreate = z.infer<typeof FtpShareCreate>;
export type FtpShareCreateInput = z.input<typeof FtpShareCreate>;

export const FtpShareUpdate = ftpBase
  .partial()
  .extend({ confirmAnonymous, createDirectory: CreateDirectory.optional() })
  .superRefine((v, ctx) => {
    if (v.anonymous === true && v.confirmAnonymous !== true) {
      ctx.addIssue({ code: 'custom', path: ['confirmAnonymous'], message: 'anonymous access lets anyone read this share; confirm it with confirmAnonymous: true' });
    }
  })
  .describe('Fields to change; others stay.');
export type FtpShareUpdate = z.infer<typeof FtpShareUpdate>;

export const FtpShareListQuery = PageQuery.extend({
  sort: z.enum(['name', 'path', 'createdAt', 'updatedAt']).default('name'),
  order: SortOrder,
  enabled: EnabledFilter,
  poolId: z.string().uuid().optional().describe('Only shares in this pool.'),
});
export type FtpShareListQuery = z.infer<typeof FtpShareListQuery>;

// ---------------------------------------------------------------------------------------------
// Mutation results
// ---------------------------------------------------------------------------------------------

function mutation<T extends z.ZodType>(share: T) {
  return z.object({
    share: share.describe('The share as stored (on a dry run: as it would be stored).'),
    apply: ApplyResult.describe('What happened to the daemon’s files; on a dry run, their diffs.'),
  });
}

export const SmbShareMutation = mutation(SmbShare);
export type SmbShareMutation = z.infer<typeof SmbShareMutation>;
export const NfsShareMutation = mutation(NfsShare);
export type NfsShareMutation = z.infer<typeof NfsShareMutation>;
export const FtpShareMutation = mutation(FtpShare);
export type FtpShareMutation = z.infer<typeof FtpShareMutation>;

export const ShareDeletion = z.object({ apply: ApplyResult });
export type ShareDeletion = z.infer<typeof ShareDeletion>;

export const SharesSummary = z.object({
  smb: z.object({ total: z.number().int(), enabled: z.number().int() }),
  nfs: z.object({ total: z.number().int(), enabled: z.number().int() }),
  ftp: z.object({ total: z.number().int(), enabled: z.number().int() }),
});
export type SharesSummary = z.infer<typeof SharesSummary>;

// ---------------------------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------------------------

const ConfigText = z.string().max(1024 * 1024, 'must be at most 1 MiB');

export const ShareImportRequest = z
  .object({
    source: z.enum(['host', 'upload']).describe('host: the files found on this box at first start (kept in the data dir) or, failing that, the live ones; upload: the texts in this body.'),
    smbConf: ConfigText.optional().describe('An smb.conf (source upload).'),
    exports: ConfigText.optional().describe('An /etc/exports (source upload).'),
    vsftpdConf: ConfigText.optional().describe('A vsftpd.conf (source upload); per-user local_root files are not read.'),
    createDirectories: z.boolean().default(false).describe('Create missing directories (mode 0775, root) instead of skipping those shares.'),
    confirmAnonymous: z
      .boolean()
      .default(false)
      .describe('Create proposed anonymous FTP shares too. Without it they are proposed with an error on confirmAnonymous and skipped: anyone who reaches the port could read them.'),
  })
  .superRefine((v, ctx) => {
    if (v.source === 'upload' && v.smbConf === undefined && v.exports === undefined && v.vsftpdConf === undefined) {
      ctx.addIssue({ code: 'custom', path: ['smbConf'], message: 'upload at least one of smbConf, exports or vsftpdConf' });
    }
  })
  .describe('What to import shares from.');
export type ShareImportRequest = z.infer<typeof ShareImportRequest>;

export const ImportNote = z.object({
  file: z.enum(['smb.conf', 'exports', 'vsftpd.conf']),
  line: z.number().int().nullable().describe('1-based line in that file.'),
  section: z.string().nullable().describe('The smb.conf section or export path it belongs to.'),
  text: z.string().describe('The line (or parameter) concerned.'),
  reason: z.string().describe('Why it was not taken over as it is.'),
});
export type ImportNote = z.infer<typeof ImportNote>;

function proposal<T extends z.ZodType>(body: T) {
  return z.object({
    share: body.describe('The share that would be created (a create body).'),
    source: z.string().describe('Where it came from, such as `[media]` or the export path.'),
    errors: z.array(FieldError).describe('Why it cannot be created as proposed (it is skipped); empty = it will be created.'),
    notes: z.array(ImportNote).describe('Options of this share that were not understood or not taken over.'),
  });
}

export const ShareImportReport = z.object({
  dryRun: z.boolean(),
  smb: z.array(proposal(SmbShareCreate)),
  nfs: z.array(proposal(NfsShareCreate)),
  ftp: z.array(proposal(FtpShareCreate)),
  notes: z.array(ImportNote).describe('Global options and lines that were not understood or not taken over.'),
  created: z.object({ smb: z.number().int(), nfs: z.number().int(), ftp: z.number().int() }).describe('Shares created (0 on a dry run).'),
  apply: z.array(ApplyResult).describe('One apply per protocol that changed.'),
});
export type ShareImportReport = z.infer<typeof ShareImportReport>;

// ---------------------------------------------------------------------------------------------
// Endpoints
// ---------------------------------------------------------------------------------------------

const CONFLICT = 'A share with that name (SMB, case-insensitive) or path (NFS) exists, or an FTP user already has a share.';
const APPLY = 'The daemon did not take the new files; everything was rolled back and the body says whether it serves again.';

export const sharesApi = {
  summary: endpoint({ id: 'shares.summary', method: 'GET', path: '/api/shares', tag: 'shares', access: 'viewer', summary: 'How many shares each protocol has', response: SharesSummary }),
  import: endpoint({
    id: 'shares.import',
    method: 'POST',
    path: '/api/shares/import',
    tag: 'shares',
    access: 'admin',
    summary: 'Propose (dry run) or create shares from an existing smb.conf, /etc/exports or vsftpd.conf',
    description: 'Each section/export/user root becomes a proposed share with field errors when it cannot be created; what is not understood is listed with its line. Without `dryRun=true` the valid proposals are created, all or nothing per protocol.',
    query: DryRunQuery,
    body: ShareImportRequest,
    response: ShareImportReport,
    errors: { 502: APPLY },
  }),
};

export const smbSharesApi = {
  list: endpoint({ id: 'shares.smb.list', method: 'GET', path: '/api/shares/smb', tag: 'shares', access: 'viewer', summary: 'SMB shares, filtered, sorted and paged', query: SmbShareListQuery, response: page(SmbShare) }),
  presets: endpoint({ id: 'shares.smb.presets', method: 'GET', path: '/api/shares/smb/presets', tag: 'shares', access: 'viewer', summary: 'Option presets for new SMB shares', response: z.array(SmbPreset) }),
  get: endpoint({ id: 'shares.smb.get', method: 'GET', path: '/api/shares/smb/{id}', tag: 'shares', access: 'viewer', summary: 'One SMB share', params: IdParams, response: SmbShare }),
  create: endpoint({
    id: 'shares.smb.create',
    method: 'POST',
    path: '/api/shares/smb',
    tag: 'shares',
    access: 'admin',
    summary: 'Create an SMB share and apply smb.conf',
    query: DryRunQuery,
    body: SmbShareCreate,
    response: SmbShareMutation,
    status: 201,
    errors: { 409: CONFLICT, 502: APPLY },
  }),
  update: endpoint({ id: 'shares.smb.update', method: 'PATCH', path: '/api/shares/smb/{id}', tag: 'shares', access: 'admin', summary: 'Change an SMB share and apply smb.conf', params: IdParams, query: DryRunQuery, body: SmbShareUpdate, response: SmbShareMutation, errors: { 409: CONFLICT, 502: APPLY } }),
  remove: endpoint({ id: 'shares.smb.remove', method: 'DELETE', path: '/api/shares/smb/{id}', tag: 'shares', access: 'admin', summary: 'Delete an SMB share (the data stays) and apply smb.conf', params: IdParams, query: DryRunQuery, response: ShareDeletion, errors: { 502: APPLY } }),
};

export const nfsSharesApi = {
  list: endpoint({ id: 'shares.nfs.list', method: 'GET', path: '/api/shares/nfs', tag: 'shares', access: 'viewer', summary: 'NFS exports, filtered, sorted and paged', query: NfsShareListQuery, response: page(NfsShare) }),
  get: endpoint({ id: 'shares.nfs.get', method: 'GET', path: '/api/shares/nfs/{id}', tag: 'shares', access: 'viewer', summary: 'One NFS export', params: IdParams, response: NfsShare }),
  create: endpoint({
    id: 'shares.nfs.create',
    method: 'POST',
    path: '/api/shares/nfs',
    tag: 'shares',
    access: 'admin',
    summary: 'Create an NFS export and apply /etc/exports',
    description: 'Where the kernel NFS server is missing (unprivileged LXC) the export is stored and the file written and checked, and the apply result says the service is unavailable and why.',
    query: DryRunQuery,
    body: NfsShareCreate,
    response: NfsShareMutation,
    status: 201,
    errors: { 409: CONFLICT, 502: APPLY },
  }),
  update: endpoint({ id: 'shares.nfs.update', method: 'PATCH', path: '/api/shares/nfs/{id}', tag: 'shares', access: 'admin', summary: 'Change an NFS export and apply /etc/exports', params: IdParams, query: DryRunQuery, body: NfsShareUpdate, response: NfsShareMutation, errors: { 409: CONFLICT, 502: APPLY } }),
  remove: endpoint({ id: 'shares.nfs.remove', method: 'DELETE', path: '/api/shares/nfs/{id}', tag: 'shares', access: 'admin', summary: 'Delete an NFS export (the data stays) and apply /etc/exports', params: IdParams, query: DryRunQuery, response: ShareDeletion, errors: { 502: APPLY } }),
};

export const ftpSharesApi = {
  list: endpoint({ id: 'shares.ftp.list', method: 'GET', path: '/api/shares/ftp', tag: 'shares', access: 'viewer', summary: 'FTP shares, filtered, sorted and paged', query: FtpShareListQuery, response: page(FtpShare) }),
  get: endpoint({ id: 'shares.ftp.get', method: 'GET', path: '/api/shares/ftp/{id}', tag: 'shares', access: 'viewer', summary: 'One FTP share', params: IdParams, response: FtpShare }),
  create: endpoint({
    id: 'shares.ftp.create',
    method: 'POST',
    path: '/api/shares/ftp',
    tag: 'shares',
    access: 'admin',
    summary: 'Create an FTP share and apply the vsftpd files',
    query: DryRunQuery,
    body: FtpShareCreate,
    response: FtpShareMutation,
    status: 201,
    errors: { 409: CONFLICT, 502: APPLY },
  }),
  update: endpoint({ id: 'shares.ftp.update', method: 'PATCH', path: '/api/shares/ftp/{id}', tag: 'shares', access: 'admin', summary: 'Change an FTP share and apply the vsftpd files', params: IdParams, query: DryRunQuery, body: FtpShareUpdate, response: FtpShareMutation, errors: { 409: CONFLICT, 502: APPLY } }),
  remove: endpoint({ id: 'shares.ftp.remove', method: 'DELETE', path: '/api/shares/ftp/{id}', tag: 'shares', access: 'admin', summary: 'Delete an FTP share (the data stays) and apply the vsftpd files', params: IdParams, query: DryRunQuery, response: ShareDeletion, errors: { 502: APPLY } }),
};
