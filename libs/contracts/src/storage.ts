import { z } from 'zod';
import { IdParams } from './common';
import { endpoint } from './endpoint';
import { AbsolutePath } from './grammar';
import { Job } from './jobs';
import { AccountRef, ByteCount, DatasetName, FileMode, PoolName, StorageDescription } from './storage-names';

// ---------------------------------------------------------------------------------------------
// Common shapes
// ---------------------------------------------------------------------------------------------

export const StorageCapability = z.object({
  available: z.boolean(),
  probed: z.boolean().describe('False when inferred from the file system type because the probe tool is missing.'),
  reason: z.string().describe('What was found, in plain words.'),
  fix: z.string().nullable().describe('What an admin can do about it, when anything.'),
});
export type StorageCapability = z.infer<typeof StorageCapability>;

export const SnapshotDriverKind = z.enum(['copy', 'btrfs', 'zfs']).describe('zfs (native), btrfs (read-only subvolume snapshots) or copy (hard-link trees).');
export type SnapshotDriverKind = z.infer<typeof SnapshotDriverKind>;

export const UsageLevel = z.enum(['ok', 'warning', 'critical', 'unknown']);
export type UsageLevel = z.infer<typeof UsageLevel>;

export const Thresholds = z.object({
  warningPercent: z.number().int().min(1).max(100).describe('Usage (%) at which the pool is reported as warning.'),
  criticalPercent: z.number().int().min(1).max(100).describe('Usage (%) at which the pool is reported as critical.'),
});

// ---------------------------------------------------------------------------------------------
// Pools
// ---------------------------------------------------------------------------------------------

export const PoolHealth = z.object({
  status: z.enum(['online', 'degraded']).describe('online = mounted and writable; degraded = anything else, see problems.'),
  mounted: z.boolean().describe('The path exists and is on the file system it was registered on.'),
  writable: z.boolean().describe('A file could be created and removed in the pool.'),
  readOnly: z.boolean().describe('The mount is read-only (for example remounted read-only after I/O errors).'),
  problems: z.array(z.string()),
  checkedAt: z.string().nullable(),
});
export type PoolHealth = z.infer<typeof PoolHealth>;

export const PoolSpace = z.object({
  totalBytes: z.number(),
  usedBytes: z.number(),
  availableBytes: z.number().describe('What unprivileged writers can still use (df "Avail").'),
  usedRatio: z.number().describe('used / (used + available), 0–1, as df computes Use%.'),
});

export const PoolCapabilities = z.object({
  posixAcl: StorageCapability,
  userXattr: StorageCapability,
  securityXattr: StorageCapability,
  hardLinks: StorageCapability,
  reflink: StorageCapability,
  zfsSnapshots: StorageCapability,
  btrfsSnapshots: StorageCapability,
  hardQuota: StorageCapability.extend({ kind: z.enum(['zfs', 'btrfs-qgroup', 'xfs-project']).nullable() }),
});
export type PoolCapabilities = z.infer<typeof PoolCapabilities>;

