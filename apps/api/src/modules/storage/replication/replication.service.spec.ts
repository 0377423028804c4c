import type { Job } from '@moxnas/contracts';
import { CommandError, sshFingerprint, type CommandRunner, type HostFs, type HostKey, type RunOptions, type RunResult } from '@moxnas/host';
import type { HostPaths } from '../../../core/config/host-paths';
import type { DatabaseService } from '../../../core/database/database.service';
import { MetricsService } from '../../../core/metrics/metrics.service';
import type { AppEvent, EventsService } from '../../system/events/events.service';
import type { SystemRegistry } from '../../system/metrics/system-registry';
import { JobCancelledError, type JobContext, type JobsService } from '../../system/jobs/jobs.service';
import type { AuditContext } from '../../users/audit/audit-context';
import type { DatasetContext } from '../datasets/dataset-plan';
import type { DatasetsService } from '../datasets/datasets.service';
import type { DatasetEntity } from '../entities/dataset.entity';
import type { PoolEntity } from '../entities/pool.entity';
import type { ReplicationRunEntity, ReplicationTaskEntity } from '../entities/replication.entity';
import type { SnapshotEntity } from '../entities/snapshot.entity';
import type { PoolDependents } from '../pools/pool-dependents';
import type { SnapshotsService } from '../snapshots/snapshots.service';
import type { NewReplicationRun, NewReplicationTask, ReplicationRepository } from './replication.repository';
import { ReplicationService } from './replication.service';

const KEY_A = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
const KEY_B = 'AAAAC3NzaC1lZDI1NTE5AAAAIBBqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
const STATS = [
  'Number of files: 4 (reg: 3, dir: 1)',
  'Number of created files: 3 (reg: 3)',
  'Number of deleted files: 0',
  'Number of regular files transferred: 3',
  'Total file size: 1,000 bytes',
  'Total transferred file size: 1,000 bytes',
  'Literal data: 1,000 bytes',
  'Matched data: 0 bytes',
  'Total bytes sent: 1,234',
  'Total bytes received: 56',
  '',
].join('\n');

type Handler = (args: readonly string[], options: RunOptions) => Partial<RunResult> | Promise<Partial<RunResult>>;

/** Scripted commands; a non-zero code throws like the real runner. */
class ScriptedRunner implements CommandRunner {
  readonly calls: Array<{ command: string; args: readonly string[] }> = [];
  private readonly handlers = new Map<string, Handler>();
  on(command: string, handler: Handler): this {
    this.handlers.set(command, handler);
    return this;
  }
  callsTo(command: string) {
    return this.calls.filter((c) => c.command === command);
  }
  async has(command: string) {
    return this.handlers.has(command);
  }
  async run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    this.calls.push({ command, args });
    const handler = this.handlers.get(command);
    if (!handler) throw new CommandError('not-found', command, args, `${command} is not installed`);
    const r = await handler(args, options);
    const result = { code: r.code ?? 0, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
    if (!(options.okCodes ?? [0]).includes(result.code)) throw new CommandError('failed', command, args, `${command} exited with ${result.code}`, result);
    return result;
  }
}

/** Just the files the key store touches. */
class MemFs implements Pick<HostFs, 'readFile' | 'writeFileAtomic' | 'mkdir' | 'exists' | 'chmod' | 'rename' | 'rm'> {
  readonly files = new Map<string, string>();
  async readFile(p: string) {
    return this.files.get(p) ?? null;
  }
  async writeFileAtomic(p: string, content: string | Buffer) {
    this.files.set(p, content.toString());
    return true;
  }
  async mkdir() {
    /* directories are implied */
  }
  async exists(p: string) {
    return this.files.has(p);
  }
  async chmod() {
    /* modes are the real store's business (ssh-transport.spec.ts) */
  }
  async rename(from: string, to: string) {
    this.files.set(to, this.files.get(from) ?? '');
    this.files.delete(from);
  }
  async rm(p: string) {
    for (const k of [...this.files.keys()]) if (k === p || k.startsWith(`${p}/`)) this.files.delete(k);
  }
}

