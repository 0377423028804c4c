import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Alert, Dataset, Job, Pool, ReplicationPublicKey, ReplicationRun, ReplicationRunStarted, ReplicationTask } from '@moxnas/contracts';
import { ReplicationSchedulerService } from '../../../api/src/modules/storage/replication/replication-scheduler.service';
import { startStorageApp, uniqueName, type StorageApp } from '../../../api/test/storage/storage-kit';
import { describeHost, tempDir, waitFor } from '../host/support/host-test-env';
import { freeSshdPort, TestSshd } from './support/sshd';

interface Page<T> {
  items: T[];
}

/** Pids of processes whose command line mentions `marker` (the run's unique remote path). */
async function processesWith(marker: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = await fs.readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(marker)) pids.push(Number(entry));
  }
  return pids;
}

/**
 * Replication end to end against a real sshd on a loopback port: the API's own key pair in the
 * target's authorized_keys, rsync over ssh with the host key pinned on first use, incremental
 * runs, bandwidth limit, cancel, and a changed host key refused with an alert.
 */
describeHost('replication over ssh to a real sshd', { root: true, binaries: ['/usr/sbin/sshd', 'ssh', 'ssh-keygen', 'ssh-keyscan', 'rsync'] }, () => {
  let app: StorageApp;
  let root: string;
  let target: string;
  let sshd: TestSshd;
  let pool: Pool;
  let media: Dataset;

  const dataset = async (name: string) => {
    const res = await app.api<Dataset>('POST', '/api/storage/datasets', { poolId: pool.id, name, mode: '0755' });
    expect(res.status).toBe(201);
    return res.body;
  };
  const createTask = async (body: Record<string, unknown>) => {
    const res = await app.api<ReplicationTask>('POST', '/api/storage/replication-tasks', { name: uniqueName('r'), host: '127.0.0.1', port: sshd.port, user: 'root', ...body });
    expect({ status: res.status, text: res.status === 201 ? '' : res.text }).toEqual({ status: 201, text: '' });
    return res.body;
  };
  /** Runs a task through the API and waits for its job; returns the job and the run as recorded. */
  const runTask = async (task: ReplicationTask): Promise<{ job: Job; run: ReplicationRun }> => {
    const started = await app.api<ReplicationRunStarted>('POST', `/api/storage/replication-tasks/${task.id}/run`);
    expect({ status: started.status, text: started.status === 202 ? '' : started.text }).toEqual({ status: 202, text: '' });
    const job = await app.job(started.body.job.id);
    const runs = await waitFor(async () => {
      const page = (await app.api<Page<ReplicationRun>>('GET', `/api/storage/replication-tasks/${task.id}/runs`)).body;
      const run = page.items.find((r) => r.id === started.body.run.id);
      return run && run.state !== 'running' ? run : null;
    }, 'the run to be recorded');
    return { job, run: runs };
  };
  const setSnapshotClockAhead = (seconds: number) => app.setNow(new Date(Date.now() + seconds * 1000));

  beforeAll(async () => {
    app = await startStorageApp();
    app.app.get(ReplicationSchedulerService).stop();
    root = await tempDir('repl');
    target = path.join(root, 'target');
    await fs.mkdir(path.join(root, 'pool'));
    await fs.mkdir(path.join(root, 'sshd'), { mode: 0o700 });
    pool = (await app.api<Pool>('POST', '/api/storage/pools', { name: uniqueName(), path: path.join(root, 'pool') })).body;
    media = await dataset('media');
    await fs.mkdir(path.join(media.path, 'docs'));
    await fs.writeFile(path.join(media.path, 'docs/report.txt'), 'version one\n');
    await fs.writeFile(path.join(media.path, 'photo.bin'), randomBytes(256 * 1024));
    await fs.writeFile(path.join(media.path, 'keep.txt'), 'unchanged\n');
    await fs.writeFile(path.join(media.path, 'scratch.tmp'), 'left out\n');

    // The admin's step: the public key the API shows goes into the target's authorized_keys.
    const key = await app.api<ReplicationPublicKey>('GET', '/api/storage/replication/public-key');
    expect(key.status).toBe(200);
    expect(key.body.publicKey).toMatch(/^ssh-ed25519 [A-Za-z0-9+/]+=* moxnas-replication$/);
    sshd = new TestSshd(path.join(root, 'sshd'), await freeSshdPort());
    await fs.writeFile(sshd.authorizedKeys, `${key.body.publicKey}\n`, { mode: 0o600 });
    await sshd.start();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await sshd?.stop();
    if (root) await fs.rm(root, { recursive: true, force: true });
  });

  let mediaTask: ReplicationTask;

  it('keeps its private key 0600 and asks for the same key again', async () => {
    const again = await app.api<ReplicationPublicKey>('GET', '/api/storage/replication/public-key');
    const keyFile = path.join(app.config.dataDir, 'replication', 'id_ed25519');
    expect(((await fs.stat(keyFile)).mode & 0o777).toString(8)).toBe('600');
    expect(((await fs.stat(path.dirname(keyFile))).mode & 0o777).toString(8)).toBe('700');
    expect(again.body.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('copies the dataset to the target, pins the host key and records the run', async () => {
    mediaTask = await createTask({ datasetId: media.id, remotePath: path.join(target, 'media'), excludes: ['*.tmp'] });
    expect(mediaTask.hostKeys).toBeNull();
    const { job, run } = await runTask(mediaTask);
    expect({ state: job.state, error: job.error }).toEqual({ state: 'succeeded', error: null });
    expect(run).toMatchObject({ state: 'succeeded', filesTransferred: 3, bytesTransferred: 12 + 256 * 1024 + 10 });
    expect(run.snapshotName).toMatch(/^@GMT-/);
    expect(await fs.readFile(path.join(target, 'media/docs/report.txt'), 'utf8')).toBe('version one\n');
    expect(await fs.readFile(path.join(target, 'media/photo.bin'))).toEqual(await fs.readFile(path.join(media.path, 'photo.bin')));
    await expect(fs.stat(path.join(target, 'media/scratch.tmp'))).rejects.toThrow(/ENOENT/);
    // Nothing of the snapshot machinery travels.
    await expect(fs.stat(path.join(target, 'media/.snapshots'))).rejects.toThrow(/ENOENT/);

    const task = (await app.api<ReplicationTask>('GET', `/api/storage/replication-tasks/${mediaTask.id}`)).body;
    expect(task.hostKeys).toEqual([{ type: 'ssh-ed25519', fingerprint: expect.stringMatching(/^SHA256:/) }]);
    expect(task).toMatchObject({ lastResult: 'succeeded', lastError: null, running: false });
    expect(task.lastSuccessAt).not.toBeNull();
    mediaTask = task;

    const scrape = (await app.request({ url: '/metrics' })).text;
    expect(scrape).toMatch(new RegExp(`^moxnas_replication_last_success_timestamp_seconds\\{task="${task.name}"\\} \\d+`, 'm'));
    const sent = Number(new RegExp(`^moxnas_replication_bytes_total\\{task="${task.name}"\\} (\\d+)`, 'm').exec(scrape)?.[1]);
    expect(sent).toBe(run.bytesSent);
  });

  it('sends only what changed in the next snapshot', async () => {
    await fs.writeFile(path.join(media.path, 'docs/report.txt'), 'version two, longer\n');
    await fs.writeFile(path.join(media.path, 'new.txt'), 'brand new\n');
    setSnapshotClockAhead(5);
    const snap = await app.api<{ job: Job }>('POST', '/api/storage/snapshots', { datasetId: media.id });
    expect((await app.job(snap.body.job.id)).state).toBe('succeeded');
    app.setNow(null);

    const { job, run } = await runTask(mediaTask);
    expect(job.state).toBe('succeeded');
    expect(run).toMatchObject({ state: 'succeeded', filesTransferred: 2, bytesTransferred: 20 + 10 });
    expect(await fs.readFile(path.join(target, 'media/docs/report.txt'), 'utf8')).toBe('version two, longer\n');
    expect(await fs.readFile(path.join(target, 'media/new.txt'), 'utf8')).toBe('brand new\n');

    // And with nothing new, nothing is sent.
    const again = await runTask(mediaTask);
    expect(again.run).toMatchObject({ state: 'succeeded', filesTransferred: 0, bytesTransferred: 0 });
  });

  it('keeps to the bandwidth limit', async () => {
    const bw = await dataset('bw');
    const size = 1024 * 1024;
    await fs.writeFile(path.join(bw.path, 'one-mib.bin'), randomBytes(size));
    const limit = 200;
    const task = await createTask({ datasetId: bw.id, remotePath: path.join(target, 'bw'), bandwidthLimitKiBps: limit });
    const { run } = await runTask(task);
    expect(run).toMatchObject({ state: 'succeeded', filesTransferred: 1, bytesTransferred: size });
    // 1 MiB at 200 KiB/s is about 5 s; rsync may burst at the start, so only half is asserted.
    expect(run.durationSeconds).toBeGreaterThanOrEqual((size / (limit * 1024)) * 0.5);
    expect(run.bytesPerSecond).toBeLessThanOrEqual(limit * 1024 * 2);
  }, 60_000);

  it('cancels a run: the job ends cancelled and rsync and ssh are gone', async () => {
    const big = await dataset('big');
    await fs.writeFile(path.join(big.path, 'large.bin'), randomBytes(32 * 1024 * 1024));
    const marker = path.join(target, `cancel-${randomBytes(4).toString('hex')}`);
    const task = await createTask({ datasetId: big.id, remotePath: marker, bandwidthLimitKiBps: 64 });
    const started = await app.api<ReplicationRunStarted>('POST', `/api/storage/replication-tasks/${task.id}/run`);
    expect(started.status).toBe(202);
    // Wait until data is moving (the job reports bytes), then cancel.
    await waitFor(async () => {
      const job = (await app.api<Job>('GET', `/api/system/jobs/${started.body.job.id}`)).body;
      return /^[1-9]\d* bytes/.test(job.message ?? '') ? job : null;
    }, 'the transfer to start', 60_000);
    expect((await processesWith(marker)).length).toBeGreaterThan(0);
    const cancel = await app.api<Job>('POST', `/api/system/jobs/${started.body.job.id}/cancel`);
    expect(cancel.status).toBe(200);
    const job = await app.job(started.body.job.id);
    expect(job.state).toBe('cancelled');
    const run = await waitFor(async () => {
      const page = (await app.api<Page<ReplicationRun>>('GET', `/api/storage/replication-tasks/${task.id}/runs`)).body;
      return page.items.find((r) => r.id === started.body.run.id && r.state !== 'running');
    }, 'the run to be recorded');
    expect(run.state).toBe('cancelled');
    expect(run.bytesSent).toBeGreaterThan(0);
    await waitFor(async () => (await processesWith(marker)).length === 0, 'rsync and ssh to exit', 15_000);
    expect((await app.api<ReplicationTask>('GET', `/api/storage/replication-tasks/${task.id}`)).body).toMatchObject({ lastResult: 'cancelled', running: false });
    // A cancel is the admin's own decision: no alert.
    const alerts = (await app.api<Page<Alert>>('GET', '/api/system/alerts?state=active&class=replication-task.failed')).body;
    expect(alerts.items.filter((a) => (a.data as { taskId?: string }).taskId === task.id)).toEqual([]);
  }, 120_000);

  it('refuses a changed host key: the run fails with the reason, the pin stays, an alert is raised', async () => {
    const pinned = mediaTask.hostKeys;
    await sshd.stop();
    await sshd.newHostKey();
    await sshd.start();

    const { job, run } = await runTask(mediaTask);
    expect(job.state).toBe('failed');
    expect(job.error).toMatch(/host key of \[127\.0\.0\.1\]:\d+ has changed since it was pinned: the run was refused/);
    expect(run).toMatchObject({ state: 'failed', error: job.error });
    const task = (await app.api<ReplicationTask>('GET', `/api/storage/replication-tasks/${mediaTask.id}`)).body;
    expect(task.hostKeys).toEqual(pinned);
    expect(task).toMatchObject({ lastResult: 'failed', lastError: job.error });

    const alert = await waitFor(async () => {
      const page = (await app.api<Page<Alert>>('GET', '/api/system/alerts?state=active&class=replication-task.failed')).body;
      return page.items.find((a) => (a.data as { taskId?: string }).taskId === mediaTask.id);
    }, 'the replication alert');
    expect(alert).toMatchObject({ severity: 'warning', source: 'storage' });
    expect(alert.title).toContain(mediaTask.name);
    expect(alert.message).toContain('has changed since it was pinned');

    // The admin checked the new key: forget the pin, run again, the alert clears.
    const forgotten = await app.api<ReplicationTask>('DELETE', `/api/storage/replication-tasks/${mediaTask.id}/host-key`);
    expect(forgotten.body.hostKeys).toBeNull();
    const retry = await runTask(mediaTask);
    expect(retry.run.state).toBe('succeeded');
    const repinned = (await app.api<ReplicationTask>('GET', `/api/storage/replication-tasks/${mediaTask.id}`)).body.hostKeys;
    expect(repinned).not.toEqual(pinned);
    await waitFor(async () => {
      const page = (await app.api<Page<Alert>>('GET', '/api/system/alerts?state=active&class=replication-task.failed')).body;
      return !page.items.some((a) => (a.data as { taskId?: string }).taskId === mediaTask.id);
    }, 'the alert to clear');
  }, 60_000);

  it('fails a run to a host that does not answer, with an alert', async () => {
    const port = await freeSshdPort();
    const task = await createTask({ datasetId: media.id, port, remotePath: path.join(target, 'nowhere') });
    const { job } = await runTask(task);
    expect(job.state).toBe('failed');
    expect(job.error).toMatch(new RegExp(`^127\\.0\\.0\\.1:${port} offered no ssh host key`));
    await waitFor(async () => {
      const page = (await app.api<Page<Alert>>('GET', '/api/system/alerts?state=active&class=replication-task.failed')).body;
      return page.items.find((a) => (a.data as { taskId?: string }).taskId === task.id);
    }, 'the replication alert');
  }, 60_000);

  it('keeps the dataset from being deleted while a task uses it, and audits every change and run', async () => {
    const refused = await app.api<{ details?: { dependants?: unknown[] } }>('DELETE', `/api/storage/datasets/${media.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.details?.dependants).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'replication-task', id: mediaTask.id, name: mediaTask.name })]));

    const audit = await app.api<{ items: Array<{ action: string; target: string | null }> }>('GET', '/api/system/audit?action=storage.replicationTasks.&pageSize=500');
    const mine = audit.body.items.filter((e) => e.target === `replication-task:${mediaTask.name}`).map((e) => e.action);
    expect(new Set(mine)).toEqual(new Set(['storage.replicationTasks.create', 'storage.replicationTasks.run', 'storage.replicationTasks.forgetHostKey']));
  });

  it('refuses bad input with a message per field and writes nothing', async () => {
    const before = (await app.api<ReplicationTask[]>('GET', '/api/storage/replication-tasks')).body.length;
    const res = await app.api<{ errors: Array<{ field: string; message: string }> }>('POST', '/api/storage/replication-tasks', {
      name: 'bad',
      datasetId: media.id,
      host: '-oProxyCommand=sh',
      user: 'root',
      remotePath: 'relative/path',
      excludes: ['ok/*', '-evil', 'two\nlines'],
      bandwidthLimitKiBps: 0,
    });
    expect(res.status).toBe(422);
    const fields = res.body.errors.map((e) => e.field).sort();
    expect(fields).toEqual(['bandwidthLimitKiBps', 'excludes.1', 'excludes.2', 'host', 'remotePath']);
    expect((await app.api<ReplicationTask[]>('GET', '/api/storage/replication-tasks')).body.length).toBe(before);
  });
});
