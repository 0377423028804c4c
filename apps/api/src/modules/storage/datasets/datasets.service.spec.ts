import type { Job } from '@moxnas/contracts';
import type { CommandRunner, FileStat, PoolCapabilities, RunOptions, RunResult, StorageFs, UsageResult } from '@moxnas/host';
import { DomainError } from '../../../core/errors/domain-error';
import type { JobsService } from '../../system/jobs/jobs.service';
import type { AuditContext } from '../../users/audit/audit-context';
import { DatasetLocks } from '../dataset-locks';
import type { DatasetEntity } from '../entities/dataset.entity';
import type { PoolEntity } from '../entities/pool.entity';
import { PoolDependents } from '../pools/pool-dependents';
import type { PoolsService } from '../pools/pools.service';
import type { StorageHost } from '../storage-host';
import type { AccountNames } from './account-names';
import type { DatasetMeasureService } from './dataset-measure.service';
import type { DatasetContext } from './dataset-plan';
import type { DatasetsRepository, NewDataset } from './datasets.repository';
import { DatasetsService } from './datasets.service';

/** Dataset rows in memory, with the repository's public methods. */
class FakeDatasets implements Pick<DatasetsRepository, keyof DatasetsRepository> {
  rows: DatasetEntity[] = [];
  private seq = 0;

  seed(row: Partial<DatasetEntity> & Pick<DatasetEntity, 'relativePath'>): DatasetEntity {
    const name = row.relativePath.split('/').pop() as string;
    const full: DatasetEntity = {
      id: `d${++this.seq}`, poolId: 'p1', parentId: null, name, backend: 'directory', zfsName: null, snapshotDriver: 'copy', uid: 0, gid: 0, mode: 0o755, acl: [],
      quotaBytes: null, quotaKind: null, hardQuotaKind: null, projectId: null, quotaExceeded: false, usedBytes: null, usedBytesAt: null, usedComplete: false, comment: null,
      createdAt: new Date(0), updatedAt: new Date(0), ...row,
    };
    this.rows.push(full);
    return full;
  }
  async list(poolId?: string) {
    return this.rows.filter((r) => !poolId || r.poolId === poolId);
  }
  async findById(id: string) {
    return this.rows.find((r) => r.id === id) ?? null;
  }
  async existsAt(poolId: string, relativePath: string) {
    return this.rows.some((r) => r.poolId === poolId && r.relativePath === relativePath);
  }
  async descendants(d: Pick<DatasetEntity, 'poolId' | 'relativePath'>) {
    return this.rows.filter((r) => r.poolId === d.poolId && r.relativePath.startsWith(`${d.relativePath}/`));
  }
  async countByPool() {
    const counts = new Map<string, number>();
    for (const r of this.rows) counts.set(r.poolId, (counts.get(r.poolId) ?? 0) + 1);
    return counts;
  }
  async maxProjectId() {
    const ids = this.rows.map((r) => r.projectId).filter((id): id is number => id !== null);
    return ids.length ? Math.max(...ids) : null;
  }
  async add(row: NewDataset) {
    return this.seed(row);
  }
  async save(row: DatasetEntity) {
    this.rows = this.rows.map((r) => (r.id === row.id ? { ...row } : r));
  }
  async patch(id: string, changes: Partial<DatasetEntity>) {
    Object.assign(this.rows.find((r) => r.id === id) ?? {}, changes);
  }
  async remove(id: string) {
    this.rows = this.rows.filter((r) => r.id !== id);
  }
}

type FakeNode = { type: 'directory' | 'file' | 'symlink'; uid: number; gid: number; mode: number; target?: string };

/** The part of StorageFs that creating and changing a dataset uses; `changes` lists every write. */
class FakeFs implements Pick<StorageFs, 'readFile' | 'realpath' | 'lstat' | 'mkdirExclusive' | 'chown' | 'chmod'> {
  readonly nodes = new Map<string, FakeNode>([['/srv/tank', { type: 'directory', uid: 0, gid: 0, mode: 0o755 }]]);
  readonly changes: string[] = [];
  async readFile(file: string) {
    return file === '/proc/self/mountinfo' ? '29 1 8:1 / /srv rw,relatime shared:1 - ext4 /dev/sda1 rw\n' : null;
  }
  async realpath(p: string) {
    const node = this.nodes.get(p);
    if (!node) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
    return node.target ?? p;
  }
  async lstat(p: string): Promise<FileStat | null> {
    const node = this.nodes.get(p);
    return node ? { type: node.type, size: 0, mode: node.mode, uid: node.uid, gid: node.gid, ino: 1, dev: 1, nlink: 1, mtimeMs: 0 } : null;
  }
  async mkdirExclusive(p: string, mode: number) {
    this.changes.push(`mkdir ${p} ${mode.toString(8)}`);
    this.nodes.set(p, { type: 'directory', uid: 0, gid: 0, mode });
  }
  async chown(p: string, uid: number, gid: number) {
    this.changes.push(`chown ${p} ${uid}:${gid}`);
    Object.assign(this.nodes.get(p) ?? {}, { uid, gid });
  }
  async chmod(p: string, mode: number) {
    this.changes.push(`chmod ${p} ${mode.toString(8)}`);
    Object.assign(this.nodes.get(p) ?? {}, { mode });
  }
}

