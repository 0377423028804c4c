import { z } from 'zod';
import { IdParams, page, PageQuery } from './common';
import { endpoint } from './endpoint';
import { AbsolutePath, toolHazard } from './grammar';
import { Job } from './jobs';

// ---------------------------------------------------------------------------------------------
// Grammars
// ---------------------------------------------------------------------------------------------

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const INVISIBLE = /[\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}\p{Cn}]/u;
const utf8Length = (v: string) => new TextEncoder().encode(v).length;

/** Names that MoxNAS keeps for itself inside datasets. */
export const RESERVED_DATASET_NAMES: readonly string[] = ['.snapshots', '.zfs', '.moxnas'];

/**
 * Why a dataset name the database may already hold is refused, or undefined. A dataset name is one
 * directory name that also ends up in share paths (smb.conf, exports), so it follows the share path
 * grammar: no `/`, NUL or control characters, no `..`, none of `" \ % [ ]`, at most 255 bytes.
 * Config imports read names with it, so an export of a box with older names imports again.
 */
export function storedDatasetNameProblem(v: string): string | undefined {
  if (v.length === 0) return 'must not be empty';
  if (utf8Length(v) > 255) return 'must be at most 255 bytes';
  if (v.includes('\u0000')) return 'must not contain NUL characters';
  if (v.includes('/')) return 'must not contain / (nest datasets with parentId instead)';
  if (CONTROL.test(v)) return 'must not contain control characters such as newline or tab';
  if (INVISIBLE.test(v)) return 'must not contain invisible or unassigned Unicode characters';
  if (v === '.' || v.includes('..')) return 'must not be . or contain ..';
  if (/["\\%[\]]/.test(v)) return 'must not contain " \\ % [ or ] (the name becomes part of share paths)';
  if (v !== v.trim()) return 'must not start or end with whitespace';
  if (/\s\s/.test(v)) return 'must not contain two whitespace characters in a row';
  if (v.endsWith('.')) return 'must not end with a dot (Windows clients cannot open such names)';
  if (RESERVED_DATASET_NAMES.includes(v.toLowerCase()) || v.toLowerCase().startsWith('.moxnas')) return `${v} is reserved for MoxNAS`;
  const folded = v.normalize('NFKC');
  if (folded.includes('/') || folded.includes('..')) return 'must not contain look-alikes of / or .. (such as full-width forms)';
  return undefined;
}

/**
 * Why a new dataset name is refused, or undefined: the stored grammar, and as the name also becomes
 * an argument in admins' shell commands, no whitespace (like user, group and pool names), no
 * leading `-` or `#` and none of `* ? ( ) ,` (`toolHazard`).
 */
export function datasetNameProblem(v: string): string | undefined {
  const stored = storedDatasetNameProblem(v);
  if (stored) return stored;
  if (/\s/.test(v) || /\s/.test(v.normalize('NFKC'))) return 'must not contain spaces (like user, group and pool names)';
  return toolHazard(v);
}

const nameSchema = (problem: (v: string) => string | undefined, description: string) =>
  z
    .string()
    .superRefine((v, ctx) => {
      const message = problem(v);
      if (message) ctx.addIssue({ code: 'custom', message });
    })
    .describe(description);

/** A dataset name as stored, including names made before the stricter rules (config import). */
export const StoredDatasetName = nameSchema(storedDatasetNameProblem, 'Directory name of the dataset as stored.');

export const DatasetName = nameSchema(datasetNameProblem, 'Directory name of the dataset inside its pool or parent dataset (one path component, at most 255 bytes).');

/**
 * Why a path inside a dataset or snapshot is refused. Files already on disk may have any name, so
 * only what could escape or confuse is refused: absolute paths, `.`/`..` components, NUL.
 */
export function innerPathProblem(v: string): string | undefined {
  if (v === '') return undefined;
  if (v.startsWith('/')) return 'must be relative to the dataset (no leading /)';
  if (v.includes('\u0000')) return 'must not contain NUL characters';
  if (utf8Length(v) > 4096) return 'must be at most 4096 bytes';
  for (const part of v.split('/')) {
    if (part === '') return 'must be normalized: no // and no trailing /';
    if (part === '.' || part === '..') return 'must not contain . or .. components';
    if (utf8Length(part) > 255) return 'each component must be at most 255 bytes';
  }
  return undefined;
}

export const InnerPath = z
  .string()
  .superRefine((v, ctx) => {
    const problem = innerPathProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('Path relative to the dataset root (`docs/report.odt`); empty for the root.');

export const PoolName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, '1–64 letters, digits, dot, dash or underscore, starting with a letter or digit')
  .describe('Short name of the pool.');

// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const ONE_LINE = /^[^\u0000-\u001f\u007f]*$/;

const Description = z
  .string()
  .max(200, 'must be at most 200 characters')
  .regex(ONE_LINE, 'must be one line without control characters')
  .describe('Free text for admins.');

/** Octal permission bits as text, `0755`; setuid/setgid/sticky allowed. */
export const FileMode = z
  .string()
  .regex(/^0?[0-7]{3,4}$/, 'must be an octal mode such as 0755 or 2770')
  .describe('Permission bits in octal, such as 0755 or 2770 (setgid directory).');

/** A Linux user or group: a name the host resolves (getent) or a numeric id. */
export const AccountRef = z
  .union([
    z.number().int('must be a whole number').min(0, 'must be 0 or more').max(4294967294, 'must be below 4294967295'),
    z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}\$?$/, 'must be a user or group name (letters, digits, . _ -) or a number'),
  ])
  .describe('A user or group name known to the host (getent), or a numeric id.');

const Bytes = z.number().int('must be a whole number of bytes').min(0).max(Number.MAX_SAFE_INTEGER);

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
    description: Description.nullable().default(null),
    warningPercent: z.number().int().min(1).max(99).default(80),
    criticalPercent: z.number().int().min(2).max(100).default(90),
  })
  .refine(thresholdOrder, { message: 'must be below criticalPercent', path: ['warningPercent'] });