export const Pool = z.object({
  id: z.string().uuid(),
  name: z.string(),
  description: z.string().nullable(),
  path: z.string().describe('Real path of the pool directory.'),
  mountPoint: z.string().describe('Mount point of the file system the pool is on.'),
  fsType: z.string(),
  source: z.string().describe('Device or source of the mount (/dev/sdb1, tank/data, …).'),
  health: PoolHealth,
  space: PoolSpace.nullable().describe('Null while the pool is not mounted.'),
  thresholds: Thresholds,
  usageLevel: UsageLevel,
  capabilities: PoolCapabilities,
  snapshotDriver: SnapshotDriverKind.describe('Driver new datasets of this pool get.'),
  datasetCount: z.number().int(),
  refreshedAt: z.string().nullable().describe('When the figures were last refreshed (in the background, every minute).'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Pool = z.infer<typeof Pool>;

const thresholdOrder = <T extends { warningPercent?: number; criticalPercent?: number }>(v: T) =>
  v.warningPercent === undefined || v.criticalPercent === undefined || v.warningPercent < v.criticalPercent;

export const PoolCreate = z
  .object({
    name: PoolName,
    path: AbsolutePath.describe('Absolute path of a directory on a mounted file system: a mount point or a directory in it.'),
    description: StorageDescription.nullable().default(null),
    warningPercent: z.number().int().min(1).max(99).default(80),
    criticalPercent: z.number().int().min(2).max(100).default(90),
  })
  .refine(thresholdOrder, { message: 'must be below criticalPercent', path: ['warningPercent'] });
export type PoolCreate = z.infer<typeof PoolCreate>;

export const PoolUpdate = z
  .object({
    name: PoolName.optional(),
    description: StorageDescription.nullable().optional(),
    warningPercent: z.number().int().min(1).max(99).optional(),
    criticalPercent: z.number().int().min(2).max(100).optional(),
  })
  .refine(thresholdOrder, { message: 'must be below criticalPercent', path: ['warningPercent'] });
export type PoolUpdate = z.infer<typeof PoolUpdate>;

export const PoolCandidate = z.object({
  mountPoint: z.string(),
  fsType: z.string(),
  source: z.string(),
  readOnly: z.boolean(),
  volatile: z.boolean().describe('tmpfs and similar: the content is lost at reboot.'),
  totalBytes: z.number().nullable(),
  usedBytes: z.number().nullable(),
  availableBytes: z.number().nullable(),
  poolId: z.string().uuid().nullable().describe('The pool already registered at this mount point, if any.'),
});
export type PoolCandidate = z.infer<typeof PoolCandidate>;

// ---------------------------------------------------------------------------------------------
// Datasets
// ---------------------------------------------------------------------------------------------

export const AclEntryInput = z
  .object({
    tag: z.enum(['user', 'group', 'mask']).describe('A named user or group entry, or the mask (owner, owning group and other come from mode).'),
    qualifier: AccountRef.nullable().default(null).describe('The user or group (required for user/group; null for mask).'),
    perms: z.string().regex(/^[r-][w-][x-]$/, 'must be three characters such as rwx, r-x or ---').describe('rwx-style permissions.'),
    default: z.boolean().default(false).describe('A default entry, inherited by new files and directories.'),
  })
  .superRefine((e, ctx) => {
    if (e.tag !== 'mask' && e.qualifier === null) ctx.addIssue({ code: 'custom', message: `a ${e.tag} entry needs the ${e.tag}`, path: ['qualifier'] });
    if (e.tag === 'mask' && e.qualifier !== null) ctx.addIssue({ code: 'custom', message: 'the mask has no qualifier', path: ['qualifier'] });
  });
export type AclEntryInput = z.infer<typeof AclEntryInput>;

export const AclEntry = z.object({
  tag: z.enum(['user', 'group', 'mask']),
  id: z.number().int().nullable().describe('uid or gid; null for the mask.'),
  name: z.string().nullable().describe('User or group name as the host resolves it now.'),
  perms: z.string(),
  default: z.boolean(),
});
export type AclEntry = z.infer<typeof AclEntry>;

const AclList = z.array(AclEntryInput).max(64, 'at most 64 entries').describe('Extended POSIX ACL entries; empty removes them.');

export const DatasetBackend = z.enum(['directory', 'btrfs-subvolume', 'zfs-filesystem']);

export const Dataset = z.object({
  id: z.string().uuid(),
  poolId: z.string().uuid(),
  parentId: z.string().uuid().nullable(),
  name: z.string(),
  path: z.string().describe('Absolute path of the dataset directory.'),
  relativePath: z.string().describe('Path inside the pool.'),
  backend: DatasetBackend,
  snapshotDriver: SnapshotDriverKind,
  owner: z.object({ uid: z.number().int(), name: z.string().nullable() }),
  group: z.object({ gid: z.number().int(), name: z.string().nullable() }),
  mode: z.string().describe('Permission bits in octal.'),
  acl: z.array(AclEntry),
  quotaBytes: z.number().nullable(),
  quotaKind: z.enum(['hard', 'soft']).nullable().describe('hard = enforced by the file system; soft = measured periodically with an alert when exceeded; null = no quota.'),
  quotaExceeded: z.boolean(),
  usedBytes: z.number().nullable().describe('Allocated bytes of the live data (snapshots excluded), from the last measurement.'),
  usedBytesAt: z.string().nullable().describe('When usedBytes was measured.'),
  usedComplete: z.boolean().describe('False when the measurement hit its file-count or time limit: usedBytes is then a lower bound.'),
  comment: z.string().nullable(),
  previousVersions: z
    .object({ mountpoint: z.string(), snapdir: z.string(), format: z.string() })
    .describe('shadow_copy2 options (shadow:mountpoint, shadow:snapdir, shadow:format, with shadow:localtime = no) that show this dataset’s snapshots as Windows Previous Versions on a share at the dataset or a directory in it.'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Dataset = z.infer<typeof Dataset>;

export const DatasetCreate = z.object({
  poolId: z.string().uuid(),
  parentId: z.string().uuid().nullable().default(null).describe('Parent dataset (nested datasets); null for the pool root.'),
  name: DatasetName,
  owner: AccountRef.optional().describe('Owner (default root, or the existing owner when adopting a directory).'),
  group: AccountRef.optional().describe('Group (default root, or the existing group).'),
  mode: FileMode.optional().describe('Permission bits (default 0755, or the existing mode).'),
  acl: AclList.default([]),
  quotaBytes: ByteCount.min(1024 * 1024, 'must be at least 1 MiB').nullable().default(null).describe('Quota in bytes; null for none.'),
  comment: StorageDescription.nullable().default(null),
});
export type DatasetCreate = z.infer<typeof DatasetCreate>;

export const DatasetUpdate = z.object({
  owner: AccountRef.optional(),
  group: AccountRef.optional(),
  mode: FileMode.optional(),
  acl: AclList.optional(),
  quotaBytes: ByteCount.min(1024 * 1024, 'must be at least 1 MiB').nullable().optional(),
  comment: StorageDescription.nullable().optional(),
});
export type DatasetUpdate = z.infer<typeof DatasetUpdate>;

const boolQuery = (description: string, fallback: boolean) =>
  z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true'))
    .describe(description);

export const DatasetDeleteQuery = z.object({
  keepData: boolQuery('true: forget the dataset but leave its directory and snapshots on disk. false (default): delete the data too.', false),
});
export type DatasetDeleteQuery = z.infer<typeof DatasetDeleteQuery>;

export const DatasetListQuery = z.object({ poolId: z.string().uuid().optional() });

// ---------------------------------------------------------------------------------------------
// Usage report
// ---------------------------------------------------------------------------------------------

export const UsageReport = z.object({
  at: z.string(),
  pools: z.array(
    z.object({
      id: z.string().uuid(),
      name: z.string(),
      health: z.enum(['online', 'degraded']),
      usedRatio: z.number().nullable(),
      usedBytes: z.number().nullable(),
      totalBytes: z.number().nullable(),
      level: UsageLevel,
      thresholds: Thresholds,
    }),
  ),
  datasets: z.array(
    z.object({
      id: z.string().uuid(),
      poolId: z.string().uuid(),
      path: z.string(),
      usedBytes: z.number().nullable(),
      quotaBytes: z.number().nullable(),
      quotaKind: z.enum(['hard', 'soft']).nullable(),
      usedRatio: z.number().nullable().describe('used / quota; null without quota or measurement.'),
      level: UsageLevel,
      exceeded: z.boolean(),
    }),
  ),
});
export type UsageReport = z.infer<typeof UsageReport>;

// ---------------------------------------------------------------------------------------------
// Endpoints
// ---------------------------------------------------------------------------------------------

const CONFLICT_DEPENDANTS = 'Something depends on it (shares, datasets); `details.dependants` lists them.';

export const poolsApi = {
  list: endpoint({ id: 'storage.pools.list', method: 'GET', path: '/api/storage/pools', tag: 'storage', access: 'viewer', summary: 'Registered pools with health, space and capabilities', response: z.array(Pool) }),
  candidates: endpoint({
    id: 'storage.pools.candidates',
    method: 'GET',
    path: '/api/storage/pools/candidates',
    tag: 'storage',
    access: 'viewer',
    summary: 'Mounted file systems that could be registered as pools',
    description: 'From /proc/self/mountinfo, without pseudo and system file systems and without `/` itself (register a directory on it instead).',
    response: z.array(PoolCandidate),
  }),
  usage: endpoint({ id: 'storage.usage', method: 'GET', path: '/api/storage/usage', tag: 'storage', access: 'viewer', summary: 'Pool and dataset usage against thresholds and quotas (what alerts read)', response: UsageReport }),
  get: endpoint({ id: 'storage.pools.get', method: 'GET', path: '/api/storage/pools/{id}', tag: 'storage', access: 'viewer', summary: 'One pool', params: IdParams, response: Pool }),
  create: endpoint({
    id: 'storage.pools.create',
    method: 'POST',
    path: '/api/storage/pools',
    tag: 'storage',
    access: 'admin',
    summary: 'Register a mounted file system (or a directory on one) as a pool',
    body: PoolCreate,
    response: Pool,
    status: 201,
    errors: { 409: 'The name is taken, or the path overlaps another pool.' },
  }),
  update: endpoint({ id: 'storage.pools.update', method: 'PATCH', path: '/api/storage/pools/{id}', tag: 'storage', access: 'admin', summary: 'Rename a pool or change its thresholds', params: IdParams, body: PoolUpdate, response: Pool }),
  remove: endpoint({
    id: 'storage.pools.remove',
    method: 'DELETE',
    path: '/api/storage/pools/{id}',
    tag: 'storage',
    access: 'admin',
    summary: 'Unregister a pool (its data stays on disk)',
    params: IdParams,
    status: 204,
    errors: { 409: CONFLICT_DEPENDANTS },
  }),
  refresh: endpoint({ id: 'storage.pools.refresh', method: 'POST', path: '/api/storage/pools/{id}/refresh', tag: 'storage', access: 'operator', summary: 'Re-check health, space and capabilities now', params: IdParams, response: Pool }),
};

export const datasetsApi = {
  list: endpoint({ id: 'storage.datasets.list', method: 'GET', path: '/api/storage/datasets', tag: 'storage', access: 'viewer', summary: 'Datasets, by path', query: DatasetListQuery, response: z.array(Dataset) }),
  get: endpoint({ id: 'storage.datasets.get', method: 'GET', path: '/api/storage/datasets/{id}', tag: 'storage', access: 'viewer', summary: 'One dataset', params: IdParams, response: Dataset }),
  create: endpoint({
    id: 'storage.datasets.create',
    method: 'POST',
    path: '/api/storage/datasets',
    tag: 'storage',
    access: 'admin',
    summary: 'Create a dataset (or adopt an existing directory) in a pool',
    description: 'On btrfs pools the dataset is a subvolume, on ZFS pools (with /dev/zfs) a ZFS file system, elsewhere a directory. An existing directory of that name is adopted with its data.',
    body: DatasetCreate,
    response: Dataset,
    status: 201,
    errors: { 409: 'A dataset of that name exists.', 503: 'The pool is degraded.' },
  }),
  update: endpoint({ id: 'storage.datasets.update', method: 'PATCH', path: '/api/storage/datasets/{id}', tag: 'storage', access: 'admin', summary: 'Change owner, group, mode, ACL, quota or comment', params: IdParams, body: DatasetUpdate, response: Dataset }),
  remove: endpoint({
    id: 'storage.datasets.remove',
    method: 'DELETE',
    path: '/api/storage/datasets/{id}',
    tag: 'storage',
    access: 'admin',
    summary: 'Delete a dataset (as a job); with keepData=true the data stays on disk',
    params: IdParams,
    query: DatasetDeleteQuery,
    response: Job,
    status: 202,
    errors: { 409: CONFLICT_DEPENDANTS },
  }),
  measure: endpoint({ id: 'storage.datasets.measure', method: 'POST', path: '/api/storage/datasets/{id}/usage', tag: 'storage', access: 'operator', summary: 'Measure the used bytes now (as a job)', params: IdParams, response: Job, status: 202 }),
};