/** Records every command; each succeeds with no output. */
class RecordingRunner implements CommandRunner {
  readonly calls: string[][] = [];
  async run(command: string, args: readonly string[], _options?: RunOptions): Promise<RunResult> {
    this.calls.push([command, ...args]);
    return { code: 0, stdout: '', stderr: '' };
  }
  async has() {
    return true;
  }
}

/** Answers usedForQuota with `usedBytes`; records what was measured and when. */
class FakeMeasurer implements Pick<DatasetMeasureService, 'usedForQuota' | 'measureNow' | 'measureQuietly'> {
  usedBytes = 0;
  readonly asked: string[] = [];
  readonly quietly: DatasetContext[] = [];
  async usedForQuota(ctx: DatasetContext | { path: string; exclude: string[] }) {
    this.asked.push(ctx.path);
    return { bytes: this.usedBytes, complete: true, at: new Date('2024-06-01T00:00:00Z') };
  }
  async measureNow(): Promise<UsageResult> {
    throw new Error('not measured in these tests');
  }
  async measureQuietly(ctx: DatasetContext) {
    this.quietly.push(ctx);
  }
}

const capability = (available: boolean) => ({ available, probed: true, reason: available ? 'works' : 'not supported here', fix: null });
function capabilities(acl: boolean, hardQuota: PoolCapabilities['hardQuota']['kind'] = null): PoolCapabilities {
  const no = capability(false);
  return { posixAcl: capability(acl), userXattr: no, securityXattr: no, hardLinks: capability(true), reflink: no, zfsSnapshots: no, btrfsSnapshots: no, hardQuota: { ...capability(hardQuota !== null), kind: hardQuota } };
}

function setup(options: { acl?: boolean; hardQuota?: PoolCapabilities['hardQuota']['kind'] } = {}) {
  const pool = { id: 'p1', name: 'tank', path: '/srv/tank', mountPoint: '/srv', snapshotDriver: 'copy', capabilities: capabilities(options.acl ?? true, options.hardQuota ?? null) } as PoolEntity;
  const other = { ...pool, id: 'p2', name: 'other', path: '/srv/other' } as PoolEntity;
  const repo = new FakeDatasets();
  const fs = new FakeFs();
  const runner = new RecordingRunner();
  const measurer = new FakeMeasurer();
  const dependents = new PoolDependents();
  const online: string[] = [];
  const started: string[] = [];
  const pools: Pick<PoolsService, 'entity' | 'all' | 'assertOnline'> = {
    entity: async (id) => [pool, other].find((p) => p.id === id) ?? Promise.reject(DomainError.notFound('Pool')),
    all: async () => [pool, other],
    assertOnline: async (p) => void online.push(p.id),
  };
  const jobs: Pick<JobsService, 'start'> = {
    start: async (type) => {
      started.push(type);
      return { job: { id: 'j1', type } as Job, done: new Promise<Job>(() => undefined) };
    },
  };
  const names: Pick<AccountNames, 'user' | 'group'> = { user: async (id) => (id === 0 ? 'root' : null), group: async (id) => (id === 0 ? 'root' : null) };
  const identities = {
    user: async (name: string | number) => (name === 'alice' ? { name: 'alice', uid: 1000 } : null),
    group: async (name: string | number) => (name === 'staff' ? { name: 'staff', gid: 50 } : null),
  };
  const shadow = { snapdir: '.snapshots', format: '%Y' };
  const host = { fs, runner, identities, mountinfo: '/proc/self/mountinfo', drivers: { copy: { shadow }, zfs: { shadow }, btrfs: { shadow } } } as unknown as StorageHost;
  const audit: Pick<AuditContext, 'describe'> = { describe: () => undefined };
  const service = new DatasetsService(
    repo as unknown as DatasetsRepository,
    measurer as unknown as DatasetMeasureService,
    pools as PoolsService,
    dependents,
    jobs as JobsService,
    new DatasetLocks(),
    names as AccountNames,
    host,
    audit as AuditContext,
  );
  return { pool, repo, fs, runner, measurer, dependents, online, started, service };
}

