import type { SnapshotDriver, SnapshotInfo } from '@moxnas/host';
import type { DatabaseService } from '../../../core/database/database.service';
import { DomainError } from '../../../core/errors/domain-error';
import type { JobsService } from '../../system/jobs/jobs.service';
import type { AuditContext } from '../../users/audit/audit-context';
import { DatasetLocks } from '../dataset-locks';
import type { DatasetContext } from '../datasets/dataset-plan';
import type { DatasetsService } from '../datasets/datasets.service';
import type { DatasetEntity } from '../entities/dataset.entity';
import type { PoolEntity } from '../entities/pool.entity';
import type { SnapshotEntity } from '../entities/snapshot.entity';
import type { PoolInspection } from '../pools/pool-inspection';
import type { PoolsService } from '../pools/pools.service';
import type { StorageHost } from '../storage-host';
import { SnapshotModeCache } from './snapshot-modes';
import type { NewSnapshot, SnapshotListFilter, SnapshotStats, SnapshotsRepository } from './snapshots.repository';
import { SnapshotsService } from './snapshots.service';

/** Snapshot rows in memory, with the repository's public methods. */
class FakeSnapshots implements Pick<SnapshotsRepository, keyof SnapshotsRepository> {
  rows: SnapshotEntity[] = [];
  tasks = new Set<string>();
  private seq = 0;

  seed(row: Partial<SnapshotEntity> & Pick<SnapshotEntity, 'name'>): SnapshotEntity {
    const full: SnapshotEntity = { id: `s${++this.seq}`, datasetId: 'd1', driver: 'copy', takenAt: new Date('2024-06-01T00:00:00Z'), taskId: null, state: 'ready', files: null, sizeBytes: null, newBytes: null, createdAt: new Date(0), ...row };
    this.rows.push(full);
    return full;
  }
  async page(q: SnapshotListFilter) {
    return { rows: this.rows.slice((q.page - 1) * q.pageSize, q.page * q.pageSize), total: this.rows.length };
  }
  async findById(id: string) {
    return this.rows.find((r) => r.id === id) ?? null;
  }
  async ofDataset(datasetId: string) {
    return this.rows.filter((r) => r.datasetId === datasetId);
  }
  async readyOfTask(taskId: string) {
    return this.rows.filter((r) => r.taskId === taskId && r.state === 'ready');
  }
  async latestReady(datasetId: string) {
    return this.rows.filter((r) => r.datasetId === datasetId && r.state === 'ready').sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime())[0] ?? null;
  }
  async taskIds() {
    return new Set(this.tasks);
  }
  async add(row: NewSnapshot) {
    return this.seed(row);
  }
  async addMany(rows: readonly NewSnapshot[]) {
    for (const row of rows) this.seed(row);
  }
  async markReady(id: string, stats: SnapshotStats) {
    Object.assign(this.rows.find((r) => r.id === id) ?? {}, { state: 'ready', ...stats });
  }
  async markDeleting(ids: readonly string[]) {
    for (const r of this.rows) if (ids.includes(r.id)) r.state = 'deleting';
  }
  async unmarkDeleting(ids: readonly string[]) {
    for (const r of this.rows) if (ids.includes(r.id) && r.state === 'deleting') r.state = 'ready';
  }
  async removeMany(ids: readonly string[]) {
    this.rows = this.rows.filter((r) => !ids.includes(r.id));
  }
  async resetInterrupted() {
    this.rows = this.rows.filter((r) => r.state !== 'creating');
    for (const r of this.rows) if (r.state === 'deleting') r.state = 'ready';
  }
}

/** A copy driver whose snapshots are the names in `onDisk`; deleting a name in `failOn` fails. */
class FakeDriver implements Pick<SnapshotDriver, 'kind' | 'list' | 'delete' | 'cleanup'> {
  readonly kind = 'copy' as const;
  onDisk: SnapshotInfo[] = [];
  failOn = new Set<string>();
  deleted: string[] = [];
  async list() {
    return this.onDisk;
  }
  async cleanup() {
    return [];
  }
  async delete(_target: unknown, name: string) {
    if (this.failOn.has(name)) throw new Error(`cannot remove ${name}`);
    this.deleted.push(name);
    this.onDisk = this.onDisk.filter((s) => s.name !== name);
  }
}

