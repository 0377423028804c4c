import path from 'node:path';
import type { PoolCreate } from '@moxnas/contracts';
import type { CommandRunner, FileStat, PoolCapabilities, RunResult, StatFs, StorageFs } from '@moxnas/host';
import type { AppConfig } from '../../../core/config/config';
import { DomainError } from '../../../core/errors/domain-error';
import type { AppEvent, EventsService } from '../../system/events/events.service';
import type { AuditContext } from '../../users/audit/audit-context';
import type { DatasetsRepository } from '../datasets/datasets.repository';
import type { DatasetEntity } from '../entities/dataset.entity';
import type { PoolEntity } from '../entities/pool.entity';
import type { StorageHost } from '../storage-host';
import { PoolDependents } from './pool-dependents';
import type { NewPool, PoolCheck, PoolsRepository } from './pools.repository';
import { PoolsService } from './pools.service';

/** Pool rows in memory, with the repository's public methods. */
class FakePools implements Pick<PoolsRepository, keyof PoolsRepository> {
  rows: PoolEntity[] = [];
  readonly checks: string[] = [];
  async list() {
    return [...this.rows].sort((a, b) => a.name.localeCompare(b.name));
  }
  async findById(id: string) {
    return this.rows.find((r) => r.id === id) ?? null;
  }
  async nameTaken(name: string) {
    return this.rows.some((r) => r.name === name);
  }
  async add(row: NewPool) {
    const full = { id: `p${this.rows.length + 1}`, createdAt: new Date(0), updatedAt: new Date(0), ...row };
    this.rows.push(full);
    return full;
  }
  async save(row: PoolEntity) {
    this.rows = this.rows.map((r) => (r.id === row.id ? { ...row } : r));
  }
  async recordCheck(id: string, check: PoolCheck) {
    this.checks.push(id);
    Object.assign(this.rows.find((r) => r.id === id) ?? {}, check);
  }
  async remove(id: string) {
    this.rows = this.rows.filter((r) => r.id !== id);
  }
}

type FakeNode = { type: 'directory' | 'file'; } | { type: 'symlink'; target: string };

const MOUNTINFO = [
  '20 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
  '21 20 8:2 / /srv rw,relatime shared:2 - ext4 /dev/sdb1 rw',
  '22 20 8:3 / /ro ro,relatime shared:3 - ext4 /dev/sdc1 ro',
  '23 20 0:4 / /proc rw,nosuid - proc proc rw',
  '24 20 0:5 / /mnt/ov rw,relatime - overlay overlay rw',
].join('\n');

/** Directories, files and symlinks by absolute path; realpath follows symlinks component by component. */
class FakeFs implements Pick<StorageFs, 'readFile' | 'realpath' | 'lstat' | 'stat' | 'statfs' | 'writeFileAtomic' | 'rm'> {
  readonly nodes = new Map<string, FakeNode>();
  usedBytes = 40;
  constructor(dirs: string[]) {
    for (const d of ['/', ...dirs]) this.nodes.set(d, { type: 'directory' });
  }
  async readFile(file: string) {
    return file === '/proc/self/mountinfo' ? MOUNTINFO : null;
  }
  async realpath(p: string): Promise<string> {
    let done = '/';
    const rest = p.split('/').filter(Boolean);
    for (let hops = 0; rest.length; ) {
      const next = path.posix.join(done, rest.shift() as string);
      const node = this.nodes.get(next);
      if (!node) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
      if (node.type === 'symlink') {
        if (++hops > 40) throw Object.assign(new Error(`ELOOP: ${p}`), { code: 'ELOOP' });
        rest.unshift(...node.target.split('/').filter(Boolean));
        done = '/';
      } else done = next;
    }
    return done;
  }
  async lstat(p: string): Promise<FileStat | null> {
    const node = this.nodes.get(p);
    return node ? { type: node.type, size: 0, mode: 0o755, uid: 0, gid: 0, ino: 1, dev: 1, nlink: 1, mtimeMs: 0 } : null;
  }
  async stat(p: string): Promise<FileStat | null> {
    return this.lstat(await this.realpath(p).catch(() => ''));
  }
  async statfs(): Promise<StatFs> {
    return { type: 'ext4', blockSize: 4096, totalBytes: 100, freeBytes: 100 - this.usedBytes, availableBytes: 100 - this.usedBytes, totalInodes: 10, freeInodes: 5 };
  }
  async writeFileAtomic(file: string) {
    this.nodes.set(file, { type: 'file' });
    return true;
  }
  async rm(file: string) {
    this.nodes.delete(file);
  }
}

/** Records commands (the capability probe is not reached in these tests). */
class RecordingRunner implements CommandRunner {
  readonly calls: string[] = [];
  async run(command: string): Promise<RunResult> {
    this.calls.push(command);
    return { code: 0, stdout: '', stderr: '' };
  }
  async has(command: string) {
    this.calls.push(`has ${command}`);
    return false;
  }
}