const create = (over: Record<string, unknown> = {}) => ({ poolId: 'p1', parentId: null, name: 'media', acl: [], quotaBytes: null, comment: null, ...over }) as Parameters<DatasetsService['create']>[0];

describe('DatasetsService decisions', () => {
  it('create collects a message per field (unknown owner, group, ACL user; ACLs the pool cannot hold) and writes nothing', async () => {
    const { repo, fs, runner, service } = setup({ acl: false });
    const err = await service.create(create({ owner: 'mallory', group: 'nobody-here', acl: [{ tag: 'user', qualifier: 'eve', perms: 'rwx', default: false }, { tag: 'mask', qualifier: null, perms: 'r-x', default: false }] })).catch((e: DomainError) => e);
    expect(err).toMatchObject({ code: DomainError.validation([]).code });
    expect((err as DomainError).fieldErrors).toEqual([
      { field: 'owner', message: 'no user named mallory on this host' },
      { field: 'group', message: 'no group named nobody-here on this host' },
      { field: 'acl.0.qualifier', message: 'no user named eve on this host' },
      { field: 'acl', message: 'POSIX ACLs are not available on pool tank: not supported here' },
    ]);
    expect([repo.rows, fs.changes, runner.calls]).toEqual([[], [], []]);
  });

  it('create refuses a parent of another pool, and an ACL entry given twice', async () => {
    const { repo, service } = setup();
    const parent = repo.seed({ relativePath: 'media', poolId: 'p2' });
    const twice = [{ tag: 'group', qualifier: 'staff', perms: 'r-x', default: false }, { tag: 'group', qualifier: 50, perms: 'rwx', default: false }];
    const err = await service.create(create({ parentId: parent.id, name: 'photos', acl: twice })).catch((e: DomainError) => e);
    expect((err as DomainError).fieldErrors).toEqual([
      { field: 'parentId', message: 'is a dataset of another pool' },
      { field: 'acl.1', message: 'duplicates an earlier group entry' },
    ]);
  });

  it('create refuses a path that already is a dataset (409) before it checks the pool is online or touches the disk', async () => {
    const { repo, fs, online, service } = setup();
    repo.seed({ relativePath: 'media' });
    await expect(service.create(create())).rejects.toMatchObject({ code: DomainError.conflict('x').code, message: 'Dataset media exists in pool tank.' });
    expect([online, fs.changes, repo.rows.length]).toEqual([[], [], 1]);
  });

  it('create refuses to build through a parent that is now a symlink elsewhere', async () => {
    const { repo, fs, service } = setup();
    const parent = repo.seed({ relativePath: 'media' });
    fs.nodes.set('/srv/tank/media', { type: 'symlink', uid: 0, gid: 0, mode: 0o777, target: '/etc' });
    await expect(service.create(create({ parentId: parent.id, name: 'photos' }))).rejects.toMatchObject({ code: DomainError.conflict('x').code, message: expect.stringContaining('now a link to /etc') });
    expect(fs.changes).toEqual([]);
  });

  it('a new dataset is made root-owned 0755 and is not measured; an adopted directory keeps its owner and mode and is measured in the background', async () => {
    const { repo, fs, measurer, service } = setup();
    const made = await service.create(create());
    expect(fs.changes).toEqual(['mkdir /srv/tank/media 755', 'chown /srv/tank/media 0:0', 'chmod /srv/tank/media 755']);
    expect(made).toMatchObject({ path: '/srv/tank/media', backend: 'directory', snapshotDriver: 'copy', owner: { uid: 0, name: 'root' }, mode: '0755' });
    expect(measurer.quietly).toEqual([]);

    fs.nodes.set('/srv/tank/old', { type: 'directory', uid: 1000, gid: 50, mode: 0o2770 });
    fs.changes.length = 0;
    const adopted = await service.create(create({ name: 'old' }));
    expect(fs.changes).toEqual([]);
    expect(adopted).toMatchObject({ owner: { uid: 1000 }, group: { gid: 50 }, mode: '02770' });
    expect(measurer.quietly.map((c) => [c.dataset.id, c.path])).toEqual([[adopted.id, '/srv/tank/old']]);
    expect(repo.rows.map((r) => r.relativePath)).toEqual(['media', 'old']);
  });

  it('a quota on an adopted directory is measured first and refused below what it holds, with nothing written', async () => {
    const { repo, fs, measurer, service } = setup();
    fs.nodes.set('/srv/tank/old', { type: 'directory', uid: 1000, gid: 50, mode: 0o755 });
    measurer.usedBytes = 5_000;
    const err = await service.create(create({ name: 'old', quotaBytes: 4_096 })).catch((e: DomainError) => e);
    expect((err as DomainError).fieldErrors).toEqual([{ field: 'quotaBytes', message: 'must be at least the 5000 bytes /srv/tank/old already uses' }]);
    expect([measurer.asked, fs.changes, repo.rows]).toEqual([['/srv/tank/old'], [], []]);
  });

  it('update refuses a quota below the figure it has, naming when it was measured, and changes nothing', async () => {
    const { repo, fs, measurer, service } = setup();
    fs.nodes.set('/srv/tank/media', { type: 'directory', uid: 0, gid: 0, mode: 0o755 });
    const row = repo.seed({ relativePath: 'media' });
    measurer.usedBytes = 5_000;
    const err = await service.update(row.id, { quotaBytes: 100, mode: '0700' }).catch((e: DomainError) => e);
    expect((err as DomainError).fieldErrors).toEqual([{ field: 'quotaBytes', message: 'must be at least the 5000 bytes the dataset already uses (measured 2024-06-01T00:00:00.000Z)' }]);
    expect(fs.changes).toEqual([]);
    expect(repo.rows[0]).toMatchObject({ mode: 0o755, quotaBytes: null });
  });

  it('a hard XFS quota takes the next free project id (from 10000) and is set on the host; a soft one only in the row', async () => {
    const xfs = setup({ hardQuota: 'xfs-project' });
    xfs.fs.nodes.set('/srv/tank/a', { type: 'directory', uid: 0, gid: 0, mode: 0o755 });
    xfs.fs.nodes.set('/srv/tank/b', { type: 'directory', uid: 0, gid: 0, mode: 0o755 });
    const a = xfs.repo.seed({ relativePath: 'a' });
    const b = xfs.repo.seed({ relativePath: 'b' });
    expect(await xfs.service.update(a.id, { quotaBytes: 1 << 20 })).toMatchObject({ quotaKind: 'hard' });
    await xfs.service.update(b.id, { quotaBytes: 1 << 20 });
    expect(xfs.repo.rows.map((r) => [r.relativePath, r.hardQuotaKind, r.projectId])).toEqual([['a', 'xfs-project', 10_000], ['b', 'xfs-project', 10_001]]);
    expect(xfs.runner.calls.filter((c) => c[3]?.startsWith('limit'))).toEqual([['xfs_quota', '-x', '-c', 'limit -p bhard=1024k 10000', '/srv'], ['xfs_quota', '-x', '-c', 'limit -p bhard=1024k 10001', '/srv']]);

    const soft = setup();
    soft.fs.nodes.set('/srv/tank/a', { type: 'directory', uid: 0, gid: 0, mode: 0o755 });
    const row = soft.repo.seed({ relativePath: 'a' });
    expect(await soft.service.update(row.id, { quotaBytes: 1 << 20 })).toMatchObject({ quotaKind: 'soft' });
    expect([soft.runner.calls, soft.repo.rows[0]?.projectId]).toEqual([[], null]);
  });

  it('remove is refused while nested datasets or registered dependants use it, and no job starts', async () => {
    const { repo, dependents, started, service } = setup();
    const media = repo.seed({ relativePath: 'media' });
    repo.seed({ relativePath: 'media/photos' });
    repo.seed({ relativePath: 'mediaeval' });
    dependents.register('shares', (t) => (t.id === media.id ? [{ kind: 'smb-share', id: 's1', name: 'Media', path: t.path }] : []));
    const err = await service.remove(media.id, true, 'admin').catch((e: DomainError) => e);
    expect(err).toMatchObject({ code: DomainError.conflict('x').code, message: 'Dataset media is in use: dataset media/photos, smb-share Media.' });
    expect((err as DomainError).details?.['dependants']).toEqual([
      { kind: 'dataset', id: 'd2', name: 'media/photos', path: '/srv/tank/media/photos' },
      { kind: 'smb-share', id: 's1', name: 'Media', path: '/srv/tank/media' },
    ]);
    expect(started).toEqual([]);
  });

  it('remove with its data refuses a dataset whose directory is now a link elsewhere; keeping the data, it goes ahead as a job', async () => {
    const { repo, fs, started, service } = setup();
    const row = repo.seed({ relativePath: 'media' });
    fs.nodes.set('/srv/tank/media', { type: 'symlink', uid: 0, gid: 0, mode: 0o777, target: '/home' });
    await expect(service.remove(row.id, false, 'admin')).rejects.toMatchObject({ code: DomainError.conflict('x').code, details: { path: '/srv/tank/media', resolvesTo: '/home' } });
    expect(started).toEqual([]);
    expect(await service.remove(row.id, true, 'admin')).toMatchObject({ type: 'dataset.delete' });
    expect(started).toEqual(['dataset.delete']);
  });
});
