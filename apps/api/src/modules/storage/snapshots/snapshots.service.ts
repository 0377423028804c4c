import path from 'node:path';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Snapshot } from '@moxnas/contracts';
import { isWithin, Limiter, snapshotName, SnapshotError, type SnapshotDriver } from '@moxnas/host';
import { DatabaseService } from '../../../core/database/database.service';
import { isUniqueViolation } from '../../../core/database/unique-violation';
import { DomainError } from '../../../core/errors/domain-error';
import type { JobContext } from '../../system/jobs/jobs.service';
import { JobsService } from '../../system/jobs/jobs.service';
import { AuditContext } from '../../users/audit/audit-context';
import { DatasetLocks } from '../dataset-locks';
import type { DatasetContext } from '../datasets/dataset-plan';
import { DatasetsService } from '../datasets/datasets.service';
import type { SnapshotEntity } from '../entities/snapshot.entity';
import { PoolsService } from '../pools/pools.service';
import { STORAGE_CLOCK, STORAGE_HOST, type StorageClock, type StorageHost } from '../storage-host';
import { SnapshotModeCache } from './snapshot-modes';
import { SnapshotsRepository, type NewSnapshot, type SnapshotListFilter } from './snapshots.repository';

export type { SnapshotListFilter } from './snapshots.repository';

/**
 * shadow_copy2 options that show a dataset's snapshots as Windows "Previous Versions" on a share
 * whose path is the dataset or a directory in it; see docs/storage.md.
 */
export interface PreviousVersionsOptions {
  /** `shadow:mountpoint`: the dataset root. The snapshot trees mirror it, whatever the real mount point is. */
  mountpoint: string;
  /** `shadow:snapdir`, relative to the mountpoint: `.snapshots` (copy, btrfs) or `.zfs/snapshot`. */
  snapdir: string;
  /** `shadow:format`: `@GMT-%Y.%m.%d-%H.%M.%S` (`GMT-…` on ZFS). Always with `shadow:localtime = no`. */
  format: string;
  datasetId: string;
  driver: SnapshotDriver['kind'];
}

// Rows deleted while a bulk delete runs, so an interrupted prune leaves few stale rows.
const DELETE_BATCH = 500;
const DELETE_CONCURRENCY = 8;

/**
 * Snapshots of datasets through the dataset's driver (zfs, btrfs or copy). Long operations
 * (create, delete, restore) are jobs and run one at a time per dataset. The disk is the truth: a
 * rescan (at start, and on demand) adds snapshots found on disk and drops rows whose snapshot is gone.
 */
@Injectable()
export class SnapshotsService implements OnApplicationBootstrap {
  private readonly log = new Logger('storage');

  constructor(
    private readonly snapshots: SnapshotsRepository,
    private readonly modeCache: SnapshotModeCache,
    private readonly datasets: DatasetsService,
    private readonly pools: PoolsService,
    private readonly jobs: JobsService,
    private readonly locks: DatasetLocks,
    private readonly db: DatabaseService,
    @Inject(STORAGE_HOST) private readonly host: StorageHost,
    @Inject(STORAGE_CLOCK) private readonly clock: StorageClock,
    private readonly audit: AuditContext,
  ) {}

  onApplicationBootstrap(): void {
    this.db.onReady(() => this.recover());
  }