/** Tasks and runs in memory, with the repository's public methods. */
class FakeReplicationRepo implements Pick<ReplicationRepository, keyof ReplicationRepository> {
  tasks: ReplicationTaskEntity[] = [];
  runs: ReplicationRunEntity[] = [];
  datasetIds = new Set(['d1']);
  private seq = 0;

  async all() {
    return [...this.tasks].sort((a, b) => a.name.localeCompare(b.name));
  }
  async findById(id: string) {
    return this.tasks.find((t) => t.id === id) ?? null;
  }
  async ofDataset(datasetId: string) {
    return this.tasks.filter((t) => t.datasetId === datasetId);
  }
  async ofPool() {
    return this.tasks;
  }
  async datasetExists(id: string) {
    return this.datasetIds.has(id);
  }
  async due(now: Date) {
    return this.tasks.filter((t) => t.enabled && t.nextRunAt && t.nextRunAt <= now);
  }
  build(fields: NewReplicationTask): ReplicationTaskEntity {
    return { ...fields, id: '', createdAt: new Date(0), updatedAt: new Date(0) };
  }
  async save(row: ReplicationTaskEntity) {
    if (!row.id) {
      row.id = `t${++this.seq}`;
      this.tasks.push(row);
    }
    return row;
  }
  async update(id: string, patch: Partial<ReplicationTaskEntity>) {
    Object.assign(this.tasks.find((t) => t.id === id) ?? {}, patch);
  }
  async remove(id: string) {
    this.tasks = this.tasks.filter((t) => t.id !== id);
  }
  async addRun(fields: NewReplicationRun) {
    const run = { ...fields, id: `r${++this.seq}` };
    this.runs.push(run);
    return { ...run };
  }
  async updateRun(id: string, patch: Partial<ReplicationRunEntity>) {
    Object.assign(this.runs.find((r) => r.id === id) ?? {}, patch);
  }
  async pageRuns(taskId: string) {
    const rows = this.runs.filter((r) => r.taskId === taskId);
    return { rows, total: rows.length };
  }
  async failInterruptedRuns() {
    /* nothing is interrupted in a unit test */
  }
}

/** Runs job work at once with a context whose signal `cancel` aborts. */
class FakeJobs implements Pick<JobsService, 'start' | 'cancel'> {
  private readonly controllers = new Map<string, AbortController>();
  logs: string[] = [];
  private seq = 0;

  async start<T>(type: string, work: (ctx: JobContext) => Promise<T>): Promise<{ job: Job; done: Promise<Job> }> {
    const id = `00000000-0000-4000-8000-00000000000${++this.seq}`;
    const controller = new AbortController();
    this.controllers.set(id, controller);
    const job: Job = { id, type, state: 'running', progress: 0, message: null, log: [], result: null, error: null, actor: null, cancelRequested: false, createdAt: '', startedAt: '', finishedAt: null };
    const ctx: JobContext = {
      id,
      signal: controller.signal,
      progress: (percent, message) => Object.assign(job, { progress: percent, message: message ?? job.message }),
      log: (m) => void this.logs.push(m),
      checkpoint: () => {
        if (controller.signal.aborted) throw new JobCancelledError();
      },
    };
    const done = (async (): Promise<Job> => {
      await Promise.resolve();
      try {
        return { ...job, state: 'succeeded', result: (await work(ctx)) as unknown };
      } catch (err) {
        return { ...job, state: err instanceof JobCancelledError ? 'cancelled' : 'failed', error: (err as Error).message };
      }
    })();
    return { job, done };
  }

  async cancel(id: string): Promise<Job> {
    this.controllers.get(id)?.abort();
    return {} as Job;
  }
}

const pool = { id: 'p1', name: 'tank', path: '/srv/tank' } as PoolEntity;
const dataset = { id: 'd1', poolId: 'p1', relativePath: 'media' } as DatasetEntity;
const dsCtx: DatasetContext = { dataset, pool, path: '/srv/tank/media' };
const snapshot = { id: 's1', datasetId: 'd1', name: '@GMT-2024.06.01-08.00.00', state: 'ready' } as SnapshotEntity;