const pool = { id: 'p1', name: 'tank', path: '/srv/tank' } as PoolEntity;
const dataset = { id: 'd1', poolId: 'p1', relativePath: 'docs', snapshotDriver: 'copy', zfsName: null } as DatasetEntity;
const ctx: DatasetContext = { dataset, pool, path: '/srv/tank/docs' };
const health = (status: 'online' | 'degraded'): PoolInspection => ({ health: { status, mounted: true, writable: status === 'online', readOnly: false, problems: status === 'online' ? [] : ['not mounted'], checkedAt: null }, space: null, mount: null });

function setup(poolStatus: 'online' | 'degraded' = 'online') {
  const repo = new FakeSnapshots();
  const driver = new FakeDriver();
  const modes = new SnapshotModeCache();
  const datasets: Pick<DatasetsService, 'context' | 'all' | 'snapshotTarget'> = {
    context: async () => ctx,
    all: async () => [dataset],
    snapshotTarget: async () => ({ path: ctx.path }),
  };
  const pools: Pick<PoolsService, 'inspect' | 'assertOnline'> = { inspect: async () => health(poolStatus), assertOnline: async () => undefined };
  const host = { drivers: { copy: driver, btrfs: driver, zfs: driver } } as unknown as StorageHost;
  const service = new SnapshotsService(
    repo as unknown as SnapshotsRepository,
    modes,
    datasets as DatasetsService,
    pools as PoolsService,
    {} as JobsService,
    new DatasetLocks(),
    {} as DatabaseService,
    host,
    { now: () => new Date('2024-06-02T00:00:00Z') },
    {} as AuditContext,
  );
  return { repo, driver, modes, service };
}

describe('SnapshotsService decisions', () => {
  it('answers 404 for a snapshot that has no row', async () => {
    const { service } = setup();
    await expect(service.entity('nope')).rejects.toMatchObject({ code: DomainError.notFound('Snapshot').code });
  });

  it('deletes each snapshot on disk, then its row, and forgets its mode manifest', async () => {
    const { repo, driver, modes, service } = setup();
    const rows = [repo.seed({ name: 'a' }), repo.seed({ name: 'b' })];
    const forgotten: string[] = [];
    jest.spyOn(modes, 'forget').mockImplementation((id) => void forgotten.push(id));
    await service.destroy(rows, ctx);
    expect(driver.deleted.sort()).toEqual(['a', 'b']);
    expect(repo.rows).toEqual([]);
    expect(forgotten.sort()).toEqual(['s1', 's2']);
  });

  it('when a delete fails: keeps the rows of the snapshots not deleted, back to ready, and reports the failure', async () => {
    const { repo, driver, service } = setup();
    const rows = [repo.seed({ name: 'a' }), repo.seed({ name: 'b' })];
    driver.failOn.add('b');
    await expect(service.destroy(rows, ctx)).rejects.toThrow('cannot remove b');
    expect(repo.rows.map((r) => [r.name, r.state])).toEqual([['b', 'ready']]);
  });

  it('rescan adds snapshots found on disk (keeping only a live task id) and drops rows whose snapshot is gone, but not one being created', async () => {
    const { repo, driver, service } = setup();
    repo.tasks.add('t-live');
    repo.seed({ name: 'kept' });
    repo.seed({ name: 'gone' });
    repo.seed({ name: 'in-progress', state: 'creating' });
    const at = new Date('2024-05-01T00:00:00Z');
    driver.onDisk = [
      { name: 'kept', takenAt: at, meta: null },
      { name: 'found-live', takenAt: at, meta: { taskId: 't-live', stats: { files: 3, directories: 1, symlinks: 0, bytes: 30, newBytes: 10, linkedFiles: 0, copiedFiles: 3, skipped: 0 } } },
      { name: 'found-stale', takenAt: at, meta: { taskId: 't-deleted', stats: null } },
    ];
    expect(await service.rescan(null)).toEqual({ added: 2, removed: 1, cleaned: [] });
    expect(repo.rows.map((r) => [r.name, r.state, r.taskId, r.files])).toEqual([
      ['kept', 'ready', null, null],
      ['in-progress', 'creating', null, null],
      ['found-live', 'ready', 't-live', 3],
      ['found-stale', 'ready', null, null],
    ]);
  });

  it('rescan leaves the rows of a degraded pool alone, and refuses with 503 when that one dataset was asked for', async () => {
    const { repo, service } = setup('degraded');
    repo.seed({ name: 'kept' });
    expect(await service.rescan(null)).toEqual({ added: 0, removed: 0, cleaned: [] });
    expect(repo.rows).toHaveLength(1);
    await expect(service.rescan('d1')).rejects.toMatchObject({ code: DomainError.unavailable('x').code });
  });
});
