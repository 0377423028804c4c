import fs from 'node:fs/promises';
import path from 'node:path';
import type { Dataset, ErrorResponse, Pool, ReplicationRun, ReplicationTask } from '@moxnas/contracts';
import { ReplicationSchedulerService } from '../../src/modules/storage/replication/replication-scheduler.service';
import { ReplicationService } from '../../src/modules/storage/replication/replication.service';
import { binaryPath, itOnHost } from '../support/host-gate';
import { startStorageApp, tempDir, uniqueName, type StorageApp } from './storage-kit';

/**
 * Replication tasks without a target: CRUD, input grammar, the schedule and a run that cannot
 * reach its host. The transfer itself is proved against a real sshd in
 * apps/api-e2e/src/storage/replication.e2e-spec.ts.
 */
describe('replication tasks', () => {
  let app: StorageApp;
  let dir: string;
  let pool: Pool;
  let ds: Dataset;

  beforeAll(async () => {
    app = await startStorageApp();
    app.app.get(ReplicationSchedulerService).stop();
    dir = await tempDir();
    pool = (await app.api<Pool>('POST', '/api/storage/pools', { name: uniqueName(), path: dir })).body;
    ds = (await app.api<Dataset>('POST', '/api/storage/datasets', { poolId: pool.id, name: 'media' })).body;
    await fs.writeFile(path.join(ds.path, 'file.txt'), 'hello\n');
  });
  afterAll(async () => {
    await app?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  // Port 1 on loopback: nothing listens there.
  const createTask = (body: Record<string, unknown> = {}) =>
    app.api<ReplicationTask & ErrorResponse>('POST', '/api/storage/replication-tasks', { name: uniqueName('repl'), datasetId: ds.id, host: '127.0.0.1', port: 1, user: 'backup', remotePath: '/backup/media', ...body });
  const count = async () => (await app.api<ReplicationTask[]>('GET', '/api/storage/replication-tasks')).body.length;

  it.each([
    ['a host that reads as an option', { host: '-oProxyCommand=touch' }, 'host', /host name/],
    ['a user with a space', { user: 'back up' }, 'user', /./],
    ['a relative remote path', { remotePath: 'backup' }, 'remotePath', /absolute/],
    ['a remote path with ..', { remotePath: '/backup/../etc' }, 'remotePath', /\.\./],
    ['a remote path a shell would expand', { remotePath: '/backup/$HOME' }, 'remotePath', /only letters/],
    ['an exclude with a newline', { excludes: ['a\nb'] }, 'excludes.0', /single line/],
    ['an exclude that reads as a rule', { excludes: ['- secret'] }, 'excludes.0', /must not start with -/],
    ['a zero bandwidth limit', { bandwidthLimitKiBps: 0 }, 'bandwidthLimitKiBps', /at least 1/],
    ['a port out of range', { port: 70000 }, 'port', /1–65535/],
    ['a schedule with seconds', { schedule: '* * * * * *' }, 'schedule', /seconds/],
    ['a schedule that never fires', { schedule: '0 0 31 2 *' }, 'schedule', /not a valid cron/],
    ['an unknown time zone', { timezone: 'Mars/Olympus_Mons' }, 'timezone', /not a time zone/],
    ['an unknown dataset', { datasetId: '00000000-0000-4000-8000-000000000000' }, 'datasetId', /no such dataset/],
    ['an unknown field', { compress: true }, 'compress', /unknown field/],
  ])('refuses %s with a 422 on the field and writes nothing', async (_what, body, field, message) => {
    const before = await count();
    const res = await createTask(body);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.stringMatching(message) })]));
    expect(await count()).toBe(before);
  });

  it('creates an on-demand task with the defaults, updates it with PUT and refuses a duplicate name', async () => {
    const created = await createTask({ name: 'nightly-media' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ schedule: null, nextRunAt: null, timezone: 'UTC', bandwidthLimitKiBps: null, deleteOnTarget: false, excludes: [], enabled: true, hostKeys: null, lastResult: null, running: false });
    expect((await createTask({ name: 'nightly-media' })).status).toBe(409);

    app.setNow(new Date('2024-03-01T10:20:00Z'));
    const updated = await app.api<ReplicationTask>('PUT', `/api/storage/replication-tasks/${created.body.id}`, { schedule: '30 2 * * *', timezone: 'Europe/Berlin', excludes: ['*.tmp'], bandwidthLimitKiBps: 1024 });
    app.setNow(null);
    expect(updated.status).toBe(200);
    // 02:30 in Berlin (UTC+1 in March) is 01:30 UTC, the next day.
    expect(updated.body).toMatchObject({ schedule: '30 2 * * *', nextRunAt: '2024-03-02T01:30:00.000Z', excludes: ['*.tmp'], bandwidthLimitKiBps: 1024, host: '127.0.0.1' });
    const bad = await app.api<ErrorResponse>('PUT', `/api/storage/replication-tasks/${created.body.id}`, { remotePath: '/' });
    expect(bad.status).toBe(422);
    expect((await app.api<ReplicationTask>('GET', `/api/storage/replication-tasks/${created.body.id}`)).body.remotePath).toBe('/backup/media');

    expect((await app.api('DELETE', `/api/storage/replication-tasks/${created.body.id}`)).status).toBe(204);
    expect((await app.api('GET', `/api/storage/replication-tasks/${created.body.id}`)).status).toBe(404);
  });

  itOnHost('runs a due task from the schedule; a run that cannot reach its host fails, is kept in history and raises an alert', { binaries: ['ssh-keyscan'] }, async () => {
    app.setNow(new Date('2024-03-01T10:20:00Z'));
    const task = (await createTask({ schedule: '0 * * * *' })).body;
    expect(task.nextRunAt).toBe('2024-03-01T11:00:00.000Z');
    const scheduler = app.app.get(ReplicationSchedulerService);
    expect(await scheduler.tick(new Date('2024-03-01T10:59:59Z'))).toEqual([]);
    // The API was down for hours: one run, and the next run is in the future.
    expect(await scheduler.tick(new Date('2024-03-01T15:30:00Z'))).toEqual([task.id]);
    const started = (await app.api<{ items: ReplicationRun[] }>('GET', `/api/storage/replication-tasks/${task.id}/runs`)).body.items[0];
    const job = await app.job(started.jobId as string);
    expect(job.state).toBe('failed');
    expect(job.error).toMatch(/^127\.0\.0\.1:1 offered no ssh host key: nothing answered there/);
    app.setNow(null);

    // The run's row is written after the job's result: wait for it to be final.
    let runs = (await app.api<{ items: ReplicationRun[]; total: number }>('GET', `/api/storage/replication-tasks/${task.id}/runs`)).body;
    for (const deadline = Date.now() + 30_000; runs.items[0]?.state === 'running' && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      runs = (await app.api<{ items: ReplicationRun[]; total: number }>('GET', `/api/storage/replication-tasks/${task.id}/runs`)).body;
    }
    expect(runs.total).toBe(1);
    // The dataset had no snapshot: the run took one (at the storage clock's time) and kept it.
    expect(runs.items[0]).toMatchObject({ state: 'failed', error: job.error, snapshotName: '@GMT-2024.03.01-10.20.00' });
    const after = (await app.api<ReplicationTask>('GET', `/api/storage/replication-tasks/${task.id}`)).body;
    expect(after).toMatchObject({ lastResult: 'failed', lastError: job.error, nextRunAt: '2024-03-01T16:00:00.000Z', running: false, lastSuccessAt: null });
    const alerts = (await app.api<{ items: Array<{ class: string; data: { taskId?: string } }> }>('GET', '/api/system/alerts?state=active&class=replication-task.failed')).body;
    expect(alerts.items.some((a) => a.data.taskId === task.id)).toBe(true);
  });

  it('refuses a second run while one is in progress', async () => {
    const task = (await createTask()).body;
    const service = app.app.get(ReplicationService);
    const first = await service.run(task.id);
    await expect(service.run(task.id)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/already running/) });
    expect((await app.api<ReplicationTask>('GET', `/api/storage/replication-tasks/${task.id}`)).body.running).toBe(true);
    await first.done;
    expect((await app.api<ReplicationTask>('GET', `/api/storage/replication-tasks/${task.id}`)).body.running).toBe(false);
  });

  it('says in the capabilities whether replication can run here', async () => {
    const res = await app.api<{ entries: Array<{ id: string; available: boolean; source: string; fix: string | null }> }>('GET', '/api/system/capabilities');
    expect(res.status).toBe(200);
    const entry = res.body.entries.find((e) => e.id === 'replication');
    const installed = ['rsync', 'ssh', 'ssh-keygen', 'ssh-keyscan'].every((b) => binaryPath(b) !== undefined);
    expect(entry).toMatchObject({ source: 'replication', available: installed, fix: installed ? null : 'apt-get install rsync openssh-client' });
  });

  it('answers nobody who is not logged in', async () => {
    const paths = ['/api/storage/replication-tasks', '/api/storage/replication/public-key'];
    for (const url of paths) expect((await app.request({ url })).status).toBe(401);
  });
});
