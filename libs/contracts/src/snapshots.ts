import { z } from 'zod';
import { IdParams, page, PageQuery } from './common';
import { endpoint } from './endpoint';
import { Job } from './jobs';
import { SnapshotDriverKind } from './storage';
import { InnerPath, ONE_LINE_PATTERN } from './storage-names';

/** Snapshots of a dataset and the tasks that take and prune them on a schedule. */

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
  .regex(ONE_LINE_PATTERN, 'must be one line without control characters')
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
// Endpoints
// ---------------------------------------------------------------------------------------------

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
