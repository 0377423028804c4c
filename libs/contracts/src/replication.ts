import { z } from 'zod';
import { isHostname, isIPv4, isIPv6 } from './addresses';
import { IdParams, page, PageQuery } from './common';
import { endpoint } from './endpoint';
import { PosixUserName, TcpPort } from './grammar';
import { Job } from './jobs';
import { CronSchedule } from './snapshots';
import { ONE_LINE_PATTERN } from './storage-names';

/**
 * Replication tasks: push a dataset's newest snapshot to another host with rsync over ssh, with a
 * key pair MoxNAS owns and the target's host key pinned on first use (docs/replication.md).
 */

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const INVISIBLE = /[\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}\p{Cn}]/u;

/** One problem per value, the first found; a string schema that reports it as the field's message. */
function checked(description: string, max: number, problem: (v: string) => string | undefined) {
  return z
    .string()
    .superRefine((v, ctx) => {
      if (v.length === 0) return void ctx.addIssue({ code: 'custom', message: 'must not be empty' });
      if (v.length > max) return void ctx.addIssue({ code: 'custom', message: `must be at most ${max} characters` });
      if (/[\n\r]/.test(v)) return void ctx.addIssue({ code: 'custom', message: 'must be a single line (no line breaks)' });
      if (CONTROL.test(v)) return void ctx.addIssue({ code: 'custom', message: 'must not contain control characters such as NUL, tab or escape' });
      if (INVISIBLE.test(v)) return void ctx.addIssue({ code: 'custom', message: 'must not contain invisible or unassigned Unicode characters' });
      const message = problem(v);
      if (message) ctx.addIssue({ code: 'custom', message });
    })
    .describe(description);
}

/** Why `v` cannot be a replication target host, or undefined. */
export function replicationHostProblem(v: string): string | undefined {
  if (isIPv4(v) || isIPv6(v) || isHostname(v)) return undefined;
  return 'must be a host name (nas2.example.lan) or an IPv4/IPv6 address';
}

/**
 * Why `v` cannot be the path on the target, or undefined. Absolute, no `.`/`..` components, and
 * only characters that mean the same to every shell and to rsync (no spaces, quotes, `*?[]`, `~`,
 * `$`, `:`), so what the admin reads is what the remote side gets even without rsync's argument
 * protection.
 */
export function remotePathProblem(v: string): string | undefined {
  if (!v.startsWith('/')) return 'must be an absolute path on the target, such as /backup/media';
  if (!/^[A-Za-z0-9._+@=,/-]+$/.test(v)) return 'may contain only letters, digits and . _ + @ = , - / (no spaces, quotes, wildcards, ~, $ or :)';
  if (v.split('/').some((c) => c === '.' || c === '..')) return 'must not contain . or .. components';
  if (v.includes('//')) return 'must not contain //';
  if (v === '/') return 'must not be the root directory of the target';
  return undefined;
}

export const EXCLUDE_MAX_LENGTH = 255;
export const EXCLUDES_MAX = 100;

/**
 * Why `v` cannot be an rsync exclude pattern, or undefined. Each pattern becomes one
 * `--exclude=<pattern>` argument: no line breaks (a filter file would read a second rule), no
 * leading `-`/`+`/`!` (rsync's rule prefixes and list-clearing `!`), no leading `;`/`#` (comments
 * in filter files), no whitespace at either end (rsync keeps it, admins do not see it).
 */
