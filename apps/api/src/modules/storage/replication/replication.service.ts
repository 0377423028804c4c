import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { FieldError, Job, ReplicationPublicKey, ReplicationRun, ReplicationRunStarted, ReplicationTask, ReplicationTaskCreate, ReplicationTaskUpdate } from '@moxnas/contracts';
import {
  Mutex,
  parseRsyncStats,
  ReplicationKeyStore,
  rsyncArgs,
  RsyncProgressReader,
  scanHostKeys,
  sshFingerprint,
  type CommandRunner,
  type HostFs,
  type RsyncStats,
} from '@moxnas/host';
import type { Counter, Gauge } from 'prom-client';
import type { HostPaths } from '../../../core/config/host-paths';
import { DatabaseService } from '../../../core/database/database.service';
import { isUniqueViolation } from '../../../core/database/unique-violation';
import { DomainError } from '../../../core/errors/domain-error';
import { COMMAND_RUNNER, HOST_FS, HOST_PATHS } from '../../../core/host/host.module';
import { MetricsService } from '../../../core/metrics/metrics.service';
import { EventsService } from '../../system/events/events.service';
import { SystemRegistry, type CapabilityInput } from '../../system/metrics/system-registry';
import { JobsService, type JobContext } from '../../system/jobs/jobs.service';
import { AuditContext } from '../../users/audit/audit-context';
import { DatasetsService } from '../datasets/datasets.service';
import type { ReplicationRunEntity, ReplicationTaskEntity } from '../entities/replication.entity';
import { PoolDependents } from '../pools/pool-dependents';
import { nextRun, scheduleProblem, timeZoneProblem } from '../snapshot-tasks/cron-schedule';
import { SnapshotsService } from '../snapshots/snapshots.service';
import { STORAGE_CLOCK, type StorageClock } from '../storage-host';
import { ReplicationRepository } from './replication.repository';
import { rsyncFailure } from './rsync-failure';

/** rsync runs may take days on a slow link; the job's cancel is the way to stop one early. */
const RSYNC_TIMEOUT_MS = 7 * 86_400_000;
/** What a run keeps of rsync's output: the stats block and the last error lines. */
const OUTPUT_TAIL = 64 * 1024;


/**
 * Replication tasks: each run pushes the newest snapshot of a dataset (a snapshot taken for the
 * run when the dataset has none) to a directory on another host, with rsync over ssh and the key
 * pair MoxNAS owns. The target's host keys are pinned at the first run; a different key later
 * fails the run. Runs are jobs (progress, cancel) with a row of their own in the run history; a
 * failed run raises an alert through `replication-task.failed` (docs/replication.md).
 */
