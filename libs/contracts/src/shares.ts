import { z } from 'zod';
import { DryRunQuery, FieldError, IdParams, page, PageQuery } from './common';
import { endpoint } from './endpoint';
import { OctalMask, PosixGroupName, PosixUserName } from './grammar';
import { ApplyResult } from './services';

export * from './share-options';
import { baseShape, createShape, FTP_SHARE_OPTIONS, NFS_SHARE_OPTIONS, SMB_SHARE_OPTIONS } from './share-options';

/*
 * SMB, NFS and FTP shares. Each share points at a directory inside a registered pool: `path` is an
 * absolute path, resolved with realpath on the server (no `..`, no symlink out of the pool). Every
 * mutation renders and checks the daemon's whole candidate configuration, writes it and reloads the
 * daemon in one apply (see docs/services.md); `?dryRun=true` answers the diff and changes nothing.
 *
 * Each protocol's options are one table (share-options.ts): base objects carry no defaults, so
 * `.partial()` gives an update body that leaves unsent fields alone; the create bodies add the
 * table's defaults.
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

const smbBase = z.object(baseShape(SMB_SHARE_OPTIONS));

export const SmbShare = smbBase.extend(shareMeta).describe('An SMB share.');
export type SmbShare = z.infer<typeof SmbShare>;

export const SmbPresetId = z
  .enum(['default', 'private', 'public-read-only', 'time-machine', 'multi-protocol'])
  .describe('A named set of options (like TrueNAS “purposes”).');
export type SmbPresetId = z.infer<typeof SmbPresetId>;

export const SmbShareCreate = z
  .object(createShape(SMB_SHARE_OPTIONS))
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

const nfsBase = z.object(baseShape(NFS_SHARE_OPTIONS));

export const NfsShare = nfsBase.extend(shareMeta).describe('An NFS export.');
export type NfsShare = z.infer<typeof NfsShare>;

export const NfsShareCreate = z
  .object(createShape(NFS_SHARE_OPTIONS))
  .extend({
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

const ftpBase = z.object(baseShape(FTP_SHARE_OPTIONS));

const confirmAnonymous = z
  .boolean()
  .optional()
  .describe('Must be true in the same request that turns anonymous access on: anyone who can reach the port can then read the share.');

export const FtpShare = ftpBase.extend(shareMeta).describe('An FTP share (vsftpd).');
export type FtpShare = z.infer<typeof FtpShare>;

export const FtpShareCreate = z
  .object(createShape(FTP_SHARE_OPTIONS))
  .extend({
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

/**
 * list/get/create/update/remove of one protocol: the same five endpoints for SMB, NFS and FTP, in
 * the protocol's words (`what` is the noun, `file` the configuration an apply writes).
 */
function shareCrudApi<L extends z.ZodType, S extends z.ZodType, C extends z.ZodType, U extends z.ZodType, M extends z.ZodType>(
  p: { protocol: ShareProtocol; label: string; what: string; plural: string; file: string; createDescription?: string },
  s: { listQuery: L; share: S; create: C; update: U; mutation: M },
) {
  const base = { tag: 'shares', path: `/api/shares/${p.protocol}` } as const;
  const one = `${base.path}/{id}`;
  return {
    list: endpoint({ id: `shares.${p.protocol}.list`, method: 'GET', path: base.path, tag: base.tag, access: 'viewer', summary: `${p.label} ${p.plural}, filtered, sorted and paged`, query: s.listQuery, response: page(s.share) }),
    get: endpoint({ id: `shares.${p.protocol}.get`, method: 'GET', path: one, tag: base.tag, access: 'viewer', summary: `One ${p.label} ${p.what}`, params: IdParams, response: s.share }),
    create: endpoint({
      id: `shares.${p.protocol}.create`,
      method: 'POST',
      path: base.path,
      tag: base.tag,
      access: 'admin',
      summary: `Create an ${p.label} ${p.what} and apply ${p.file}`,
      ...(p.createDescription === undefined ? {} : { description: p.createDescription }),
      query: DryRunQuery,
      body: s.create,
      response: s.mutation,
      status: 201,
      errors: { 409: CONFLICT, 502: APPLY },
    }),
    update: endpoint({ id: `shares.${p.protocol}.update`, method: 'PATCH', path: one, tag: base.tag, access: 'admin', summary: `Change an ${p.label} ${p.what} and apply ${p.file}`, params: IdParams, query: DryRunQuery, body: s.update, response: s.mutation, errors: { 409: CONFLICT, 502: APPLY } }),
    remove: endpoint({ id: `shares.${p.protocol}.remove`, method: 'DELETE', path: one, tag: base.tag, access: 'admin', summary: `Delete an ${p.label} ${p.what} (the data stays) and apply ${p.file}`, params: IdParams, query: DryRunQuery, response: ShareDeletion, errors: { 502: APPLY } }),
  };
}

const smbCrud = shareCrudApi({ protocol: 'smb', label: 'SMB', what: 'share', plural: 'shares', file: 'smb.conf' }, { listQuery: SmbShareListQuery, share: SmbShare, create: SmbShareCreate, update: SmbShareUpdate, mutation: SmbShareMutation });
export const smbSharesApi = {
  list: smbCrud.list,
  presets: endpoint({ id: 'shares.smb.presets', method: 'GET', path: '/api/shares/smb/presets', tag: 'shares', access: 'viewer', summary: 'Option presets for new SMB shares', response: z.array(SmbPreset) }),
  get: smbCrud.get,
  create: smbCrud.create,
  update: smbCrud.update,
  remove: smbCrud.remove,
};

export const nfsSharesApi = shareCrudApi(
  {
    protocol: 'nfs',
    label: 'NFS',
    what: 'export',
    plural: 'exports',
    file: '/etc/exports',
    createDescription: 'Where the kernel NFS server is missing (unprivileged LXC) the export is stored and the file written and checked, and the apply result says the service is unavailable and why.',
  },
  { listQuery: NfsShareListQuery, share: NfsShare, create: NfsShareCreate, update: NfsShareUpdate, mutation: NfsShareMutation },
);

export const ftpSharesApi = shareCrudApi(
  { protocol: 'ftp', label: 'FTP', what: 'share', plural: 'shares', file: 'the vsftpd files' },
  { listQuery: FtpShareListQuery, share: FtpShare, create: FtpShareCreate, update: FtpShareUpdate, mutation: FtpShareMutation },
);
