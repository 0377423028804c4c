import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Dataset, Job, Pool, ResponseOf, Snapshot, snapshotsApi } from '@moxnas/contracts';
import { startStorageApp, uniqueName, type StorageApp } from '../../../api/test/storage/storage-kit';
import { describeHost } from '../host/support/host-test-env';
import { BTRFS_LOOP_NEEDS, makeBtrfsLoop, referencedLimit, subvolumes, type BtrfsLoop } from './support/btrfs-loop';

const MiB = 1024 * 1024;
/** Node 20's libuv has no name for EDQUOT ("Unknown system error -122"): match the errno. */
const EDQUOT = { errno: -os.constants.errno.EDQUOT };
/** btrfs gives every subvolume root inode 256. */
const SUBVOLUME_INODE = 256;

type Files = ResponseOf<typeof snapshotsApi.files>;

/**
 * A btrfs pool for real, all through the API: a loop-mounted btrfs made by the test, registered as
 * a pool; datasets become subvolumes with qgroup limits the kernel enforces; snapshots are read-only
 * subvolume snapshots that browse, restore and delete like copy snapshots.
 */
describeHost('btrfs pools on a real btrfs file system', BTRFS_LOOP_NEEDS, () => {
  let app: StorageApp;
  let loop: BtrfsLoop;
  let pool: Pool;
  let ds: Dataset;

  const snapshot = async (at: string): Promise<Snapshot> => {
    app.setNow(new Date(at));
    const res = await app.api<ResponseOf<typeof snapshotsApi.create>>('POST', '/api/storage/snapshots', { datasetId: ds.id });
    expect({ status: res.status, text: res.status === 202 ? '' : res.text }).toEqual({ status: 202, text: '' });
    const job = await app.job(res.body.job.id);
    expect({ state: job.state, error: job.error }).toEqual({ state: 'succeeded', error: null });
    return (await app.api<Snapshot>('GET', `/api/storage/snapshots/${res.body.snapshot.id}`)).body;
  };
  const finished = async (res: { status: number; text: string; body: Job }) => {
    expect({ status: res.status, text: res.status === 202 ? '' : res.text }).toEqual({ status: 202, text: '' });
    const job = await app.job(res.body.id);
    expect({ state: job.state, error: job.error }).toEqual({ state: 'succeeded', error: null });
    return job;
  };
  const rel = (abs: string) => path.relative(loop.mountPoint, abs);

  beforeAll(async () => {
    loop = await makeBtrfsLoop('btrfs');
    app = await startStorageApp();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await loop?.remove();
  });

  it('registers the file system as a pool with native snapshots, and hard quotas once qgroups are on', async () => {
    const res = await app.api<Pool>('POST', '/api/storage/pools', { name: uniqueName(), path: loop.mountPoint });
    expect({ status: res.status, text: res.status === 201 ? '' : res.text }).toEqual({ status: 201, text: '' });
    pool = res.body;
    expect(pool.fsType).toBe('btrfs');
    expect(pool.snapshotDriver).toBe('btrfs');
    expect(pool.capabilities.btrfsSnapshots).toMatchObject({ available: true, probed: true });
    // Quotas are off on a fresh btrfs: soft, with the command that turns them on.
    expect(pool.capabilities.hardQuota).toMatchObject({ available: false, kind: null, fix: `btrfs quota enable ${loop.mountPoint}` });

    await loop.btrfs('quota', 'enable', loop.mountPoint);
    const refreshed = await app.api<Pool>('POST', `/api/storage/pools/${pool.id}/refresh`);
    expect(refreshed.status).toBe(200);
    pool = refreshed.body;
    expect(pool.capabilities.hardQuota).toMatchObject({ available: true, probed: true, kind: 'btrfs-qgroup', fix: null });
    expect(pool.capabilities.btrfsSnapshots.available).toBe(true);
  });

  it('creates a dataset as a subvolume whose qgroup limit stops a write with EDQUOT', async () => {
    const res = await app.api<Dataset>('POST', '/api/storage/datasets', { poolId: pool.id, name: 'office', mode: '0755', quotaBytes: 8 * MiB });
    expect({ status: res.status, text: res.status === 201 ? '' : res.text }).toEqual({ status: 201, text: '' });
    ds = res.body;
    expect(ds).toMatchObject({ backend: 'btrfs-subvolume', snapshotDriver: 'btrfs', quotaBytes: 8 * MiB, quotaKind: 'hard', mode: '0755' });
    expect(ds.previousVersions).toEqual({ mountpoint: ds.path, snapdir: '.snapshots', format: '@GMT-%Y.%m.%d-%H.%M.%S' });
    expect((await fs.lstat(ds.path)).ino).toBe(SUBVOLUME_INODE);
    // `.snapshots` is a subvolume of its own, outside the dataset's qgroup.
    expect((await subvolumes(loop)).filter((p) => p === 'office' || p.startsWith('office/'))).toEqual(['office', 'office/.snapshots']);
    expect(await referencedLimit(loop, 'office')).toBe(8 * MiB);

    // Past the limit the kernel refuses the write.
    const big = path.join(ds.path, 'big.bin');
    await expect(fs.writeFile(big, Buffer.alloc(16 * MiB, 1))).rejects.toMatchObject(EDQUOT);
    expect((await fs.stat(big)).size).toBeLessThanOrEqual(8 * MiB);
    // A full dataset can still be snapshotted: the snapshots live outside its qgroup.
    const full = await snapshot('2024-05-01T10:00:00Z');
    expect(full.name).toBe('@GMT-2024.05.01-10.00.00');
    // Restoring into the full dataset fails, and the job says why.
    const restore = await app.api<Job>('POST', `/api/storage/snapshots/${full.id}/restore`, { path: 'big.bin', target: 'alongside' });
    expect(restore.status).toBe(202);
    const refused = await app.job(restore.body.id);
    expect({ state: refused.state, error: refused.error }).toEqual({ state: 'failed', error: expect.stringMatching(/^disk quota exceeded \(EDQUOT\)/) });
    const del = await finished(await app.api<Job>('DELETE', `/api/storage/snapshots/${full.id}`));
    expect(del.state).toBe('succeeded');
    await fs.rm(big);

    // The API reports the limit as hard, and changing it changes the qgroup.
    const get = await app.api<Dataset>('GET', `/api/storage/datasets/${ds.id}`);
    expect(get.body.quotaKind).toBe('hard');
    const patched = await app.api<Dataset>('PATCH', `/api/storage/datasets/${ds.id}`, { quotaBytes: 12 * MiB });
    expect({ status: patched.status, quotaKind: patched.body.quotaKind }).toEqual({ status: 200, quotaKind: 'hard' });
    expect(await referencedLimit(loop, 'office')).toBe(12 * MiB);
    await fs.writeFile(path.join(ds.path, 'fits.bin'), Buffer.alloc(10 * MiB, 2));
    await fs.rm(path.join(ds.path, 'fits.bin'));
    // No quota: the qgroup limit goes too.
    const cleared = await app.api<Dataset>('PATCH', `/api/storage/datasets/${ds.id}`, { quotaBytes: null });
    expect({ status: cleared.status, quotaKind: cleared.body.quotaKind }).toEqual({ status: 200, quotaKind: null });
    expect(await referencedLimit(loop, 'office')).toBeNull();
  });

  it('takes a read-only subvolume snapshot that browses and restores one file', async () => {
    await fs.writeFile(path.join(ds.path, 'report.txt'), 'version one\n', { mode: 0o644 });
    await fs.mkdir(path.join(ds.path, 'team'), { mode: 0o755 });
    await fs.writeFile(path.join(ds.path, 'team/notes.txt'), 'old notes\n', { mode: 0o640 });
    const snap = await snapshot('2024-06-01T08:00:00Z');
    expect(snap).toMatchObject({ name: '@GMT-2024.06.01-08.00.00', driver: 'btrfs', state: 'ready', path: path.join(ds.path, '.snapshots', '@GMT-2024.06.01-08.00.00') });
    expect((await fs.lstat(snap.path)).ino).toBe(SUBVOLUME_INODE);
    expect(await subvolumes(loop)).toContain(rel(snap.path));
    const show = await loop.btrfs('subvolume', 'show', snap.path);
    expect(show.stdout).toMatch(/Flags:\s+readonly/);
    await expect(fs.writeFile(path.join(snap.path, 'report.txt'), 'tampered\n')).rejects.toMatchObject({ code: 'EROFS' });

    await fs.writeFile(path.join(ds.path, 'report.txt'), 'version two, rewritten\n');
    await fs.writeFile(path.join(ds.path, 'team/notes.txt'), 'new notes\n');

    const top = await app.api<Files>('GET', `/api/storage/snapshots/${snap.id}/files`);
    expect(top.status).toBe(200);
    // The empty stand-in for the nested `.snapshots` subvolume is not listed.
    expect(top.body.entries.map((e) => [e.name, e.type])).toEqual([
      ['report.txt', 'file'],
      ['team', 'directory'],
    ]);
    expect(top.body.entries.find((e) => e.name === 'report.txt')).toMatchObject({ size: 'version one\n'.length, mode: '0644' });
    const team = await app.api<Files>('GET', `/api/storage/snapshots/${snap.id}/files?path=team`);
    expect(team.body.entries.map((e) => [e.name, e.mode, e.size])).toEqual([['notes.txt', '0640', 'old notes\n'.length]]);

    await finished(await app.api<Job>('POST', `/api/storage/snapshots/${snap.id}/restore`, { path: 'report.txt', target: 'in-place' }));
    expect(await fs.readFile(path.join(ds.path, 'report.txt'), 'utf8')).toBe('version one\n');
    const beside = await finished(await app.api<Job>('POST', `/api/storage/snapshots/${snap.id}/restore`, { path: 'team/notes.txt', target: 'alongside' }));
    const target = (beside.result as { target: string }).target;
    expect(path.dirname(target)).toBe(path.join(ds.path, 'team'));
    expect(await fs.readFile(target, 'utf8')).toBe('old notes\n');
    expect(await fs.readFile(path.join(ds.path, 'team/notes.txt'), 'utf8')).toBe('new notes\n');
    // The restored copies are ordinary files of the dataset, not of the snapshot.
    expect((await fs.stat(target)).mode & 0o7777).toBe(0o640);

    // The whole dataset in place: back to the snapshot, newer files gone, `.snapshots` and its snapshot kept.
    await fs.writeFile(path.join(ds.path, 'later.txt'), 'made after the snapshot\n');
    await finished(await app.api<Job>('POST', `/api/storage/snapshots/${snap.id}/restore`, { path: '', target: 'in-place' }));
    expect((await fs.readdir(ds.path)).sort()).toEqual(['.snapshots', 'report.txt', 'team']);
    expect((await fs.readdir(path.join(ds.path, 'team'))).sort()).toEqual(['notes.txt']);
    expect(await fs.readFile(path.join(ds.path, 'team/notes.txt'), 'utf8')).toBe('old notes\n');
    expect((await fs.lstat(path.join(ds.path, '.snapshots'))).ino).toBe(SUBVOLUME_INODE);
    expect(await subvolumes(loop)).toContain(rel(snap.path));
  });

  it('deletes a snapshot subvolume, and the dataset with its subvolumes', async () => {
    const list = await app.api<{ items: Snapshot[] }>('GET', `/api/storage/snapshots?datasetId=${ds.id}`);
    expect(list.body.items.map((s) => s.name)).toEqual(['@GMT-2024.06.01-08.00.00']);
    const [june] = list.body.items;
    await finished(await app.api<Job>('DELETE', `/api/storage/snapshots/${june.id}`));
    await expect(fs.lstat(june.path)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await subvolumes(loop)).not.toContain(rel(june.path));

    const july = await snapshot('2024-07-01T08:00:00Z');
    expect(await subvolumes(loop)).toContain(rel(july.path));
    await finished(await app.api<Job>('DELETE', `/api/storage/datasets/${ds.id}`));
    await expect(fs.lstat(ds.path)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await subvolumes(loop)).filter((p) => p === 'office' || p.startsWith('office/'))).toEqual([]);
    expect((await app.api('GET', `/api/storage/datasets/${ds.id}`)).status).toBe(404);
    expect((await app.api<{ items: Snapshot[] }>('GET', `/api/storage/snapshots?datasetId=${ds.id}`)).body.items).toEqual([]);
  });

  it('nests datasets as subvolumes of their own and adopts an existing subvolume or plain directory', async () => {
    const parent = (await app.api<Dataset>('POST', '/api/storage/datasets', { poolId: pool.id, name: 'projects', quotaBytes: 4 * MiB })).body;
    const child = await app.api<Dataset>('POST', '/api/storage/datasets', { poolId: pool.id, parentId: parent.id, name: 'alpha', quotaBytes: 4 * MiB });
    expect({ status: child.status, backend: child.body.backend, quotaKind: child.body.quotaKind }).toEqual({ status: 201, backend: 'btrfs-subvolume', quotaKind: 'hard' });
    expect(await referencedLimit(loop, 'projects/alpha')).toBe(4 * MiB);
    // Each limit is its own: the child's data does not count against the parent's.
    await fs.writeFile(path.join(child.body.path, 'a.bin'), Buffer.alloc(3 * MiB, 3));
    await fs.writeFile(path.join(parent.path, 'p.bin'), Buffer.alloc(3 * MiB, 4));
    // The parent's snapshot shows the child as an empty directory, as btrfs does for nested subvolumes.
    ds = parent;
    const snap = await snapshot('2024-08-01T08:00:00Z');
    expect((await fs.readdir(path.join(snap.path, 'alpha'))).length).toBe(0);
    expect((await app.api('DELETE', `/api/storage/datasets/${parent.id}`)).status).toBe(409);
    await finished(await app.api<Job>('DELETE', `/api/storage/datasets/${child.body.id}`));
    await finished(await app.api<Job>('DELETE', `/api/storage/datasets/${parent.id}`));
    expect((await subvolumes(loop)).filter((p) => p.startsWith('projects'))).toEqual([]);

    // Made outside MoxNAS: a subvolume is adopted as one (hard quota, btrfs snapshots), a plain directory is not.
    await loop.btrfs('subvolume', 'create', path.join(loop.mountPoint, 'legacy'));
    await fs.writeFile(path.join(loop.mountPoint, 'legacy/old.txt'), 'kept\n');
    await fs.mkdir(path.join(loop.mountPoint, 'plain'));
    const legacy = await app.api<Dataset>('POST', '/api/storage/datasets', { poolId: pool.id, name: 'legacy', quotaBytes: 4 * MiB });
    expect({ status: legacy.status, backend: legacy.body.backend, driver: legacy.body.snapshotDriver, quotaKind: legacy.body.quotaKind }).toEqual({ status: 201, backend: 'btrfs-subvolume', driver: 'btrfs', quotaKind: 'hard' });
    expect(await referencedLimit(loop, 'legacy')).toBe(4 * MiB);
    ds = legacy.body;
    const first = await snapshot('2024-08-02T08:00:00Z');
    expect(await fs.readFile(path.join(first.path, 'old.txt'), 'utf8')).toBe('kept\n');
    expect(await subvolumes(loop)).toEqual(expect.arrayContaining(['legacy', 'legacy/.snapshots', rel(first.path)]));
    const plain = await app.api<Dataset>('POST', '/api/storage/datasets', { poolId: pool.id, name: 'plain', quotaBytes: 4 * MiB });
    expect({ status: plain.status, backend: plain.body.backend, driver: plain.body.snapshotDriver, quotaKind: plain.body.quotaKind }).toEqual({ status: 201, backend: 'directory', driver: 'copy', quotaKind: 'soft' });
    for (const d of [legacy.body, plain.body]) await finished(await app.api<Job>('DELETE', `/api/storage/datasets/${d.id}`));
    expect(await subvolumes(loop)).toEqual([]);
  });

  it('answers 409 with the file system’s words when quotas were turned off behind its back, and changes nothing', async () => {
    const res = await app.api<Dataset>('POST', '/api/storage/datasets', { poolId: pool.id, name: 'limited', mode: '0750', quotaBytes: 4 * MiB });
    expect({ status: res.status, quotaKind: res.body.quotaKind }).toEqual({ status: 201, quotaKind: 'hard' });
    await loop.btrfs('quota', 'disable', loop.mountPoint);
    try {
      // The pool still says hard quotas (the probe is older than the change); btrfs refuses the limit.
      const patched = await app.api<{ message: string }>('PATCH', `/api/storage/datasets/${res.body.id}`, { quotaBytes: 6 * MiB, mode: '0700' });
      expect(patched.status).toBe(409);
      expect(patched.body.message).toMatch(new RegExp(`refused the btrfs-qgroup quota on ${res.body.path}: .+ run \\\`btrfs quota enable ${loop.mountPoint}\\\``));
      // Nothing was applied: the mode and the stored quota are as before.
      expect(((await fs.stat(res.body.path)).mode & 0o7777).toString(8)).toBe('750');
      const after = await app.api<Dataset>('GET', `/api/storage/datasets/${res.body.id}`);
      expect({ quotaBytes: after.body.quotaBytes, mode: after.body.mode }).toEqual({ quotaBytes: 4 * MiB, mode: '0750' });
      // A new dataset with a quota is refused the same way, and leaves no subvolume behind.
      const refused = await app.api<{ message: string }>('POST', '/api/storage/datasets', { poolId: pool.id, name: 'refused', quotaBytes: 4 * MiB });
      expect(refused.status).toBe(409);
      expect(await subvolumes(loop)).not.toContain('refused');
    } finally {
      await loop.btrfs('quota', 'enable', loop.mountPoint);
    }
    await finished(await app.api<Job>('DELETE', `/api/storage/datasets/${res.body.id}`));
  });
});
