import fs from 'node:fs/promises';
import path from 'node:path';
import type { Dataset, ErrorResponse, Pool, RetentionPreview, Snapshot, SnapshotTask } from '@moxnas/contracts';
import { snapshotName } from '@moxnas/host';
import { SnapshotSchedulerService } from '../../src/modules/storage/snapshot-tasks/snapshot-scheduler.service';
import { SnapshotTasksService } from '../../src/modules/storage/snapshot-tasks/snapshot-tasks.service';
import type { AppEvent } from '../../src/modules/system/events/events.service';
import { recordEvents } from '../support/events-kit';
import { startStorageApp, tempDir, uniqueName, type StorageApp } from './storage-kit';

const HOUR = 3_600_000;

describe('snapshot tasks', () => {
  let app: StorageApp;
  let dir: string;
  let pool: Pool;
  let ds: Dataset;
  let events: AppEvent[];
  let settled: () => Promise<void>;

  beforeAll(async () => {
    app = await startStorageApp();
    dir = await tempDir();
    pool = (await app.api<Pool>('POST', '/api/storage/pools', { name: uniqueName(), path: dir })).body;
    ds = (await app.api<Dataset>('POST', '/api/storage/datasets', { poolId: pool.id, name: 'home' })).body;
    await fs.writeFile(path.join(ds.path, 'file.txt'), 'hello\n');
    ({ events, settled } = recordEvents(app.app));
  });
  afterAll(async () => {
    await app?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const createTask = (body: Record<string, unknown>) => app.api<SnapshotTask & ErrorResponse>('POST', '/api/storage/snapshot-tasks', { name: uniqueName('task'), schedule: '0 * * * *', datasetIds: [ds.id], ...body });

  it.each([
    ['an invalid cron expression', { schedule: '61 * * * *' }, 'schedule', /not a valid cron/],
    ['a schedule with seconds (fires every second)', { schedule: '* * * * * *' }, 'schedule', /seconds|once a minute/],
    ['@secondly', { schedule: '@secondly' }, 'schedule', /5-field|once a minute/],
    ['a schedule that never fires', { schedule: '0 0 31 2 *' }, 'schedule', /not a valid cron/],
    ['garbage', { schedule: 'every now and then' }, 'schedule', /5 fields/],
    ['an unknown time zone', { timezone: 'Mars/Olympus_Mons' }, 'timezone', /not a time zone/],
    ['an unknown dataset', { datasetIds: ['00000000-0000-4000-8000-000000000000'] }, 'datasetIds.0', /no such dataset/],
    ['no dataset', { datasetIds: [] }, 'datasetIds', /at least one/],
    ['a negative retention', { retention: { hourly: -1 } }, 'retention.hourly', /./],
  ])('refuses %s with a 422 and writes nothing', async (_what, body, field, message) => {
    const before = (await app.api<SnapshotTask[]>('GET', '/api/storage/snapshot-tasks')).body.length;
    const res = await createTask(body);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.stringMatching(message) })]));
    expect((await app.api<SnapshotTask[]>('GET', '/api/storage/snapshot-tasks')).body.length).toBe(before);
  });

  it('schedules with the injected clock, runs missed slots once, snapshots and records the run', async () => {
    app.setNow(new Date('2024-03-01T10:20:00Z'));
    const task = (await createTask({ retention: { hourly: 2 } })).body;
    expect(task).toMatchObject({ enabled: true, nextRunAt: '2024-03-01T11:00:00.000Z', lastRunAt: null, retention: { hourly: 2, daily: 0 } });
    const scheduler = app.app.get(SnapshotSchedulerService);
    expect(await scheduler.tick(new Date('2024-03-01T10:59:59Z'))).toEqual([]);
    // The API was "down" from 10:20 to 15:30: five slots missed, one run, next slot in the future.
    expect(await scheduler.tick(new Date('2024-03-01T15:30:00Z'))).toEqual([task.id]);
    const after = (await app.api<SnapshotTask>('GET', `/api/storage/snapshot-tasks/${task.id}`)).body;
    expect(after).toMatchObject({ nextRunAt: '2024-03-01T16:00:00.000Z', lastRunAt: '2024-03-01T15:30:00.000Z', lastResult: 'succeeded', lastError: null, lastJobId: expect.any(String) });
    const snaps = (await app.api<{ items: Snapshot[] }>('GET', `/api/storage/snapshots?taskId=${task.id}`)).body.items;
    expect(snaps.map((s) => s.name)).toEqual(['@GMT-2024.03.01-15.30.00']);
    for (const at of ['2024-03-01T16:00:00Z', '2024-03-01T17:00:00Z', '2024-03-01T18:00:00Z']) await scheduler.tick(new Date(at));
    // hourly: 2 keeps the newest of 17:00 and 18:00; 15:30 and 16:00 went.
    const left = (await app.api<{ items: Snapshot[] }>('GET', `/api/storage/snapshots?taskId=${task.id}`)).body.items;
    expect(left.map((s) => s.name)).toEqual(['@GMT-2024.03.01-18.00.00', '@GMT-2024.03.01-17.00.00']);
    const disabled = await app.api<SnapshotTask>('PATCH', `/api/storage/snapshot-tasks/${task.id}`, { enabled: false });
    expect(disabled.body).toMatchObject({ enabled: false, nextRunAt: null });
    expect(await scheduler.tick(new Date('2024-03-02T00:00:00Z'))).toEqual([]);
    expect((await app.api('DELETE', `/api/storage/snapshot-tasks/${task.id}`)).status).toBe(204);
    // The task's snapshots stay, as manual ones.
    const orphans = (await app.api<{ items: Snapshot[] }>('GET', `/api/storage/snapshots?datasetId=${ds.id}`)).body.items;
    expect(orphans.filter((s) => s.name.startsWith('@GMT-2024.03.01-1')).every((s) => s.taskId === null)).toBe(true);
  });

  it('prunes a year of hourly snapshots by a keep rule: exactly the expected set, and exactly what the preview listed', async () => {
    const year = (await app.api<Dataset>('POST', '/api/storage/datasets', { poolId: pool.id, name: 'year' })).body;
    app.setNow(new Date('2024-01-01T00:00:00Z'));
    const task = (await createTask({ name: 'hourly-year', datasetIds: [year.id], retention: { hourly: 24, daily: 7, weekly: 4, monthly: 12, yearly: 1 } })).body;
    // A year of hourly snapshots, as the copy driver leaves them on disk (trees + bookkeeping), found by a rescan.
    const snapdir = path.join(year.path, '.snapshots');
    await fs.mkdir(path.join(snapdir, '.moxnas'), { recursive: true });
    const start = Date.UTC(2024, 0, 1);
    for (let i = 0; i < 8760; i++) {
      const name = snapshotName(new Date(start + i * HOUR));
      await fs.mkdir(path.join(snapdir, name));
      await fs.writeFile(path.join(snapdir, '.moxnas', `${name}.json`), JSON.stringify({ version: 1, name, driver: 'copy', taskId: task.id, stats: null }));
    }
    const rescan = await app.api<{ added: number }>('POST', '/api/storage/snapshots/rescan', { datasetId: year.id });
    expect(rescan.body.added).toBe(8760);

    const now = new Date('2024-12-30T23:30:00Z');
    app.setNow(now);
    const preview = (await app.api<RetentionPreview>('GET', `/api/storage/snapshot-tasks/${task.id}/retention-preview`)).body;
    const expected = new Set<string>();
    for (let h = 0; h < 24; h++) expected.add(snapshotName(new Date(Date.UTC(2024, 11, 30, 23 - h))));
    for (let d = 0; d < 7; d++) expected.add(snapshotName(new Date(Date.UTC(2024, 11, 30 - d, 23))));
    for (const day of [29, 22, 15]) expected.add(snapshotName(new Date(Date.UTC(2024, 11, day, 23))));
    [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30].forEach((day, month) => expected.add(snapshotName(new Date(Date.UTC(2024, month, day, 23)))));
    expect(preview.keep.map((k) => k.name).sort()).toEqual([...expected].sort());
    expect(preview.keep.length + preview.delete.length).toBe(8760);
    // A what-if preview with other numbers does not change anything.
    const whatIf = (await app.api<RetentionPreview>('GET', `/api/storage/snapshot-tasks/${task.id}/retention-preview?hourly=48&monthly=0`)).body;
    expect(whatIf.retention).toMatchObject({ hourly: 48, monthly: 0, daily: 7 });
    // 48 hours (29–30 Dec), 5 more days (24–28 Dec), 2 more weeks (ending 15 and 22 Dec).
    expect(whatIf.keep.length).toBe(48 + 5 + 2);
    const result = await app.app.get(SnapshotTasksService).applyRetention(await app.app.get(SnapshotTasksService).entity(task.id), now);
    expect(result.skipped).toEqual([]);
    expect(result.deleted.map((d) => d.id).sort()).toEqual(preview.delete.map((d) => d.id).sort());
    const onDisk = (await fs.readdir(snapdir)).filter((n) => n.startsWith('@GMT')).sort();
    expect(onDisk).toEqual([...expected].sort());
    const rows = await app.api<{ total: number }>('GET', `/api/storage/snapshots?taskId=${task.id}&pageSize=1`);
    expect(rows.body.total).toBe(expected.size);
  }, 240_000);

  it('publishes snapshot-task.failed when a run fails, and records the error', async () => {
    const doomedDir = await tempDir('doomed');
    const doomedPool = (await app.api<Pool>('POST', '/api/storage/pools', { name: uniqueName(), path: doomedDir })).body;
    const doomed = (await app.api<Dataset>('POST', '/api/storage/datasets', { poolId: doomedPool.id, name: 'gone' })).body;
    app.setNow(new Date('2024-04-01T00:00:00Z'));
    const task = (await createTask({ datasetIds: [ds.id, doomed.id] })).body;
    await fs.rm(doomedDir, { recursive: true });
    events.length = 0;
    const { done } = await app.app.get(SnapshotTasksService).run(task.id, { now: new Date('2024-04-01T01:00:00Z') });
    const job = await done;
    expect(job.state).toBe('failed');
    expect(job.error).toMatch(/1 of 2 snapshot\(s\) failed.*degraded/);
    const after = (await app.api<SnapshotTask>('GET', `/api/storage/snapshot-tasks/${task.id}`)).body;
    expect(after).toMatchObject({ lastResult: 'failed', lastError: expect.stringMatching(/degraded/), lastJobId: job.id });
    await settled();
    expect(events.filter((e) => e.type === 'snapshot-task.failed').map((e) => e.data)).toEqual([expect.objectContaining({ taskId: task.id, jobId: job.id })]);
    // The healthy dataset still got its snapshot.
    const snaps = (await app.api<{ items: Snapshot[] }>('GET', `/api/storage/snapshots?taskId=${task.id}`)).body.items;
    expect(snaps.map((s) => [s.datasetId, s.name])).toEqual([[ds.id, '@GMT-2024.04.01-01.00.00']]);
  });
});