function setup(options: { snapshot?: boolean } = {}) {
  const repo = new FakeReplicationRepo();
  const jobs = new FakeJobs();
  const events: AppEvent[] = [];
  const fs = new MemFs();
  const runner = new ScriptedRunner();
  runner.on('ssh-keygen', async (args) => {
    const file = args[args.indexOf('-f') + 1];
    await fs.writeFileAtomic(file, 'PRIVATE');
    await fs.writeFileAtomic(`${file}.pub`, `ssh-ed25519 ${KEY_A} moxnas-replication\n`);
    return {};
  });
  let hostKey = KEY_A;
  runner.on('ssh-keyscan', () => ({ stdout: `[nas2.lan]:2222 ssh-ed25519 ${hostKey}\n` }));
  let taken = 0;
  const snapshots: Pick<SnapshotsService, 'newest' | 'take'> = {
    newest: async () => (options.snapshot === false && taken === 0 ? null : { snapshot, path: '/srv/tank/media/.snapshots/@GMT-2024.06.01-08.00.00' }),
    take: async () => {
      taken++;
      return snapshot;
    },
  };
  const datasets: Pick<DatasetsService, 'context'> = { context: async () => dsCtx };
  const metrics = new MetricsService();
  const service = new ReplicationService(
    repo as unknown as ReplicationRepository,
    datasets as DatasetsService,
    snapshots as SnapshotsService,
    jobs as unknown as JobsService,
    { publish: (e: AppEvent) => void events.push(e) } as unknown as EventsService,
    { register: () => () => undefined } as unknown as PoolDependents,
    { onReady: () => undefined } as unknown as DatabaseService,
    { describe: () => undefined } as unknown as AuditContext,
    { contributeCapabilities: () => undefined } as unknown as SystemRegistry,
    { now: () => new Date('2024-06-01T09:00:00Z') },
    runner,
    fs as unknown as HostFs,
    { replicationDir: '/data/replication' } as HostPaths,
    metrics,
  );
  const create = () => service.create({ name: 'media-offsite', datasetId: 'd1', host: 'nas2.lan', port: 2222, user: 'backup', remotePath: '/backup/media', schedule: null, timezone: 'UTC', bandwidthLimitKiBps: null, deleteOnTarget: false, excludes: [], enabled: true });
  return { repo, jobs, events, fs, runner, service, metrics, create, taken: () => taken, rotateHostKey: () => (hostKey = KEY_B) };
}

