import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Dataset, ErrorResponse, Pool, PoolCandidate, UsageReport } from '@moxnas/contracts';
import { PoolDependents } from '../../src/modules/storage/pools/pool-dependents';
import { PoolMonitorService } from '../../src/modules/storage/pools/pool-monitor.service';
import { MetricsCollector } from '../../src/modules/system/metrics/metrics-collector.service';
import { PoolsService } from '../../src/modules/storage/pools/pools.service';
import type { AppEvent } from '../../src/modules/system/events/events.service';
import { recordEvents } from '../support/events-kit';
import { startStorageApp, tempDir, uniqueName, type StorageApp } from './storage-kit';
import { itOnHost } from '../support/host-gate';

/** Whether this host lets the tests mount a tmpfs (root in a container that allows mounts). */
function canMount(): boolean {
  if (process.getuid?.() !== 0) return false;
  let dir = '';
  try {
    dir = execFileSync('mktemp', ['-d', '/tmp/moxnas-mountprobe-XXXXXX'], { encoding: 'utf8' }).trim();
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
    execFileSync('umount', [dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    if (dir) execFileSync('rmdir', [dir], { stdio: 'ignore' });
  }
}
const MOUNTS = canMount();

/**
 * umount, retried for a few seconds while the kernel says the mount is busy (on a loaded machine
 * another test's process can briefly hold it); the last failure is thrown with umount's own words.
 */
async function unmount(mnt: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      execFileSync('umount', [mnt], { stdio: ['ignore', 'ignore', 'pipe'] });
      return;
    } catch (err) {
      const why = String((err as { stderr?: Buffer }).stderr ?? err);
      if (attempt >= 25 || !/busy/i.test(why)) throw new Error(`umount ${mnt}: ${why.trim()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

describe('storage pools', () => {
  let app: StorageApp;
  let root: string;
  let events: AppEvent[];
  let settled: () => Promise<void>;
  beforeAll(async () => {
    app = await startStorageApp();
    root = await tempDir();
    ({ events, settled } = recordEvents(app.app));
  });
  afterAll(async () => {
    await app?.close();
    await fs.rm(root, { recursive: true, force: true });
  });

  async function register(dir: string, extra: Record<string, unknown> = {}): Promise<Pool> {
    const res = await app.api<Pool>('POST', '/api/storage/pools', { name: uniqueName(), path: dir, ...extra });
    if (res.status !== 201) throw new Error(`pool registration failed: ${res.status} ${res.text}`);
    return res.body;
  }

  it('registers a directory on a mounted file system with health, space and detected capabilities', async () => {
    const dir = path.join(root, 'first');
    await fs.mkdir(dir);
    const pool = await register(dir, { warningPercent: 70, criticalPercent: 95 });
    expect(pool).toMatchObject({ path: dir, mountPoint: '/', health: { status: 'online', mounted: true, writable: true, readOnly: false, problems: [] }, thresholds: { warningPercent: 70, criticalPercent: 95 }, snapshotDriver: 'copy', datasetCount: 0 });
    expect(pool.space?.totalBytes).toBeGreaterThan(0);
    expect(pool.space?.usedRatio).toBeGreaterThan(0);
    // Probed on the real file system: hard links and ACLs work on ext4 here, ZFS and btrfs are not available.
    expect(pool.capabilities.hardLinks).toMatchObject({ available: true, probed: true });
    expect(pool.capabilities.posixAcl).toMatchObject({ available: true, probed: true });
    expect(pool.capabilities.zfsSnapshots).toMatchObject({ available: false, reason: expect.stringMatching(/not ZFS/) });
    expect(pool.capabilities.btrfsSnapshots).toMatchObject({ available: false, reason: expect.stringMatching(/not btrfs/) });
    expect(pool.capabilities.hardQuota.kind).toBeNull();
    // The probes leave nothing behind.
    expect(await fs.readdir(dir)).toEqual([]);

    const list = await app.api<Pool[]>('GET', '/api/storage/pools');
    expect(list.body.map((p) => p.id)).toContain(pool.id);
    const patched = await app.api<Pool>('PATCH', `/api/storage/pools/${pool.id}`, { description: 'first pool', criticalPercent: 99 });
    expect(patched.body).toMatchObject({ description: 'first pool', thresholds: { warningPercent: 70, criticalPercent: 99 } });
    const usage = await app.api<UsageReport>('GET', '/api/storage/usage');
    expect(usage.body.pools.find((p) => p.id === pool.id)).toMatchObject({ health: 'online', level: expect.stringMatching(/ok|warning|critical/), thresholds: { warningPercent: 70 } });
  });

  it('lists mounted file systems that could be pools, without pseudo and system mounts or /', async () => {
    const res = await app.api<PoolCandidate[]>('GET', '/api/storage/pools/candidates');
    expect(res.status).toBe(200);
    const points = res.body.map((c) => c.mountPoint);
    expect(points).not.toContain('/');
    expect(points.some((p) => p === '/proc' || p.startsWith('/sys') || p.startsWith('/dev'))).toBe(false);
    expect(res.body.every((c) => !['proc', 'sysfs', 'cgroup', 'cgroup2', 'devpts', 'mqueue', 'devtmpfs'].includes(c.fsType))).toBe(true);
  });

  it.each([
    ['a relative path', 'srv/data', /absolute/],
    ['a path with ..', '/tmp/../etc', /\.\./],
    ['a NUL byte', '/tmp/a\u0000b', /NUL|control/],
    ['a path that does not exist', '/tmp/moxnas-does-not-exist-4711', /does not exist/],
    ['a system directory', '/etc', /system directory/],
    ['a pseudo file system', '/proc/sys', /system directory|proc/],
  ])('refuses %s with a 422 on path and writes nothing', async (_what, p, message) => {
    const before = (await app.api<Pool[]>('GET', '/api/storage/pools')).body.length;
    const res = await app.api<ErrorResponse>('POST', '/api/storage/pools', { name: uniqueName(), path: p });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'path', message: expect.stringMatching(message) })]);
    expect((await app.api<Pool[]>('GET', '/api/storage/pools')).body.length).toBe(before);
  });

  it('refuses a file, bad names and thresholds in the wrong order, each with its field', async () => {
    const file = path.join(root, 'a-file');
    await fs.writeFile(file, 'x');
    const notDir = await app.api<ErrorResponse>('POST', '/api/storage/pools', { name: uniqueName(), path: file });
    expect(notDir.status).toBe(422);
    expect(notDir.body.errors?.[0]).toMatchObject({ field: 'path', message: expect.stringMatching(/not a directory/) });
    const bad = await app.api<ErrorResponse>('POST', '/api/storage/pools', { name: 'bad name/x', path: root, warningPercent: 95, criticalPercent: 90 });
    expect(bad.status).toBe(422);
    expect(bad.body.errors?.map((e) => e.field).sort()).toEqual(['name', 'warningPercent']);
  });

  it('refuses overlapping pools and duplicate names with 409', async () => {
    const outer = path.join(root, 'outer');
    await fs.mkdir(path.join(outer, 'inner'), { recursive: true });
    const pool = await register(outer);
    const nested = await app.api<ErrorResponse>('POST', '/api/storage/pools', { name: uniqueName(), path: path.join(outer, 'inner') });
    expect(nested.status).toBe(409);
    expect(nested.body.message).toMatch(/overlaps/);
    const containing = await app.api<ErrorResponse>('POST', '/api/storage/pools', { name: uniqueName(), path: root });
    expect(containing.status).toBe(409);
    const other = path.join(root, 'other');
    await fs.mkdir(other);
    const dupName = await app.api<ErrorResponse>('POST', '/api/storage/pools', { name: pool.name, path: other });
    expect(dupName.status).toBe(409);
  });

  it('resolves paths inside a pool and refuses .., absolute paths outside and symlink escapes', async () => {
    const dir = path.join(root, 'resolve');
    await fs.mkdir(path.join(dir, 'media/photos'), { recursive: true });
    await fs.symlink('/etc', path.join(dir, 'escape'));
    await fs.symlink('media', path.join(dir, 'inside-link'));
    const pool = await register(dir);
    const pools = app.app.get(PoolsService);
    expect(await pools.resolveInPool(pool.id, 'media/photos')).toBe(path.join(dir, 'media/photos'));
    expect(await pools.resolveInPool(pool.id, path.join(dir, 'media'))).toBe(path.join(dir, 'media'));
    expect(await pools.resolveInPool(pool.id, 'inside-link/photos')).toBe(path.join(dir, 'media/photos'));
    expect(await pools.resolveInPool(pool.id, 'media/new/deeper', { mustExist: false })).toBe(path.join(dir, 'media/new/deeper'));
    const refusals: Array<[string, RegExp]> = [
      ['../outer', /\.\./],
      ['media/../../etc', /\.\./],
      ['/etc/samba', /not inside pool/],
      ['escape/passwd', /out of pool/],
      ['escape', /out of pool/],
      ['media/missing', /does not exist/],
      ['a\u0000b', /NUL/],
    ];
    for (const [input, message] of refusals) {
      await expect(pools.resolveInPool(pool.id, input)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', fieldErrors: [{ field: 'path', message: expect.stringMatching(message) }] });
    }
    await expect(pools.resolveInPool('00000000-0000-4000-8000-000000000000', 'x')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses to remove a pool with datasets or registered dependants (409 listing them), then removes it', async () => {
    const dir = path.join(root, 'busy');
    await fs.mkdir(dir);
    const pool = await register(dir);
    const ds = await app.api<Dataset>('POST', '/api/storage/datasets', { poolId: pool.id, name: 'shared' });
    expect(ds.status).toBe(201);
    const unregister = app.app.get(PoolDependents).register('test-shares', (t) => (t.kind === 'pool' && t.id === pool.id ? [{ kind: 'smb-share', id: 'share-1', name: 'media', path: `${t.path}/shared` }] : []));
    const refused = await app.api<ErrorResponse>('DELETE', `/api/storage/pools/${pool.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.details?.['dependants']).toEqual([
      { kind: 'dataset', id: ds.body.id, name: 'shared', path: path.join(dir, 'shared') },
      { kind: 'smb-share', id: 'share-1', name: 'media', path: path.join(dir, 'shared') },
    ]);
    unregister();
    const del = await app.api<{ id: string }>('DELETE', `/api/storage/datasets/${ds.body.id}?keepData=true`);
    expect(del.status).toBe(202);
    expect((await app.job(del.body.id)).state).toBe('succeeded');
    expect((await app.api('DELETE', `/api/storage/pools/${pool.id}`)).status).toBe(204);
    expect((await app.api('GET', `/api/storage/pools/${pool.id}`)).status).toBe(404);
    // Unregistering keeps the data.
    expect(await fs.readdir(dir)).toEqual(['shared']);
  });

  it('marks a pool whose directory vanished as degraded, announces it, and keeps serving', async () => {
    const dir = path.join(root, 'vanishing');
    await fs.mkdir(dir);
    const steadyDir = path.join(root, 'steady');
    await fs.mkdir(steadyDir);
    await register(steadyDir);
    const pool = await register(dir);
    events.length = 0;
    await fs.rm(dir, { recursive: true });
    await app.app.get(PoolMonitorService).refreshAll();
    const res = await app.api<Pool>('GET', `/api/storage/pools/${pool.id}`);
    expect(res.status).toBe(200);
    expect(res.body.health).toMatchObject({ status: 'degraded', mounted: false, problems: [expect.stringMatching(/does not exist/)] });
    expect(res.body.space).toBeNull();
    await settled();
    expect(events.filter((e) => e.type === 'pool.degraded').map((e) => e.data)).toEqual([expect.objectContaining({ poolId: pool.id, problems: res.body.health.problems })]);
    // Nothing is written to a degraded pool: a dataset there is a 503, not a directory on the wrong disk.
    const ds = await app.api<ErrorResponse>('POST', '/api/storage/datasets', { poolId: pool.id, name: 'nope' });
    expect(ds.status).toBe(503);
    expect(await fs.stat(dir).catch(() => null)).toBeNull();
    // The system views see it too: the detailed health check and the metrics name the pool.
    await app.app.get(MetricsCollector).collectNow();
    const degraded = await app.request<{ checks: { storage: { status: string; pools: number; degraded: number; message?: string } } }>({ url: '/api/system/health/detailed', token: app.token });
    expect(degraded.body.checks.storage).toMatchObject({ status: 'degraded', degraded: 1, message: expect.stringContaining(pool.name) });
    expect(degraded.body.checks.storage.pools).toBeGreaterThanOrEqual(2);
    const exposition = await app.request<string>({ url: '/metrics', token: app.token });
    expect(exposition.text).toContain(`moxnas_pool_healthy{pool="${pool.name}"} 0`);
    // A second pass does not repeat the event; the pool coming back announces recovery.
    await app.app.get(PoolMonitorService).refreshAll();
    await settled();
    expect(events.filter((e) => e.type === 'pool.degraded')).toHaveLength(1);
    await fs.mkdir(dir);
    await app.app.get(PoolMonitorService).refreshAll();
    expect((await app.api<Pool>('GET', `/api/storage/pools/${pool.id}`)).body.health.status).toBe('online');
    await settled();
    expect(events.some((e) => e.type === 'pool.recovered')).toBe(true);
    await app.app.get(MetricsCollector).collectNow();
    const health = await app.request<{ checks: { storage: { status: string; pools: number } } }>({ url: '/api/system/health/detailed', token: app.token });
    expect(health.body.checks.storage).toMatchObject({ status: 'healthy' });
    expect((await app.request<string>({ url: '/metrics', token: app.token })).text).toContain(`moxnas_pool_healthy{pool="${pool.name}"} 1`);
  });

  itOnHost('detects an unmounted pool (the mount point left behind on the root disk) as degraded', MOUNTS ? [] : ['mounting tmpfs (root with CAP_SYS_ADMIN)'], async () => {
    const mnt = path.join(root, 'tmpfs-pool');
    await fs.mkdir(mnt);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mnt]);
    try {
      const pool = await register(mnt);
      expect(pool).toMatchObject({ mountPoint: mnt, fsType: 'tmpfs', health: { status: 'online' } });
      const candidates = await app.api<PoolCandidate[]>('GET', '/api/storage/pools/candidates');
      expect(candidates.body.find((c) => c.mountPoint === mnt)).toMatchObject({ fsType: 'tmpfs', volatile: true, poolId: pool.id });
      events.length = 0;
      await unmount(mnt);
      const refreshed = await app.api<Pool>('POST', `/api/storage/pools/${pool.id}/refresh`);
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.health).toMatchObject({ status: 'degraded', mounted: false, problems: [expect.stringMatching(/not on its file system.*mount is missing/)] });
      await settled();
      expect(events.filter((e) => e.type === 'pool.degraded')).toHaveLength(1);
      const ds = await app.api<ErrorResponse>('POST', '/api/storage/datasets', { poolId: pool.id, name: 'lost' });
      expect(ds.status).toBe(503);
      expect(await fs.readdir(mnt)).toEqual([]);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mnt]);
      const back = await app.api<Pool>('POST', `/api/storage/pools/${pool.id}/refresh`);
      expect(back.body.health.status).toBe('online');
    } finally {
      // Only when still mounted: a failed umount here would hide the assertion that failed above.
      if (execFileSync('findmnt', ['-rn', '-o', 'TARGET'], { encoding: 'utf8' }).split('\n').includes(mnt)) await unmount(mnt);
    }
  });
});