export type PoolCreate = z.infer<typeof PoolCreate>;

export const PoolUpdate = z
  .object({
    name: PoolName.optional(),
    description: Description.nullable().optional(),
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
  quotaBytes: Bytes.min(1024 * 1024, 'must be at least 1 MiB').nullable().default(null).describe('Quota in bytes; null for none.'),
  comment: Description.nullable().default(null),
});
export type DatasetCreate = z.infer<typeof DatasetCreate>;

export const DatasetUpdate = z.object({
  owner: AccountRef.optional(),
  group: AccountRef.optional(),
  mode: FileMode.optional(),
  acl: AclList.optional(),
  quotaBytes: Bytes.min(1024 * 1024, 'must be at least 1 MiB').nullable().optional(),
  comment: Description.nullable().optional(),
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
// Snapshots
// ---------------------------------------------------------------------------------------------

export const Snapshot = z.object({
  id: z.string().uuid(),
  datasetId: z.string().uuid(),
  poolId: z.string().uuid(),
  name: z.string().describe('@GMT-YYYY.MM.DD-HH.MM.SS (GMT-… on ZFS): the UTC time, as Previous Versions expects.'),
  driver: SnapshotDriverKind,
  takenAt: z.string(),
  ageSeconds: z.number().int(),
  state: z.enum(['creating', 'ready', 'deleting']),
  taskId: z.string().uuid().nullable().describe('The snapshot task that took it; null for manual snapshots (never pruned).'),
  path: z.string().describe('Read-only directory of the snapshot.'),
  files: z.number().int().nullable(),
  sizeBytes: z.number().nullable().describe('Total size of the files in the snapshot (copy driver).'),
  newBytes: z.number().nullable().describe('Bytes this snapshot stored itself; the rest is shared with the previous one (copy driver).'),
});
export type Snapshot = z.infer<typeof Snapshot>;

export const SnapshotListQuery = PageQuery.extend({
  datasetId: z.string().uuid().optional(),
  poolId: z.string().uuid().optional(),
  taskId: z.string().uuid().optional(),
});

export const SnapshotCreate = z.object({ datasetId: z.string().uuid() });

export const SnapshotJob = z.object({ job: Job, snapshot: Snapshot });

export const SnapshotRestore = z.object({
  path: InnerPath.default('').describe('What to restore, relative to the dataset root; empty = the whole dataset.'),
  target: z
    .enum(['alongside', 'in-place'])
    .default('alongside')
    .describe('alongside: copy to `<name>.restored-<YYYYMMDD-HHMMSS>` next to the original; in-place: make the path match the snapshot (newer files there are removed).'),
});
export type SnapshotRestore = z.infer<typeof SnapshotRestore>;

export const SnapshotFilesQuery = z.object({
  path: InnerPath.default(''),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(1000).default(200),
});

export const SnapshotFileEntry = z.object({
  name: z.string(),
  type: z.enum(['file', 'directory', 'symlink', 'other']),
  size: z.number(),
  mode: z.string().describe('Mode at snapshot time, in octal.'),
  uid: z.number().int(),
  gid: z.number().int(),
  modifiedAt: z.string(),
  target: z.string().nullable().describe('Symlink target.'),
});

export const SnapshotFiles = z.object({
  path: z.string(),
  type: z.enum(['file', 'directory', 'symlink', 'other']),
  entries: z.array(SnapshotFileEntry),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export const SnapshotRescan = z.object({ datasetId: z.string().uuid().nullable().default(null).describe('One dataset, or null for all.') });
export const SnapshotRescanResult = z.object({
  added: z.number().int().describe('Snapshots found on disk that the database did not know.'),
  removed: z.number().int().describe('Database entries whose snapshot is gone from disk.'),
  cleaned: z.array(z.string()).describe('Leftovers of interrupted snapshots that were removed.'),
});

// ---------------------------------------------------------------------------------------------
// Snapshot tasks
// ---------------------------------------------------------------------------------------------

const CRON_MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@hourly'];

/** Shape check only; the API parses the schedule with cron-parser for the rest. */
export const CronSchedule = z
  .string()
  .max(200)
  .superRefine((v, ctx) => {
    const s = v.trim();
    if (CRON_MACROS.includes(s.toLowerCase())) return;
    if (s.startsWith('@')) {
      ctx.addIssue({ code: 'custom', message: `must be a 5-field cron expression or one of ${CRON_MACROS.join(', ')}` });
      return;
    }
    const fields = s.split(/\s+/).filter(Boolean);
    if (fields.length === 6) {
      ctx.addIssue({ code: 'custom', message: 'has 6 fields: schedules with seconds are not allowed (at most once a minute); use minute hour day-of-month month day-of-week' });
    } else if (fields.length !== 5) {
      ctx.addIssue({ code: 'custom', message: 'must have 5 fields: minute hour day-of-month month day-of-week' });
    } else if (!/^[0-9A-Za-z*/,?#LW-]+( [0-9A-Za-z*/,?#LW-]+){4}$/.test(fields.join(' '))) {
      ctx.addIssue({ code: 'custom', message: 'contains characters that are not part of a cron expression' });
    }
  })
  .describe('Cron schedule, 5 fields (`0 * * * *` = hourly) or @hourly/@daily/@weekly/@monthly/@yearly.');

export const Retention = z.object({
  hourly: z.number().int().min(0).max(100000).default(0).describe('Keep the newest snapshot of each of the last N hours.'),
  daily: z.number().int().min(0).max(100000).default(0),
  weekly: z.number().int().min(0).max(100000).default(0).describe('Weeks start on Monday (ISO weeks).'),
  monthly: z.number().int().min(0).max(100000).default(0),
  yearly: z.number().int().min(0).max(1000).default(0),
});
export type Retention = z.infer<typeof Retention>;

const TimeZone = z
  .string()
  .max(64)
  .regex(/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/, 'must be an IANA time zone such as UTC or Europe/Berlin')
  .describe('IANA time zone the schedule and the retention periods are evaluated in.');

const TaskName = z
  .string()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .regex(ONE_LINE, 'must be one line without control characters')
  .refine((v) => v === v.trim(), 'must not start or end with whitespace');

const DatasetIds = z
  .array(z.string().uuid())
  .min(1, 'must name at least one dataset')
  .max(500)
  .refine((ids) => new Set(ids).size === ids.length, 'lists a dataset twice');

export const SnapshotTask = z.object({
  id: z.string().uuid(),
  name: z.string(),
  schedule: z.string(),
  timezone: z.string(),
  datasetIds: z.array(z.string().uuid()),
  retention: Retention,
  enabled: z.boolean(),
  nextRunAt: z.string().nullable(),
  lastRunAt: z.string().nullable(),
  lastResult: z.enum(['succeeded', 'failed']).nullable(),
  lastError: z.string().nullable(),
  lastJobId: z.string().uuid().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SnapshotTask = z.infer<typeof SnapshotTask>;

export const SnapshotTaskCreate = z.object({
  name: TaskName,
  schedule: CronSchedule,
  timezone: TimeZone.default('UTC'),
  datasetIds: DatasetIds,
  retention: Retention.default({ hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 }).describe('Keep rules; all zero keeps every snapshot.'),
  enabled: z.boolean().default(true),
});
export type SnapshotTaskCreate = z.infer<typeof SnapshotTaskCreate>;

export const SnapshotTaskUpdate = z.object({
  name: TaskName.optional(),
  schedule: CronSchedule.optional(),
  timezone: TimeZone.optional(),
  datasetIds: DatasetIds.optional(),
  retention: Retention.partial().optional(),
  enabled: z.boolean().optional(),
});
export type SnapshotTaskUpdate = z.infer<typeof SnapshotTaskUpdate>;

const optionalCount = z.coerce.number().int().min(0).max(100000).optional();
export const RetentionPreviewQuery = z.object({
  hourly: optionalCount.describe('Preview with this value instead of the stored one.'),
  daily: optionalCount,
  weekly: optionalCount,
  monthly: optionalCount,
  yearly: optionalCount,
});

export const RetentionItem = z.object({
  id: z.string().uuid(),
  datasetId: z.string().uuid(),
  name: z.string(),
  takenAt: z.string(),
  keptBy: z.array(z.string()).describe('The rules that keep it (`daily 2024-05-01`, `newest`); empty when it would be deleted.'),
});

export const RetentionPreview = z.object({
  at: z.string().describe('The time the rule was evaluated at.'),
  retention: Retention,
  keep: z.array(RetentionItem),
  delete: z.array(RetentionItem),
});
export type RetentionPreview = z.infer<typeof RetentionPreview>;

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

export const snapshotsApi = {
  list: endpoint({ id: 'storage.snapshots.list', method: 'GET', path: '/api/storage/snapshots', tag: 'storage', access: 'viewer', summary: 'Snapshots, newest first', query: SnapshotListQuery, response: page(Snapshot) }),
  get: endpoint({ id: 'storage.snapshots.get', method: 'GET', path: '/api/storage/snapshots/{id}', tag: 'storage', access: 'viewer', summary: 'One snapshot', params: IdParams, response: Snapshot }),
  create: endpoint({
    id: 'storage.snapshots.create',
    method: 'POST',
    path: '/api/storage/snapshots',
    tag: 'storage',
    access: 'admin',
    summary: 'Take a snapshot of a dataset now (as a job)',
    body: SnapshotCreate,
    response: SnapshotJob,
    status: 202,
    errors: { 409: 'A snapshot of this dataset was taken in the same second, or another operation holds the dataset.', 503: 'The pool is degraded.' },
  }),
  remove: endpoint({ id: 'storage.snapshots.remove', method: 'DELETE', path: '/api/storage/snapshots/{id}', tag: 'storage', access: 'admin', summary: 'Delete a snapshot (as a job)', params: IdParams, response: Job, status: 202 }),
  restore: endpoint({
    id: 'storage.snapshots.restore',
    method: 'POST',
    path: '/api/storage/snapshots/{id}/restore',
    tag: 'storage',
    access: 'admin',
    summary: 'Restore the dataset or one path from a snapshot (as a job)',
    params: IdParams,
    body: SnapshotRestore,
    response: Job,
    status: 202,
  }),
  files: endpoint({ id: 'storage.snapshots.files', method: 'GET', path: '/api/storage/snapshots/{id}/files', tag: 'storage', access: 'viewer', summary: 'Browse a snapshot read-only', params: IdParams, query: SnapshotFilesQuery, response: SnapshotFiles }),
  rescan: endpoint({
    id: 'storage.snapshots.rescan',
    method: 'POST',
    path: '/api/storage/snapshots/rescan',
    tag: 'storage',
    access: 'admin',
    summary: 'Bring the snapshot list in line with the disk (after a database restore, or snapshots removed by hand)',
    body: SnapshotRescan,
    response: SnapshotRescanResult,
  }),
};

export const snapshotTasksApi = {
  list: endpoint({ id: 'storage.snapshotTasks.list', method: 'GET', path: '/api/storage/snapshot-tasks', tag: 'storage', access: 'viewer', summary: 'Scheduled snapshot tasks', response: z.array(SnapshotTask) }),
  get: endpoint({ id: 'storage.snapshotTasks.get', method: 'GET', path: '/api/storage/snapshot-tasks/{id}', tag: 'storage', access: 'viewer', summary: 'One snapshot task', params: IdParams, response: SnapshotTask }),
  create: endpoint({ id: 'storage.snapshotTasks.create', method: 'POST', path: '/api/storage/snapshot-tasks', tag: 'storage', access: 'admin', summary: 'Schedule snapshots of datasets with a retention rule', body: SnapshotTaskCreate, response: SnapshotTask, status: 201 }),
  update: endpoint({ id: 'storage.snapshotTasks.update', method: 'PATCH', path: '/api/storage/snapshot-tasks/{id}', tag: 'storage', access: 'admin', summary: 'Change a snapshot task (enable/disable, schedule, retention, datasets)', params: IdParams, body: SnapshotTaskUpdate, response: SnapshotTask }),
  remove: endpoint({ id: 'storage.snapshotTasks.remove', method: 'DELETE', path: '/api/storage/snapshot-tasks/{id}', tag: 'storage', access: 'admin', summary: 'Delete a snapshot task (its snapshots stay, as manual ones)', params: IdParams, status: 204 }),
  run: endpoint({ id: 'storage.snapshotTasks.run', method: 'POST', path: '/api/storage/snapshot-tasks/{id}/run', tag: 'storage', access: 'admin', summary: 'Run the task now (as a job)', params: IdParams, response: Job, status: 202 }),
  retentionPreview: endpoint({
    id: 'storage.snapshotTasks.retentionPreview',
    method: 'GET',
    path: '/api/storage/snapshot-tasks/{id}/retention-preview',
    tag: 'storage',
    access: 'viewer',
    summary: 'What the retention rule (or the values given) would delete now',
    params: IdParams,
    query: RetentionPreviewQuery,
    response: RetentionPreview,
  }),
};