  /** After a restart: operations that were running died with the process; bring rows in line with the disk. */
  private async recover(): Promise<void> {
    try {
      await this.snapshots.resetInterrupted();
      const result = await this.rescan(null);
      if (result.added || result.removed || result.cleaned.length) this.log.log(result, 'snapshots rescanned');
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'snapshot recovery failed');
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Queries
  // ---------------------------------------------------------------------------------------------

  async list(q: SnapshotListFilter): Promise<{ items: Snapshot[]; total: number; page: number; pageSize: number }> {
    const { rows, total } = await this.snapshots.page(q);
    const contexts = new Map<string, DatasetContext>();
    for (const id of new Set(rows.map((r) => r.datasetId))) contexts.set(id, await this.datasets.context(id));
    const now = this.clock.now();
    return { items: rows.map((r) => this.toDto(r, contexts.get(r.datasetId) as DatasetContext, now)), total, page: q.page, pageSize: q.pageSize };
  }

  async get(id: string): Promise<Snapshot> {
    const row = await this.entity(id);
    return this.toDto(row, await this.datasets.context(row.datasetId), this.clock.now());
  }

  async entity(id: string): Promise<SnapshotEntity> {
    const row = await this.snapshots.findById(id);
    if (!row) throw DomainError.notFound('Snapshot');
    return row;
  }

  /** Ready snapshots of a task (all datasets), for retention. */
  async ofTask(taskId: string): Promise<SnapshotEntity[]> {
    return this.snapshots.readyOfTask(taskId);
  }

  /** The newest ready snapshot of a dataset and its read-only tree, or null (replication reads it). */
  async newest(ctx: DatasetContext): Promise<{ snapshot: SnapshotEntity; path: string } | null> {
    const row = await this.snapshots.latestReady(ctx.dataset.id);
    if (!row) return null;
    return { snapshot: row, path: this.host.drivers[row.driver].treePath({ path: ctx.path }, row.name) };
  }

  private driverOf(ctx: DatasetContext): SnapshotDriver {
    return this.host.drivers[ctx.dataset.snapshotDriver];
  }

  toDto(row: SnapshotEntity, ctx: DatasetContext, now: Date): Snapshot {
    return {
      id: row.id,
      datasetId: row.datasetId,
      poolId: ctx.pool.id,
      name: row.name,
      driver: row.driver,
      takenAt: row.takenAt.toISOString(),
      ageSeconds: Math.max(0, Math.floor((now.getTime() - row.takenAt.getTime()) / 1000)),
      state: row.state,
      taskId: row.taskId,
      path: this.host.drivers[row.driver].treePath({ path: ctx.path }, row.name),
      files: row.files,
      sizeBytes: row.sizeBytes,
      newBytes: row.newBytes,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Create and delete
  // ---------------------------------------------------------------------------------------------

  /** Takes a snapshot as a job; 409 at once when one of the same second exists. */
  async create(datasetId: string, actor: string | null): Promise<{ job: Job; snapshot: Snapshot }> {
    const ctx = await this.datasets.context(datasetId);
    await this.pools.assertOnline(ctx.pool);
    const at = this.clock.now();
    const row = await this.reserve(ctx, at, null);
    const { job } = await this.jobs.start('snapshot.create', (job) => this.build(ctx, row, job), { actor, eventAccess: 'viewer' });
    return { job, snapshot: this.toDto(row, ctx, at) };
  }

  /** Takes a snapshot inside a running job (snapshot tasks). */
  async take(ctx: DatasetContext, at: Date, taskId: string | null, job?: JobContext): Promise<SnapshotEntity> {
    await this.pools.assertOnline(ctx.pool);
    const row = await this.reserve(ctx, at, taskId);
    await this.build(ctx, row, job);
    return row;
  }

  /** The row comes first: the unique (dataset, name) key decides between two takers of the same second. */
  private async reserve(ctx: DatasetContext, at: Date, taskId: string | null): Promise<SnapshotEntity> {
    const driver = this.driverOf(ctx);
    const name = snapshotName(at, { at: driver.kind !== 'zfs' });
    try {
      return await this.snapshots.add({ datasetId: ctx.dataset.id, name, driver: driver.kind, takenAt: new Date(Math.floor(at.getTime() / 1000) * 1000), taskId, state: 'creating', files: null, sizeBytes: null, newBytes: null });
    } catch (err) {
      if (isUniqueViolation(err)) throw DomainError.conflict(`Dataset ${ctx.dataset.relativePath} already has a snapshot named ${name} (one per second).`);
      throw err;
    }
  }

  private async build(ctx: DatasetContext, row: SnapshotEntity, job?: JobContext): Promise<{ snapshotId: string; name: string }> {
    const driver = this.driverOf(ctx);
    try {
      await this.locks.run(ctx.dataset.id, async () => {
        job?.log(`Snapshot ${row.name} of ${ctx.path} (${driver.kind})`);
        const previous = await this.snapshots.latestReady(ctx.dataset.id);
        const target = await this.datasets.snapshotTarget(ctx);
        const stats = await driver.create(target, {
          name: row.name,
          previous: previous?.name ?? null,
          meta: { taskId: row.taskId, stats: null },
          signal: job?.signal,
          log: (m) => job?.log(m, 'warn'),
          onProgress: (p) => job?.progress(p.expectedFiles ? Math.min(99, (p.files / p.expectedFiles) * 100) : 0, `${p.files} files, ${p.bytes} bytes`),
        });
        Object.assign(row, { state: 'ready', files: stats?.files ?? null, sizeBytes: stats?.bytes ?? null, newBytes: stats?.newBytes ?? null });
        await this.snapshots.markReady(row.id, { files: row.files, sizeBytes: row.sizeBytes, newBytes: row.newBytes });
        if (stats) job?.log(`${stats.files} files (${stats.linkedFiles} shared with ${previous?.name ?? 'no earlier snapshot'}, ${stats.copiedFiles} copied), ${stats.newBytes} new bytes`);
        if (stats?.metadata) {
          const { captured, notCaptured } = stats.metadata;
          job?.log(`Kept: ${captured.length ? captured.join(', ') : 'no ACLs or extended attributes'}${notCaptured.map((n) => `; not kept: ${n.what} (${n.reason})`).join('')}`);
        }
      });
      return { snapshotId: row.id, name: row.name };
    } catch (err) {
      await this.snapshots.removeMany([row.id]);
      if (err instanceof SnapshotError && err.kind === 'exists') throw DomainError.conflict(err.message);
      throw err;
    }
  }

  async remove(id: string, actor: string | null): Promise<Job> {
    const row = await this.entity(id);
    if (row.state !== 'ready') throw DomainError.conflict(`Snapshot ${row.name} is ${row.state}.`);
    const ctx = await this.datasets.context(row.datasetId);
    await this.pools.assertOnline(ctx.pool);
    this.audit.describe({ target: `snapshot:${ctx.pool.name}/${ctx.dataset.relativePath}@${row.name}`, before: this.toDto(row, ctx, this.clock.now()) });
    const { job } = await this.jobs.start(
      'snapshot.delete',
      async (job) => {
        job.log(`Deleting snapshot ${row.name} of ${ctx.path}`);
        await this.destroy([row], ctx);
        return { snapshotId: row.id, name: row.name };
      },
      { actor, eventAccess: 'viewer' },
    );
    return job;
  }

  /** Deletes snapshots of one dataset (retention uses it in bulk). */
  async destroy(rows: readonly SnapshotEntity[], ctx: DatasetContext): Promise<void> {
    if (!rows.length) return;
    const driver = this.driverOf(ctx);
    await this.locks.run(ctx.dataset.id, async () => {
      const ids = rows.map((r) => r.id);
      await this.snapshots.markDeleting(ids);
      const target = { path: ctx.path, zfsName: ctx.dataset.zfsName };
      const done: string[] = [];
      // A few at a time: pruning a year of hourly snapshots is thousands of small tree removals.
      const limiter = new Limiter(DELETE_CONCURRENCY);
      let failure: unknown = null;
      try {
        await Promise.all(
          rows.map((row) =>
            limiter.run(async () => {
              if (failure) return;
              try {
                await driver.delete(target, row.name);
              } catch (err) {
                failure ??= err;
                return;
              }
              done.push(row.id);
              this.modeCache.forget(row.id);
              if (done.length >= DELETE_BATCH) await this.snapshots.removeMany(done.splice(0));
            }),
          ),
        );
        if (failure) throw failure;
      } finally {
        if (done.length) await this.snapshots.removeMany(done);
        await this.snapshots.unmarkDeleting(ids);
      }
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Rescan
  // ---------------------------------------------------------------------------------------------

  /** Brings the rows of one dataset (or all) in line with the snapshots on disk. Degraded pools are skipped. */
  async rescan(datasetId: string | null): Promise<{ added: number; removed: number; cleaned: string[] }> {
    const ids = datasetId ? [(await this.datasets.context(datasetId)).dataset.id] : (await this.datasets.all()).map((d) => d.id);
    const result = { added: 0, removed: 0, cleaned: [] as string[] };
    const taskIds = await this.snapshots.taskIds();
    for (const id of ids) {
      const ctx = await this.datasets.context(id);
      // An unmounted pool would make every snapshot look deleted.
      const inspection = await this.pools.inspect(ctx.pool);
      if (inspection.health.status !== 'online' && !inspection.health.readOnly) {
        if (datasetId) throw DomainError.unavailable(`Pool ${ctx.pool.name} is degraded: ${inspection.health.problems.join('; ')}`);
        continue;
      }
      await this.locks.run(id, async () => {
        const driver = this.driverOf(ctx);
        const target = await this.datasets.snapshotTarget(ctx);
        if (inspection.health.writable) result.cleaned.push(...(await driver.cleanup(target)).map((c) => `${ctx.dataset.relativePath}/${c}`));
        const onDisk = await driver.list(target);
        const rows = await this.snapshots.ofDataset(id);
        const known = new Set(rows.map((r) => r.name));
        const present = new Set(onDisk.map((s) => s.name));
        const fresh = onDisk
          .filter((s) => !known.has(s.name))
          .map(
            (s): NewSnapshot => ({
              datasetId: id,
              name: s.name,
              driver: driver.kind,
              takenAt: s.takenAt,
              taskId: s.meta?.taskId && taskIds.has(s.meta.taskId) ? s.meta.taskId : null,
              state: 'ready',
              files: s.meta?.stats?.files ?? null,
              sizeBytes: s.meta?.stats?.bytes ?? null,
              newBytes: s.meta?.stats?.newBytes ?? null,
            }),
          );
        await this.snapshots.addMany(fresh);
        const gone = rows.filter((r) => r.state !== 'creating' && !present.has(r.name)).map((r) => r.id);
        await this.snapshots.removeMany(gone);
        result.added += fresh.length;
        result.removed += gone.length;
      });
    }
    return result;
  }

  // ---------------------------------------------------------------------------------------------
  // For the shares module
  // ---------------------------------------------------------------------------------------------

  /**
   * The shadow_copy2 options for a share at `sharePath` (a real path), or null when the path is in
   * no dataset. The deepest dataset holding the path owns the snapshots. Setting shadow:mountpoint
   * to the dataset root makes the relative snapdir work for a share on the root and for one on a
   * directory below it alike (Samba otherwise takes snapdir relative to the real mount point).
   */
  async previousVersionsFor(sharePath: string): Promise<PreviousVersionsOptions | null> {
    const pool = await this.pools.findByPath(sharePath);
    if (!pool) return null;
    const candidates = (await this.datasets.all()).filter((d) => d.poolId === pool.id && isWithin(sharePath, path.join(pool.path, d.relativePath)));
    const dataset = candidates.sort((a, b) => b.relativePath.length - a.relativePath.length)[0];
    if (!dataset) return null;
    const driver = this.host.drivers[dataset.snapshotDriver];
    return { mountpoint: path.join(pool.path, dataset.relativePath), snapdir: driver.shadow.snapdir, format: driver.shadow.format, datasetId: dataset.id, driver: driver.kind };
  }
}