const no = { available: false, probed: true, reason: 'no', fix: null };
const caps = { posixAcl: no, userXattr: no, securityXattr: no, hardLinks: no, reflink: no, zfsSnapshots: no, btrfsSnapshots: no, hardQuota: { ...no, kind: null } } as PoolCapabilities;
const onlineHealth = { status: 'online' as const, mounted: true, writable: true, readOnly: false, problems: [], checkedAt: null };

function setup() {
  const fs = new FakeFs(['/srv', '/srv/tank', '/srv/tank/docs', '/srv/new', '/var', '/var/moxnas', '/ro', '/ro/data', '/proc', '/mnt', '/mnt/ov', '/etc', '/outside']);
  fs.nodes.set('/srv/plain.txt', { type: 'file' });
  const repo = new FakePools();
  const tank = repo.rows[0] = {
    id: 'p1', name: 'tank', description: null, path: '/srv/tank', mountPoint: '/srv', fsType: 'ext4', source: '/dev/sdb1', warningPercent: 80, criticalPercent: 90,
    snapshotDriver: 'copy', capabilities: caps, health: onlineHealth, space: null, usageLevel: 'ok', refreshedAt: null, createdAt: new Date(0), updatedAt: new Date(0),
  };
  const datasets: DatasetEntity[] = [];
  const datasetsRepo: Pick<DatasetsRepository, 'list' | 'countByPool'> = {
    list: async (poolId) => datasets.filter((d) => !poolId || d.poolId === poolId),
    countByPool: async () => new Map([['p1', datasets.length]]),
  };
  const events: AppEvent[] = [];
  const runner = new RecordingRunner();
  const host = { fs, runner, mountinfo: '/proc/self/mountinfo', root: true } as unknown as StorageHost;
  const service = new PoolsService(
    repo as unknown as PoolsRepository,
    datasetsRepo as DatasetsRepository,
    host,
    { now: () => new Date('2024-06-01T00:00:00Z') },
    { dataDir: '/var/moxnas', etcRoot: '/' } as AppConfig,
    new PoolDependents(),
    { publish: (e: AppEvent) => void events.push(e) } as EventsService,
    { describe: () => undefined } as Pick<AuditContext, 'describe'> as AuditContext,
  );
  return { fs, repo, tank, datasets, events, runner, service };
}

/** The DomainError a call is refused with; a call that succeeds fails the test. */
const refusal = (call: Promise<unknown>): Promise<DomainError> =>
  call.then(
    () => Promise.reject(new Error('expected a refusal')),
    (e: DomainError) => e,
  );

const body = (over: Partial<PoolCreate>): PoolCreate => ({ name: 'new', description: null, path: '/srv/new', warningPercent: 80, criticalPercent: 90, ...over });