describe('ReplicationService decisions', () => {
  it('refuses a bad schedule, time zone and dataset together, and writes nothing', async () => {
    const { repo, service } = setup();
    await expect(
      service.create({ name: 'x', datasetId: 'nope', host: 'h', port: 22, user: 'u', remotePath: '/r', schedule: '0 0 31 2 *', timezone: 'Mars/Olympus', bandwidthLimitKiBps: null, deleteOnTarget: false, excludes: [], enabled: true }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', fieldErrors: [expect.objectContaining({ field: 'timezone' }), expect.objectContaining({ field: 'schedule' }), expect.objectContaining({ field: 'datasetId' })] });
    expect(repo.tasks).toEqual([]);
  });

  it('pins the host key on first use and copies the newest snapshot with the pinned known_hosts', async () => {
    const { repo, fs, runner, service, metrics, events, create } = setup();
    runner.on('rsync', () => ({ stdout: `\r      1,000 100%    1.00kB/s    0:00:01 (xfr#3, to-chk=0/4)\n\n${STATS}` }));
    const task = await create();
    const { done } = await service.run(task.id);
    expect((await done).state).toBe('succeeded');
    expect(repo.tasks[0].hostKeys).toEqual([{ type: 'ssh-ed25519', key: KEY_A }]);
    expect(await fs.readFile(`/data/replication/known_hosts.d/${task.id}`)).toBe(`[nas2.lan]:2222 ssh-ed25519 ${KEY_A}\n`);
    const args = runner.callsTo('rsync')[0].args;
    expect(args.slice(-2)).toEqual(['/srv/tank/media/.snapshots/@GMT-2024.06.01-08.00.00/', 'backup@nas2.lan:/backup/media/']);
    expect(args[args.indexOf('--rsh') + 1]).toContain(`UserKnownHostsFile=/data/replication/known_hosts.d/${task.id}`);
    expect(repo.runs[0]).toMatchObject({ state: 'succeeded', snapshotName: snapshot.name, filesTotal: 4, filesTransferred: 3, bytesTransferred: 1000, bytesSent: 1234, error: null });
    expect(repo.tasks[0]).toMatchObject({ lastResult: 'succeeded', lastError: null, lastSuccessAt: new Date('2024-06-01T09:00:00Z') });
    expect(events.map((e) => e.type)).toEqual(['replication-task.succeeded']);
    const exposition = await metrics.exposition();
    expect(exposition).toContain('moxnas_replication_bytes_total{task="media-offsite"} 1234');
    expect(exposition).toContain(`moxnas_replication_last_success_timestamp_seconds{task="media-offsite"} ${Date.parse('2024-06-01T09:00:00Z') / 1000}`);
  });

  it('reports replication unavailable, with the fix, while a tool is missing', async () => {
    const { service, runner } = setup();
    expect(await service.capability()).toMatchObject({ available: false, reason: 'rsync, ssh are not installed.', fix: 'apt-get install rsync openssh-client' });
    runner.on('rsync', () => ({})).on('ssh', () => ({}));
    expect(await service.capability()).toMatchObject({ id: 'replication', available: true, reason: null, fix: null });
  });

  it('takes a snapshot first when the dataset has none', async () => {
    const { service, runner, create, taken } = setup({ snapshot: false });
    runner.on('rsync', () => ({ stdout: STATS }));
    const task = await create();
    expect((await (await service.run(task.id)).done).state).toBe('succeeded');
    expect(taken()).toBe(1);
  });

  it('keeps the pin when the target presents another key: no new keyscan, the run fails and an alert event goes out', async () => {
    const { repo, runner, service, events, create, rotateHostKey } = setup();
    runner.on('rsync', () => ({ stdout: STATS }));
    const task = await create();
    await (await service.run(task.id)).done;
    rotateHostKey();
    runner.on('rsync', () => ({ code: 255, stderr: '@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\nHost key verification failed.\n' }));
    const finished = await (await service.run(task.id)).done;
    expect(finished.state).toBe('failed');
    expect(finished.error).toMatch(/has changed since it was pinned/);
    expect(runner.callsTo('ssh-keyscan')).toHaveLength(1);
    expect(repo.tasks[0].hostKeys).toEqual([{ type: 'ssh-ed25519', key: KEY_A }]);
    expect((await service.get(task.id)).hostKeys).toEqual([{ type: 'ssh-ed25519', fingerprint: sshFingerprint(KEY_A) }]);
    expect(events.at(-1)).toMatchObject({ type: 'replication-task.failed', data: { taskId: task.id, name: 'media-offsite', error: finished.error, target: 'backup@nas2.lan:/backup/media' } });
    expect(repo.tasks[0]).toMatchObject({ lastResult: 'failed', lastError: finished.error });
  });

  it('a new host or port forgets the pin; the same host keeps it', async () => {
    const { repo, service, create } = setup();
    const task = await create();
    const pinned: HostKey[] = [{ type: 'ssh-ed25519', key: KEY_A }];
    Object.assign(repo.tasks[0], { hostKeys: pinned, hostKeysPinnedAt: new Date() });
    await service.update(task.id, { host: 'nas2.lan', bandwidthLimitKiBps: 100 });
    expect(repo.tasks[0].hostKeys).toEqual(pinned);
    await service.update(task.id, { port: 22 });
    expect(repo.tasks[0]).toMatchObject({ hostKeys: null, hostKeysPinnedAt: null });
  });

  it('cancels: one run at a time, the cancel ends it cancelled without an alert', async () => {
    const { repo, jobs, runner, service, events, create } = setup();
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    runner.on('rsync', (_args, options) => {
      started();
      return new Promise((_, reject) => options.signal?.addEventListener('abort', () => reject(new CommandError('cancelled', 'rsync', [], 'rsync was cancelled'))));
    });
    const task = await create();
    const { job, done } = await service.run(task.id);
    await running;
    await expect(service.run(task.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(service.remove(task.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    await jobs.cancel(job.id);
    expect((await done).state).toBe('cancelled');
    expect(repo.runs[0].state).toBe('cancelled');
    expect(events.filter((e) => e.type === 'replication-task.failed')).toEqual([]);
    expect((await service.get(task.id)).running).toBe(false);
  });
});
