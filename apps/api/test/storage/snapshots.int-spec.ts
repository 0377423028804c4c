import fs from 'node:fs/promises';
import path from 'node:path';
import type { Dataset, ErrorResponse, Job, Pool, ResponseOf, Snapshot, snapshotsApi } from '@moxnas/contracts';
import { SnapshotsService } from '../../src/modules/storage/snapshots/snapshots.service';
import { startStorageApp, tempDir, uniqueName, type StorageApp } from './storage-kit';

type SnapshotJob = ResponseOf<typeof snapshotsApi.create>;
type Files = ResponseOf<typeof snapshotsApi.files>;

const ino = async (p: string) => (await fs.lstat(p)).ino;

describe('storage snapshots (copy driver, through the API)', () => {
  let app: StorageApp;
  let dir: string;
  let ds: Dataset;
  const live = (rel: string) => path.join(ds.path, rel);

  beforeAll(async () => {
    app = await startStorageApp();
    dir = await tempDir();
    const pool = (await app.api<Pool>('POST', '/api/storage/pools', { name: uniqueName(), path: dir })).body;
    ds = (await app.api<Dataset>('POST', '/api/storage/datasets', { poolId: pool.id, name: 'docs', owner: 'daemon', group: 'www-data', mode: '0775' })).body;
    await fs.mkdir(live('letters'));
    await fs.writeFile(live('letters/one.txt'), 'dear one\n');
    await fs.chown(live('letters/one.txt'), 65534, 33);
    await fs.chmod(live('letters/one.txt'), 0o604);
    await fs.writeFile(live('static.bin'), Buffer.alloc(256 * 1024, 3));
  });
  afterAll(async () => {
    await app?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function snapshot(at: string): Promise<Snapshot> {
    app.setNow(new Date(at));
    const res = await app.api<SnapshotJob>('POST', '/api/storage/snapshots', { datasetId: ds.id });
    expect(res.status).toBe(202);
    expect(res.body.snapshot).toMatchObject({ state: 'creating', datasetId: ds.id });
    const job = await app.job(res.body.job.id);
    expect(job).toMatchObject({ state: 'succeeded', type: 'snapshot.create' });
    return (await app.api<Snapshot>('GET', `/api/storage/snapshots/${res.body.snapshot.id}`)).body;
  }

  it('takes snapshots as jobs, named for Previous Versions, sharing unchanged files with the previous one', async () => {
    const first = await snapshot('2024-06-01T08:00:00Z');
    expect(first).toMatchObject({ name: '@GMT-2024.06.01-08.00.00', driver: 'copy', state: 'ready', takenAt: '2024-06-01T08:00:00.000Z', taskId: null, files: 2, path: live('.snapshots/@GMT-2024.06.01-08.00.00') });
    expect(first.sizeBytes).toBe(256 * 1024 + 'dear one\n'.length);
    await fs.writeFile(live('letters/one.txt'), 'dear one, changed\n');
    const second = await snapshot('2024-06-01T09:00:00Z');
    expect(second.newBytes).toBe('dear one, changed\n'.length);
    expect(await ino(path.join(second.path, 'static.bin'))).toBe(await ino(path.join(first.path, 'static.bin')));
    expect(await ino(path.join(second.path, 'letters/one.txt'))).not.toBe(await ino(path.join(first.path, 'letters/one.txt')));
    expect(await fs.readFile(path.join(first.path, 'letters/one.txt'), 'utf8')).toBe('dear one\n');

    const list = await app.api<{ items: Snapshot[]; total: number }>('GET', `/api/storage/snapshots?datasetId=${ds.id}`);
    expect(list.body.items.map((s) => s.name)).toEqual(['@GMT-2024.06.01-09.00.00', '@GMT-2024.06.01-08.00.00']);
    expect(list.body.items[1].ageSeconds).toBe(3600);
    // Same second, same name: refused at once, nothing half-made.
    app.setNow(new Date('2024-06-01T09:00:00.500Z'));
    const dup = await app.api<ErrorResponse>('POST', '/api/storage/snapshots', { datasetId: ds.id });
    expect(dup.status).toBe(409);
  });

  it('browses a snapshot read-only with the modes files had, and refuses paths that leave it', async () => {
    const [snap] = (await app.api<{ items: Snapshot[] }>('GET', `/api/storage/snapshots?datasetId=${ds.id}&pageSize=1`)).body.items;
    const rootList = await app.api<Files>('GET', `/api/storage/snapshots/${snap.id}/files`);
    expect(rootList.body).toMatchObject({ path: '', type: 'directory', total: 2 });
    expect(rootList.body.entries.map((e) => [e.name, e.type])).toEqual([['letters', 'directory'], ['static.bin', 'file']]);
    const letters = await app.api<Files>('GET', `/api/storage/snapshots/${snap.id}/files?path=letters`);
    expect(letters.body.entries).toEqual([expect.objectContaining({ name: 'one.txt', type: 'file', mode: '0604', uid: 65534, gid: 33, size: 'dear one, changed\n'.length })]);
    for (const bad of ['../../etc', '/etc', 'letters/../..', 'a%00b']) {
      const res = await app.api<ErrorResponse>('GET', `/api/storage/snapshots/${snap.id}/files?path=${encodeURIComponent(bad).replace('%2500', '%00')}`);
      expect(res.status).toBe(422);
      expect(res.body.errors?.[0].field).toBe('query.path');
    }
    expect((await app.api('GET', `/api/storage/snapshots/${snap.id}/files?path=missing`)).status).toBe(422);
  });

  it('restores one file in place and the whole dataset alongside, with content, mode and owner', async () => {
    const older = (await app.api<{ items: Snapshot[] }>('GET', `/api/storage/snapshots?datasetId=${ds.id}`)).body.items[1];
    await fs.writeFile(live('letters/one.txt'), 'ruined');
    await fs.chmod(live('letters/one.txt'), 0o600);
    await fs.chown(live('letters/one.txt'), 0, 0);
    const inPlace = await app.api<Job>('POST', `/api/storage/snapshots/${older.id}/restore`, { path: 'letters/one.txt', target: 'in-place' });
    expect(inPlace.status).toBe(202);
    expect((await app.job(inPlace.body.id)).state).toBe('succeeded');
    expect(await fs.readFile(live('letters/one.txt'), 'utf8')).toBe('dear one\n');
    const st = await fs.stat(live('letters/one.txt'));
    expect([st.mode & 0o7777, st.uid, st.gid]).toEqual([0o604, 65534, 33]);

    app.setNow(new Date('2024-06-02T10:11:12Z'));
    const alongside = await app.api<Job>('POST', `/api/storage/snapshots/${older.id}/restore`, {});
    const done = await app.job(alongside.body.id);
    expect(done.state).toBe('succeeded');
    const copy = `${ds.path}.restored-20240602-101112`;
    expect(done.result).toMatchObject({ target: copy });
    expect((await fs.readdir(copy)).sort()).toEqual(['letters', 'static.bin']);
    const rootSt = await fs.stat(copy);
    expect([rootSt.mode & 0o7777, rootSt.uid, rootSt.gid]).toEqual([0o775, 1, 33]);
    await fs.rm(copy, { recursive: true });
  });

  it.each([
    [{ path: '../outside' }, /\.\./],
    [{ path: '/etc/passwd' }, /relative/],
    [{ path: '.snapshots' }, /snapshot directory/],
    [{ path: 'no/such/file' }, /not in snapshot/],
    [{ target: 'sideways' }, /alongside|in-place/],
  ])('refuses restore input %j with a 422', async (body, message) => {
    const [snap] = (await app.api<{ items: Snapshot[] }>('GET', `/api/storage/snapshots?datasetId=${ds.id}&pageSize=1`)).body.items;
    const res = await app.api<ErrorResponse>('POST', `/api/storage/snapshots/${snap.id}/restore`, body);
    expect(res.status).toBe(422);
    expect(res.body.errors?.[0].message).toMatch(message);
  });

  it('deletes a snapshot as a job, and a rescan follows the disk both ways', async () => {
    const third = await snapshot('2024-06-03T00:00:00Z');
    const del = await app.api<Job>('DELETE', `/api/storage/snapshots/${third.id}`);
    expect(del.status).toBe(202);
    expect((await app.job(del.body.id)).state).toBe('succeeded');
    expect(await fs.stat(third.path).catch(() => null)).toBeNull();
    expect((await app.api('GET', `/api/storage/snapshots/${third.id}`)).status).toBe(404);

    // Removed by hand and made by hand (a copy brought back from a backup): the rescan follows.
    const [newest, oldest] = (await app.api<{ items: Snapshot[] }>('GET', `/api/storage/snapshots?datasetId=${ds.id}`)).body.items;
    await fs.rm(oldest.path, { recursive: true });
    await fs.cp(newest.path, live('.snapshots/@GMT-2024.05.31-00.00.00'), { recursive: true });
    const rescan = await app.api<{ added: number; removed: number }>('POST', '/api/storage/snapshots/rescan', { datasetId: ds.id });
    expect(rescan.body).toMatchObject({ added: 1, removed: 1 });
    const names = (await app.api<{ items: Snapshot[] }>('GET', `/api/storage/snapshots?datasetId=${ds.id}`)).body.items.map((s) => s.name);
    expect(names).toEqual(['@GMT-2024.06.01-09.00.00', '@GMT-2024.05.31-00.00.00']);
  });

  it('tells the shares module which shadow_copy2 options show a path’s snapshots', async () => {
    const snapshots = app.app.get(SnapshotsService);
    const expected = { mountpoint: ds.path, snapdir: '.snapshots', format: '@GMT-%Y.%m.%d-%H.%M.%S', datasetId: ds.id, driver: 'copy' };
    expect(await snapshots.previousVersionsFor(ds.path)).toEqual(expected);
    expect(await snapshots.previousVersionsFor(live('letters'))).toEqual(expected);
    expect(await snapshots.previousVersionsFor(dir)).toBeNull();
    expect(await snapshots.previousVersionsFor('/srv/elsewhere')).toBeNull();
  });
});