@Injectable()
export class ReplicationService implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('replication');
  readonly keys: ReplicationKeyStore;
  private readonly keyMutex = new Mutex();
  /** Task id → job id of its run in progress. */
  private readonly active = new Map<string, string>();
  /** Task id → the bookkeeping of its run in progress, awaited at shutdown. */
  private readonly finishing = new Map<string, Promise<Job>>();
  private readonly lastSuccess: Gauge<'task'>;
  private static readonly TOOLS = ['rsync', 'ssh', 'ssh-keygen', 'ssh-keyscan'] as const;
  private readonly bytesSent: Counter<'task'>;

  constructor(
    private readonly repo: ReplicationRepository,
    private readonly datasets: DatasetsService,
    private readonly snapshots: SnapshotsService,
    private readonly jobs: JobsService,
    private readonly events: EventsService,
    private readonly dependents: PoolDependents,
    private readonly db: DatabaseService,
    private readonly audit: AuditContext,
    private readonly registry: SystemRegistry,
    @Inject(STORAGE_CLOCK) private readonly clock: StorageClock,
    @Inject(COMMAND_RUNNER) private readonly runner: CommandRunner,
    @Inject(HOST_FS) fs: HostFs,
    @Inject(HOST_PATHS) paths: HostPaths,
    metrics: MetricsService,
  ) {
    this.keys = new ReplicationKeyStore(fs, runner, paths.replicationDir);
    this.lastSuccess = metrics.gauge('moxnas_replication_last_success_timestamp_seconds', 'Unix time the replication task last finished a run successfully; absent until it has.', ['task']);
    this.bytesSent = metrics.counter('moxnas_replication_bytes_total', 'Bytes rsync sent to the target for the replication task, since the API started.', ['task']);
  }

  onModuleInit(): void {
    this.registry.contributeCapabilities('replication', async () => [await this.capability()]);
    this.dependents.register('replication', async (target) => {
      const rows = target.kind === 'dataset' ? await this.repo.ofDataset(target.id) : await this.repo.ofPool(target.poolId);
      return rows.map((t) => ({ kind: 'replication-task', id: t.id, name: t.name, path: null }));
    });
    this.db.onReady(async () => {
      // A run that was in progress when the API stopped did not finish (its job says so too).
      await this.repo.failInterruptedRuns(this.clock.now(), 'Interrupted: the API stopped during the run.');
      for (const t of await this.repo.all()) if (t.lastSuccessAt) this.lastSuccess.set({ task: t.name }, t.lastSuccessAt.getTime() / 1000);
    });
  }

  /** Stops the rsync of every run in progress; their runs end cancelled. */
  async onApplicationShutdown(): Promise<void> {
    for (const jobId of this.active.values()) await this.jobs.cancel(jobId).catch(() => undefined);
    await Promise.allSettled(this.finishing.values());
  }

  /** Whether runs can work on this host: the four tools are installed (asked on each capabilities request). */
  async capability(): Promise<CapabilityInput> {
    const missing: string[] = [];
    for (const tool of ReplicationService.TOOLS) if (!(await this.runner.has(tool))) missing.push(tool);
    return {
      id: 'replication',
      feature: 'replication',
      label: 'Replication (rsync over ssh)',
      scope: 'host',
      pool: null,
      available: missing.length === 0,
      reason: missing.length ? `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not installed.` : null,
      fix: missing.length ? 'apt-get install rsync openssh-client' : null,
      detail: null,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // The key pair
  // ---------------------------------------------------------------------------------------------

  publicKey(): Promise<ReplicationPublicKey> {
    return this.keyMutex.run(() => this.keys.ensure());
  }

  // ---------------------------------------------------------------------------------------------
  // CRUD
  // ---------------------------------------------------------------------------------------------

  async list(): Promise<ReplicationTask[]> {
    return (await this.repo.all()).map((t) => this.toDto(t));
  }

  async get(id: string): Promise<ReplicationTask> {
    return this.toDto(await this.entity(id));
  }

  async entity(id: string): Promise<ReplicationTaskEntity> {
    const row = await this.repo.findById(id);
    if (!row) throw DomainError.notFound('Replication task');
    return row;
  }

  private async validate(input: { schedule?: string | null; timezone?: string; datasetId?: string }, current?: ReplicationTaskEntity): Promise<void> {
    const errors: FieldError[] = [];
    const tzProblem = input.timezone !== undefined ? timeZoneProblem(input.timezone) : undefined;
    if (tzProblem) errors.push({ field: 'timezone', message: tzProblem });
    if (input.schedule) {
      const problem = scheduleProblem(input.schedule, tzProblem ? 'UTC' : (input.timezone ?? current?.timezone ?? 'UTC'));
      if (problem) errors.push({ field: 'schedule', message: problem });
    }
    if (input.datasetId !== undefined && !(await this.repo.datasetExists(input.datasetId))) {
      errors.push({ field: 'datasetId', message: 'no such dataset' });
    }
    if (errors.length) throw DomainError.validation(errors);
  }

  private nextRunOf(row: Pick<ReplicationTaskEntity, 'schedule' | 'timezone' | 'enabled'>): Date | null {
    return row.enabled && row.schedule ? nextRun(row.schedule, row.timezone, this.clock.now()) : null;
  }

  async create(body: ReplicationTaskCreate): Promise<ReplicationTask> {
    await this.validate(body);
    const schedule = body.schedule?.trim() ?? null;
    const row = this.repo.build({
      name: body.name,
      datasetId: body.datasetId,
      host: body.host,
      port: body.port,
      user: body.user,
      remotePath: body.remotePath,
      schedule,
      timezone: body.timezone,
      bandwidthLimitKiBps: body.bandwidthLimitKiBps,
      deleteOnTarget: body.deleteOnTarget,
      excludes: body.excludes,
      enabled: body.enabled,
      hostKeys: null,
      hostKeysPinnedAt: null,
      nextRunAt: this.nextRunOf({ schedule, timezone: body.timezone, enabled: body.enabled }),
      lastRunAt: null,
      lastResult: null,
      lastError: null,
      lastSuccessAt: null,
      lastJobId: null,
    });
    try {
      await this.repo.save(row);
    } catch (err) {
      if (isUniqueViolation(err)) throw DomainError.conflict(`A replication task named ${body.name} exists.`);
      throw err;
    }
    const after = this.toDto(row);
    this.audit.describe({ target: `replication-task:${row.name}`, after });
    return after;
  }

  async update(id: string, body: ReplicationTaskUpdate): Promise<ReplicationTask> {
    const row = await this.entity(id);
    const before = this.toDto(row);
    await this.validate(body, row);
    const defined = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as ReplicationTaskUpdate;
    const targetChanged = (defined.host !== undefined && defined.host !== row.host) || (defined.port !== undefined && defined.port !== row.port);
    Object.assign(row, defined, defined.schedule !== undefined ? { schedule: defined.schedule?.trim() ?? null } : {});
    // Keys pinned for one host say nothing about another.
    if (targetChanged) Object.assign(row, { hostKeys: null, hostKeysPinnedAt: null });
    if (body.schedule !== undefined || body.timezone !== undefined || body.enabled !== undefined) row.nextRunAt = this.nextRunOf(row);
    try {
      await this.repo.save(row);
    } catch (err) {
      if (isUniqueViolation(err)) throw DomainError.conflict(`A replication task named ${body.name} exists.`);
      throw err;
    }
    if (before.name !== row.name) this.renameMetrics(before.name, row);
    if (targetChanged) await this.keys.removeKnownHosts(id);
    const after = this.toDto(row);
    this.audit.describe({ target: `replication-task:${row.name}`, before, after });
    return after;
  }

  async remove(id: string): Promise<void> {
    const row = await this.entity(id);
    if (this.active.has(id)) throw DomainError.conflict(`Replication task ${row.name} is running; cancel its job first.`);
    const before = this.toDto(row);
    await this.repo.remove(id);
    await this.keys.removeKnownHosts(id);
    this.lastSuccess.remove({ task: row.name });
    this.bytesSent.remove({ task: row.name });
    this.audit.describe({ target: `replication-task:${row.name}`, before, after: null });
  }

  async forgetHostKey(id: string): Promise<ReplicationTask> {
    const row = await this.entity(id);
    const before = this.toDto(row);
    await this.repo.update(id, { hostKeys: null, hostKeysPinnedAt: null });
    await this.keys.removeKnownHosts(id);
    const after = await this.get(id);
    this.audit.describe({ target: `replication-task:${row.name}`, before, after });
    return after;
  }

  private renameMetrics(oldName: string, row: ReplicationTaskEntity): void {
    this.lastSuccess.remove({ task: oldName });
    this.bytesSent.remove({ task: oldName });
    if (row.lastSuccessAt) this.lastSuccess.set({ task: row.name }, row.lastSuccessAt.getTime() / 1000);
  }

  async history(id: string, q: { page: number; pageSize: number }): Promise<{ items: ReplicationRun[]; total: number; page: number; pageSize: number }> {
    await this.entity(id);
    const { rows, total } = await this.repo.pageRuns(id, q.page, q.pageSize);
    return { items: rows.map((r) => this.runDto(r)), total, page: q.page, pageSize: q.pageSize };
  }

  // ---------------------------------------------------------------------------------------------
  // Runs
  // ---------------------------------------------------------------------------------------------

  /** Enabled scheduled tasks whose time has come and that are not running. */
  async due(now: Date): Promise<ReplicationTaskEntity[]> {
    const rows = await this.repo.due(now);
    return rows.filter((r) => !this.active.has(r.id));
  }

  async advance(task: ReplicationTaskEntity, now: Date): Promise<void> {
    task.nextRunAt = task.schedule ? nextRun(task.schedule, task.timezone, now) : null;
    await this.repo.update(task.id, { nextRunAt: task.nextRunAt });
  }

  /**
   * Starts a run as a job. `done` settles once the run row, the task's last result, the metrics
   * and the alert event are written.
   */
  async run(id: string, options: { actor?: string | null } = {}): Promise<ReplicationRunStarted & { done: Promise<Job> }> {
    const task = await this.entity(id);
    if (this.active.has(id)) throw DomainError.conflict(`Replication task ${task.name} is already running (job ${this.active.get(id)}).`);
    this.active.set(id, 'starting');
    try {
      const run = await this.repo.addRun({ taskId: id, jobId: null, state: 'running', snapshotName: null, startedAt: this.clock.now(), finishedAt: null, filesTotal: null, filesTransferred: null, filesDeleted: null, bytesTotal: null, bytesTransferred: null, bytesSent: null, error: null });
      let stats: RsyncStats | null = null;
      let partialBytes = 0;
      const { job, done } = await this.jobs.start(
        'replication.run',
        async (ctx) => {
          const result = await this.transfer(task, run, ctx, (bytes) => (partialBytes = bytes));
          stats = result;
          return { runId: run.id, snapshot: run.snapshotName, ...result };
        },
        { actor: options.actor ?? null, eventAccess: 'viewer' },
      );
      // Before any await: the bookkeeping of a run that fails at once must find these set.
      this.active.set(id, job.id);
      run.jobId = job.id;
      const bookkeeping = done.then((finished) => this.finish(task, run, finished, stats, partialBytes));
      this.finishing.set(id, bookkeeping);
      await this.repo.updateRun(run.id, { jobId: job.id });
      this.audit.describe({ target: `replication-task:${task.name}`, after: { jobId: job.id, runId: run.id } });
      return { job, run: this.runDto(run), done: bookkeeping };
    } catch (err) {
      this.active.delete(id);
      throw err;
    }
  }

  private async finish(task: ReplicationTaskEntity, run: ReplicationRunEntity, finished: Job, stats: RsyncStats | null, partialBytes: number): Promise<Job> {
    try {
      const at = this.clock.now();
      const state = finished.state === 'succeeded' ? 'succeeded' : finished.state === 'cancelled' ? 'cancelled' : 'failed';
      Object.assign(run, {
        state,
        finishedAt: at,
        error: finished.error,
        ...(stats
          ? {
              filesTotal: stats.files,
              filesTransferred: stats.filesTransferred,
              filesDeleted: stats.filesDeleted,
              bytesTotal: stats.totalBytes,
              bytesTransferred: stats.transferredBytes,
              bytesSent: stats.sentBytes,
            }
          : { bytesSent: partialBytes || null }),
      });
      // The task first and the run row last: whoever sees the run finished sees the task's result too.
      await this.repo.update(task.id, {
        lastRunAt: at,
        lastResult: state,
        lastError: state === 'succeeded' ? null : finished.error,
        lastJobId: finished.id,
        ...(state === 'succeeded' ? { lastSuccessAt: at } : {}),
      });
      // The task may have been renamed meanwhile: label the metrics with its current name.
      const current = (await this.repo.findById(task.id)) ?? task;
      this.bytesSent.inc({ task: current.name }, run.bytesSent ?? 0);
      if (state === 'succeeded') this.lastSuccess.set({ task: current.name }, at.getTime() / 1000);
      this.active.delete(task.id);
      const { id: runId, taskId: _taskId, ...outcome } = run;
      await this.repo.updateRun(runId, outcome);
      if (state === 'succeeded') {
        this.events.publish({ type: 'replication-task.succeeded', access: 'viewer', data: { taskId: task.id, name: current.name, jobId: finished.id } });
      } else if (state === 'failed') {
        this.log.warn({ task: current.name, error: finished.error }, 'replication run failed');
        this.events.publish({
          type: 'replication-task.failed',
          access: 'viewer',
          data: { taskId: task.id, name: current.name, jobId: finished.id, runId: run.id, error: finished.error, target: `${task.user}@${task.host}:${task.remotePath}`, severity: 'warning', at: at.toISOString() },
        });
      }
      return finished;
    } catch (err) {
      // Nobody may be waiting on `done` (the scheduler is not): never leave a rejection unhandled.
      this.log.error({ task: task.name, err: (err as Error).message }, 'could not record the replication run');
      return finished;
    } finally {
      this.active.delete(task.id);
      this.finishing.delete(task.id);
    }
  }

  /** The run itself: key, source tree, pinned host key, rsync. Returns rsync's statistics. */
  private async transfer(task: ReplicationTaskEntity, run: ReplicationRunEntity, job: JobContext, onBytes: (bytes: number) => void): Promise<RsyncStats> {
    const key = await this.publicKey();
    job.log(`Key ${key.fingerprint}; target ${task.user}@${task.host}:${task.remotePath} (port ${task.port})`);
    const dataset = await this.datasets.context(task.datasetId);
    let source = await this.snapshots.newest(dataset);
    if (!source) {
      // Never the live tree: a copy must be of one moment. The snapshot stays (a manual one), so the
      // next run without a newer snapshot sends nothing new.
      job.log(`${dataset.dataset.relativePath} has no snapshot: taking one for this run`);
      await this.snapshots.take(dataset, this.clock.now(), null, job);
      source = await this.snapshots.newest(dataset);
      if (!source) throw new Error(`No snapshot of ${dataset.dataset.relativePath} could be taken.`);
    }
    run.snapshotName = source.snapshot.name;
    await this.repo.updateRun(run.id, { snapshotName: run.snapshotName });
    job.log(`Source: snapshot ${source.snapshot.name} (${source.path})`);
    job.checkpoint();

    let hostKeys = task.hostKeys;
    if (!hostKeys || hostKeys.length === 0) {
      hostKeys = await scanHostKeys(this.runner, task.host, task.port).catch((err: Error) => {
        throw new Error(`Could not read the host keys of ${task.host}:${task.port}: ${err.message}`);
      });
      if (hostKeys.length === 0) throw new Error(`${task.host}:${task.port} offered no ssh host key: nothing answered there within 10 s, or it is not an ssh server (is sshd running, is the port right?).`);
      task.hostKeys = hostKeys;
      task.hostKeysPinnedAt = this.clock.now();
      await this.repo.update(task.id, { hostKeys, hostKeysPinnedAt: task.hostKeysPinnedAt });
      job.log(`Pinned the host keys of ${task.host}:${task.port} on first use: ${hostKeys.map((k) => `${k.type} ${sshFingerprint(k.key)}`).join(', ')}`);
    }
    const knownHostsFile = await this.keys.writeKnownHosts(task.id, task.host, task.port, hostKeys);
    const args = rsyncArgs({
      host: task.host,
      port: task.port,
      user: task.user,
      identityFile: this.keys.privateKeyPath,
      knownHostsFile,
      source: source.path,
      remotePath: task.remotePath,
      bandwidthLimitKiBps: task.bandwidthLimitKiBps,
      deleteOnTarget: task.deleteOnTarget,
      excludes: task.excludes,
    });
    job.log(`rsync ${args.join(' ')}`);
    const progress = new RsyncProgressReader();
    let output: string;
    try {
      const res = await this.runner.run('rsync', args, {
        signal: job.signal,
        timeoutMs: RSYNC_TIMEOUT_MS,
        maxCapture: OUTPUT_TAIL,
        onOutput: (chunk, stream) => {
          if (stream !== 'stdout') return;
          const p = progress.feed(chunk);
          if (!p) return;
          onBytes(p.bytes);
          job.progress(Math.min(99, p.percent), `${p.bytes} bytes, ${p.files} files transferred${p.totalFiles !== null ? ` of ${p.totalFiles} checked` : ''}`);
        },
      });
      output = res.stdout;
    } catch (err) {
      throw rsyncFailure(err, { taskId: task.id, host: task.host, port: task.port });
    }
    const stats = parseRsyncStats(output);
    if (!stats) throw new Error('rsync finished without its statistics block; the transfer cannot be confirmed.');
    job.log(`${stats.filesTransferred} of ${stats.files} files sent (${stats.transferredBytes} of ${stats.totalBytes} bytes), ${stats.filesDeleted} deleted on the target, ${stats.sentBytes} bytes on the wire`);
    return stats;
  }

  // ---------------------------------------------------------------------------------------------

  toDto(row: ReplicationTaskEntity): ReplicationTask {
    const iso = (d: Date | null) => (d ? d.toISOString() : null);
    return {
      id: row.id,
      name: row.name,
      datasetId: row.datasetId,
      host: row.host,
      port: row.port,
      user: row.user,
      remotePath: row.remotePath,
      schedule: row.schedule,
      timezone: row.timezone,
      bandwidthLimitKiBps: row.bandwidthLimitKiBps,
      deleteOnTarget: row.deleteOnTarget,
      excludes: row.excludes,
      enabled: row.enabled,
      hostKeys: row.hostKeys ? row.hostKeys.map((k) => ({ type: k.type, fingerprint: sshFingerprint(k.key) })) : null,
      hostKeysPinnedAt: iso(row.hostKeysPinnedAt),
      nextRunAt: iso(row.nextRunAt),
      lastRunAt: iso(row.lastRunAt),
      lastResult: row.lastResult,
      lastError: row.lastError,
      lastSuccessAt: iso(row.lastSuccessAt),
      lastJobId: row.lastJobId,
      running: this.active.has(row.id),
      createdAt: (row.createdAt ?? this.clock.now()).toISOString(),
      updatedAt: (row.updatedAt ?? this.clock.now()).toISOString(),
    };
  }

  runDto(r: ReplicationRunEntity): ReplicationRun {
    const duration = r.finishedAt ? (r.finishedAt.getTime() - r.startedAt.getTime()) / 1000 : null;
    return {
      id: r.id,
      taskId: r.taskId,
      jobId: r.jobId,
      state: r.state,
      snapshotName: r.snapshotName,
      startedAt: r.startedAt.toISOString(),
      finishedAt: r.finishedAt ? r.finishedAt.toISOString() : null,
      durationSeconds: duration,
      filesTotal: r.filesTotal,
      filesTransferred: r.filesTransferred,
      filesDeleted: r.filesDeleted,
      bytesTotal: r.bytesTotal,
      bytesTransferred: r.bytesTransferred,
      bytesSent: r.bytesSent,
      bytesPerSecond: duration && r.bytesSent !== null ? Math.round(r.bytesSent / duration) : null,
      error: r.error,
    };
  }
}