export function excludePatternProblem(v: string): string | undefined {
  if (/^[-+!]/.test(v)) return 'must not start with -, + or ! (rsync reads those as filter rule prefixes)';
  if (/^[;#]/.test(v)) return 'must not start with ; or # (comment markers in rsync filter files)';
  if (v !== v.trim()) return 'must not start or end with whitespace';
  if (v.includes('\\')) return 'must not contain a backslash';
  return undefined;
}

export const ReplicationHost = checked('Target host: a host name or an IPv4/IPv6 address.', 253, replicationHostProblem);
export const RemotePath = checked('Directory on the target the dataset is copied into (created when missing).', 1024, remotePathProblem);
export const ExcludePattern = checked(
  `rsync exclude pattern (one --exclude each), for example \`*.tmp\` or \`/cache/\`; at most ${EXCLUDE_MAX_LENGTH} characters.`,
  EXCLUDE_MAX_LENGTH,
  excludePatternProblem,
);
export const ExcludePatterns = z
  .array(ExcludePattern)
  .max(EXCLUDES_MAX, `at most ${EXCLUDES_MAX} patterns`)
  .refine((list) => new Set(list).size === list.length, 'lists a pattern twice')
  .describe('Paths rsync leaves out, relative to the dataset root.');

const TaskName = z
  .string()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .regex(ONE_LINE_PATTERN, 'must be one line without control characters')
  .refine((v) => v === v.trim(), 'must not start or end with whitespace')
  .describe('Unique name of the task (also the `task` label of its metrics).');

const TimeZone = z
  .string()
  .max(64)
  .regex(/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/, 'must be an IANA time zone such as UTC or Europe/Berlin')
  .describe('IANA time zone the schedule is evaluated in.');

export const BandwidthLimit = z
  .number()
  .int('must be a whole number of KiB/s')
  .min(1, 'must be at least 1 KiB/s (or null for no limit)')
  .max(10_000_000, 'must be at most 10000000 KiB/s')
  .nullable()
  .describe('Upper bound of the transfer rate in KiB/s (`rsync --bwlimit`); null = no limit.');

export const PinnedHostKey = z.object({
  type: z.string().describe('Key type, for example ssh-ed25519.'),
  fingerprint: z.string().describe('SHA256 fingerprint as `ssh-keygen -l` prints it.'),
});

export const ReplicationTask = z.object({
  id: z.string().uuid(),
  name: z.string(),
  datasetId: z.string().uuid(),
  host: z.string(),
  port: z.number().int(),
  user: z.string(),
  remotePath: z.string(),
  schedule: z.string().nullable().describe('Cron schedule, or null: runs only on demand.'),
  timezone: z.string(),
  bandwidthLimitKiBps: z.number().int().nullable(),
  deleteOnTarget: z.boolean(),
  excludes: z.array(z.string()),
  enabled: z.boolean(),
  hostKeys: z.array(PinnedHostKey).nullable().describe('The target host keys pinned at the first run; null until then.'),
  hostKeysPinnedAt: z.string().nullable(),
  nextRunAt: z.string().nullable(),
  lastRunAt: z.string().nullable(),
  lastResult: z.enum(['succeeded', 'failed', 'cancelled']).nullable(),
  lastError: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  lastJobId: z.string().uuid().nullable(),
  running: z.boolean().describe('A run of this task is in progress.'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ReplicationTask = z.infer<typeof ReplicationTask>;

export const ReplicationTaskCreate = z.object({
  name: TaskName,
  datasetId: z.string().uuid(),
  host: ReplicationHost,
  port: TcpPort.default(22),
  user: PosixUserName.describe('Account on the target that has the MoxNAS public key in its authorized_keys.'),
  remotePath: RemotePath,
  schedule: CronSchedule.nullable().default(null).describe('Cron schedule like snapshot tasks, or null to run only on demand.'),
  timezone: TimeZone.default('UTC'),
  bandwidthLimitKiBps: BandwidthLimit.default(null),
  deleteOnTarget: z.boolean().default(false).describe('Delete files on the target that the source no longer has (`rsync --delete`).'),
  excludes: ExcludePatterns.default([]),
  enabled: z.boolean().default(true).describe('Whether the schedule runs it; on-demand runs work either way.'),
});
export type ReplicationTaskCreate = z.infer<typeof ReplicationTaskCreate>;

export const ReplicationTaskUpdate = z.object({
  name: TaskName.optional(),
  datasetId: z.string().uuid().optional(),
  host: ReplicationHost.optional().describe('A new host or port forgets the pinned host keys.'),
  port: TcpPort.optional(),
  user: PosixUserName.optional(),
  remotePath: RemotePath.optional(),
  schedule: CronSchedule.nullable().optional(),
  timezone: TimeZone.optional(),
  bandwidthLimitKiBps: BandwidthLimit.optional(),
  deleteOnTarget: z.boolean().optional(),
  excludes: ExcludePatterns.optional(),
  enabled: z.boolean().optional(),
});
export type ReplicationTaskUpdate = z.infer<typeof ReplicationTaskUpdate>;

export const ReplicationRunState = z.enum(['running', 'succeeded', 'failed', 'cancelled']);

export const ReplicationRun = z.object({
  id: z.string().uuid(),
  taskId: z.string().uuid(),
  jobId: z.string().uuid().nullable(),
  state: ReplicationRunState,
  snapshotName: z.string().nullable().describe('The snapshot that was copied.'),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  durationSeconds: z.number().nullable(),
  filesTotal: z.number().int().nullable().describe('Files, directories and links in the source (`Number of files`).'),
  filesTransferred: z.number().int().nullable().describe('Regular files sent because they were new or changed.'),
  filesDeleted: z.number().int().nullable().describe('Files deleted on the target (with deleteOnTarget).'),
  bytesTotal: z.number().nullable().describe('Size of all source files.'),
  bytesTransferred: z.number().nullable().describe('Size of the files that were sent (rsync "Total transferred file size").'),
  bytesSent: z.number().nullable().describe('Bytes rsync sent over the connection.'),
  bytesPerSecond: z.number().nullable().describe('bytesSent / duration.'),
  error: z.string().nullable(),
});
export type ReplicationRun = z.infer<typeof ReplicationRun>;

export const ReplicationRunStarted = z.object({ job: Job, run: ReplicationRun });
export type ReplicationRunStarted = z.infer<typeof ReplicationRunStarted>;

export const ReplicationPublicKey = z.object({
  publicKey: z.string().describe('One authorized_keys line: add it to ~/.ssh/authorized_keys of the target user.'),
  type: z.string(),
  fingerprint: z.string().describe('SHA256 fingerprint as `ssh-keygen -l` prints it.'),
});
export type ReplicationPublicKey = z.infer<typeof ReplicationPublicKey>;

export const replicationTasksApi = {
  list: endpoint({ id: 'storage.replicationTasks.list', method: 'GET', path: '/api/storage/replication-tasks', tag: 'storage', access: 'viewer', summary: 'Replication tasks', response: z.array(ReplicationTask) }),
  get: endpoint({ id: 'storage.replicationTasks.get', method: 'GET', path: '/api/storage/replication-tasks/{id}', tag: 'storage', access: 'viewer', summary: 'One replication task', params: IdParams, response: ReplicationTask }),
  create: endpoint({
    id: 'storage.replicationTasks.create',
    method: 'POST',
    path: '/api/storage/replication-tasks',
    tag: 'storage',
    access: 'admin',
    summary: 'Push a dataset to another host with rsync over ssh, on a schedule or on demand',
    body: ReplicationTaskCreate,
    response: ReplicationTask,
    status: 201,
    errors: { 409: 'A replication task of this name exists.' },
  }),
  update: endpoint({
    id: 'storage.replicationTasks.update',
    method: 'PUT',
    path: '/api/storage/replication-tasks/{id}',
    tag: 'storage',
    access: 'admin',
    summary: 'Change a replication task (fields left out keep their value)',
    params: IdParams,
    body: ReplicationTaskUpdate,
    response: ReplicationTask,
  }),
  remove: endpoint({ id: 'storage.replicationTasks.remove', method: 'DELETE', path: '/api/storage/replication-tasks/{id}', tag: 'storage', access: 'admin', summary: 'Delete a replication task and its run history (the copy on the target stays)', params: IdParams, status: 204 }),
  run: endpoint({
    id: 'storage.replicationTasks.run',
    method: 'POST',
    path: '/api/storage/replication-tasks/{id}/run',
    tag: 'storage',
    access: 'admin',
    summary: 'Run the task now (as a job; cancel it through /api/system/jobs/{id}/cancel)',
    params: IdParams,
    response: ReplicationRunStarted,
    status: 202,
    errors: { 409: 'A run of this task is in progress.' },
  }),
  runs: endpoint({
    id: 'storage.replicationTasks.runs',
    method: 'GET',
    path: '/api/storage/replication-tasks/{id}/runs',
    tag: 'storage',
    access: 'viewer',
    summary: 'Run history of a task, newest first',
    params: IdParams,
    query: PageQuery.omit({ search: true }),
    response: page(ReplicationRun),
  }),
  forgetHostKey: endpoint({
    id: 'storage.replicationTasks.forgetHostKey',
    method: 'DELETE',
    path: '/api/storage/replication-tasks/{id}/host-key',
    tag: 'storage',
    access: 'admin',
    summary: 'Forget the pinned host keys of the target; the next run pins what the target presents then',
    params: IdParams,
    response: ReplicationTask,
  }),
  publicKey: endpoint({
    id: 'storage.replication.publicKey',
    method: 'GET',
    path: '/api/storage/replication/public-key',
    tag: 'storage',
    access: 'admin',
    summary: 'The public key MoxNAS replicates with (made on first use)',
    response: ReplicationPublicKey,
  }),
};