describe('PoolsService decisions', () => {
  it.each([
    ['a missing path', '/srv/nothing', '/srv/nothing does not exist'],
    ['a file', '/srv/plain.txt', '/srv/plain.txt is not a directory'],
    ['a system directory', '/etc', '/etc is a system directory; use a mount point or a directory such as /srv/data or /mnt/tank'],
    ["MoxNAS's own data directory", '/var/moxnas', "/var/moxnas overlaps MoxNAS's own directory /var/moxnas"],
    ["a directory holding MoxNAS's data directory", '/var', "/var overlaps MoxNAS's own directory /var/moxnas"],
    ['a read-only mount', '/ro/data', '/ro is mounted read-only'],
    ['a pseudo file system', '/mnt/ov', '/mnt/ov is on a overlay file system (/mnt/ov), which cannot hold NAS data'],
  ])('create refuses %s with a 422 on path, before probing or storing anything', async (_what, given, message) => {
    const { repo, runner, service } = setup();
    expect((await refusal(service.create(body({ path: given })))).fieldErrors).toEqual([{ field: 'path', message }]);
    expect([repo.rows.length, runner.calls]).toEqual([1, []]);
  });

  it('create refuses a taken name and a path inside (or around) another pool with 409, before probing', async () => {
    const { repo, runner, service } = setup();
    await expect(service.create(body({ name: 'tank' }))).rejects.toMatchObject({ code: 'CONFLICT', message: 'A pool named tank exists.' });
    await expect(service.create(body({ path: '/srv/tank/docs' }))).rejects.toMatchObject({ code: 'CONFLICT', message: '/srv/tank/docs overlaps pool tank (/srv/tank); pools cannot be nested.' });
    await expect(service.create(body({ path: '/srv' }))).rejects.toMatchObject({ code: 'CONFLICT', message: '/srv overlaps pool tank (/srv/tank); pools cannot be nested.' });
    expect([repo.rows.length, runner.calls]).toEqual([1, []]);
  });

  it('update keeps warning below critical (422 on the field given) and a name unique (409), changing nothing', async () => {
    const { repo, service } = setup();
    await repo.add({ ...repo.rows[0], name: 'other', path: '/srv/other' } as NewPool);
    expect((await refusal(service.update('p1', { warningPercent: 95 }))).fieldErrors).toEqual([{ field: 'warningPercent', message: 'warningPercent (95) must be below criticalPercent (90)' }]);
    expect((await refusal(service.update('p1', { criticalPercent: 70 }))).fieldErrors).toEqual([{ field: 'criticalPercent', message: 'warningPercent (80) must be below criticalPercent (70)' }]);
    await expect(service.update('p1', { name: 'other' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(repo.rows[0]).toMatchObject({ name: 'tank', warningPercent: 80, criticalPercent: 90 });
    expect(await service.update('p1', { name: 'tank2', warningPercent: 70 })).toMatchObject({ name: 'tank2', thresholds: { warningPercent: 70, criticalPercent: 90 } });
  });

  it('remove is refused while the pool has datasets, and unregisters it (data left) when it has none', async () => {
    const { repo, datasets, service } = setup();
    datasets.push({ id: 'd1', poolId: 'p1', relativePath: 'docs' } as DatasetEntity);
    expect(await refusal(service.remove('p1'))).toMatchObject({ code: 'CONFLICT', message: 'Pool tank is in use: dataset docs.', details: { dependants: [{ kind: 'dataset', id: 'd1', name: 'docs', path: '/srv/tank/docs' }] } });
    expect(repo.rows).toHaveLength(1);
    datasets.length = 0;
    await service.remove('p1');
    expect(repo.rows).toEqual([]);
  });

  it('a check announces a pool that went degraded, and a usage level that crossed a threshold', async () => {
    const { fs, repo, tank, events, service } = setup();
    fs.usedBytes = 85;
    await service.refreshOne(tank, { capabilities: false, announce: false });
    expect(events.map((e) => [e.type, (e.data as { level?: string }).level])).toEqual([['pool.usage', 'warning']]);
    expect(repo.rows[0]).toMatchObject({ usageLevel: 'warning', space: { usedRatio: 0.85 } });

    await service.refreshOne(tank, { capabilities: false, announce: false });
    expect(events).toHaveLength(1); // no change, no event

    fs.nodes.delete('/srv/tank');
    await service.refreshOne(tank, { capabilities: false, announce: false });
    expect(events.slice(1).map((e) => [e.type, (e.data as { severity?: string }).severity])).toEqual([['pool.degraded', 'critical']]);
    expect(repo.rows[0]?.health).toMatchObject({ status: 'degraded', problems: ['/srv/tank does not exist (the mount or directory is missing)'] });
    await service.refreshOne(tank, { capabilities: false, announce: true });
    expect(events.map((e) => e.type)).toEqual(['pool.usage', 'pool.degraded', 'pool.degraded']); // after a restart it is said again
  });

  it('assertOnline checks live: a pool whose directory is gone is a 503, and its stored health follows', async () => {
    const { fs, repo, tank, service } = setup();
    await expect(service.assertOnline(tank)).resolves.toBeUndefined();
    expect(repo.checks).toEqual([]);
    fs.nodes.delete('/srv/tank');
    await expect(service.assertOnline(tank)).rejects.toMatchObject({ code: 'UNAVAILABLE', details: { poolId: 'p1' } });
    expect([repo.checks, repo.rows[0]?.health.status]).toEqual([['p1'], 'degraded']);
  });

  it('resolveInPool keeps every path inside the pool, symlinks included', async () => {
    const { fs, service } = setup();
    fs.nodes.set('/srv/tank/out', { type: 'symlink', target: '/outside' });
    fs.nodes.set('/srv/tank/in', { type: 'symlink', target: '/srv/tank/docs' });
    fs.nodes.set('/srv/tank/dangling', { type: 'symlink', target: '/srv/tank/gone' });
    const problem = (p: string, options?: { mustExist?: boolean }) => service.resolveInPool('p1', p, options).then(() => null, (e: DomainError) => e.fieldErrors?.[0]?.message);
    expect(await problem('../etc')).toBe('must not contain . or .. components');
    expect(await problem('/srv/tank/../x')).toBe('must not contain . or .. components');
    expect(await problem('/srv/other/x')).toBe('/srv/other/x is not inside pool tank (/srv/tank)');
    expect(await problem('out/x', { mustExist: false })).toBe('out/x leads out of pool tank through a symbolic link');
    expect(await problem('dangling/x', { mustExist: false })).toBe('dangling is a dangling symbolic link');
    expect(await problem('docs/new')).toBe('docs/new does not exist in pool tank');
    expect(await service.resolveInPool('p1', 'in')).toBe('/srv/tank/docs');
    expect(await service.resolveInPool('p1', '/srv/tank/docs/')).toBe('/srv/tank/docs');
    expect(await service.resolveInPool('p1', 'in/new/deeper', { mustExist: false })).toBe('/srv/tank/docs/new/deeper');
    await expect(service.resolveInPool('nope', 'x')).rejects.toMatchObject({ code: DomainError.notFound('Pool').code });
  });
});
