import path from 'node:path';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Job, Snapshot, SnapshotRestore } from '@moxnas/contracts';
import { CommandXattrTool, isWithin, Limiter, restoreTree, SNAPDIR, snapshotName, SnapshotError, type ModeMap, type SnapshotDriver } from '@moxnas/host';
import { In, Repository } from 'typeorm';
import { DatabaseService } from '../../../core/database/database.service';
import { DomainError } from '../../../core/errors/domain-error';
import type { JobContext } from '../../system/jobs/jobs.service';
import { JobsService } from '../../system/jobs/jobs.service';
import { AuditContext } from '../../users/audit/audit-context';
import { DatasetLocks } from '../dataset-locks';
import { DatasetsService, type DatasetContext } from '../datasets/datasets.service';
import { SnapshotEntity } from '../entities/snapshot.entity';
import { SnapshotTaskEntity } from '../entities/snapshot-task.entity';
import { isUniqueViolation, PoolsService } from '../pools/pools.service';
import { STORAGE_CLOCK, STORAGE_HOST, type StorageClock, type StorageHost } from '../storage-host';

export interface SnapshotListFilter {
  page: number;
  pageSize: number;
  search?: string;
  datasetId?: string;
  poolId?: string;
  taskId?: string;
}

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

const pad = (n: number) => String(n).padStart(2, '0');
/** `20240131-235959`: the suffix of restored copies (`<name>.restored-<ts>`). */
function stamp(at: Date): string {
  return `${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}-${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`;
}

const INSERT_CHUNK = 500;
const DELETE_CONCURRENCY = 8;

/**
 * Snapshots of datasets through the dataset's driver (zfs, btrfs or copy). Long operations
 * (create, delete, restore) are jobs and run one at a time per dataset. The disk is the truth: a
 * rescan (at start, and on demand) adds snapshots found on disk and drops rows whose snapshot is gone.
 */
@Injectable()
export class SnapshotsService implements OnApplicationBootstrap {
  private readonly log = new Logger('storage');
  /** Mode manifests of recently browsed snapshots (a manifest can hold a million lines). */
  private readonly modeCache = new Map<string, Promise<ModeMap>>();

  constructor(
    @InjectRepository(SnapshotEntity) private readonly snapshots: Repository<SnapshotEntity>,
    @InjectRepository(SnapshotTaskEntity) private readonly tasks: Repository<SnapshotTaskEntity>,
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
      await this.snapshots.delete({ state: 'creating' });
      await this.snapshots.update({ state: 'deleting' }, { state: 'ready' });
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
    const qb = this.snapshots.createQueryBuilder('s').innerJoin('storage_datasets', 'd', 'd.id = s.dataset_id').orderBy('s.taken_at', 'DESC').addOrderBy('s.name', 'DESC');
    if (q.datasetId) qb.andWhere('s.dataset_id = :datasetId', { datasetId: q.datasetId });
    if (q.poolId) qb.andWhere('d.pool_id = :poolId', { poolId: q.poolId });
    if (q.taskId) qb.andWhere('s.task_id = :taskId', { taskId: q.taskId });
    if (q.search) qb.andWhere('(s.name ILIKE :s OR d.relative_path ILIKE :s)', { s: `%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` });
    const [rows, total] = await qb.skip((q.page - 1) * q.pageSize).take(q.pageSize).getManyAndCount();
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
    const row = await this.snapshots.findOneBy({ id });
    if (!row) throw DomainError.notFound('Snapshot');
    return row;
  }

  /** Ready snapshots of a task (all datasets), for retention. */
  async ofTask(taskId: string): Promise<SnapshotEntity[]> {
    return this.snapshots.find({ where: { taskId, state: 'ready' }, order: { takenAt: 'ASC' } });
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
      return await this.snapshots.save(this.snapshots.create({ datasetId: ctx.dataset.id, name, driver: driver.kind, takenAt: new Date(Math.floor(at.getTime() / 1000) * 1000), taskId, state: 'creating', files: null, sizeBytes: null, newBytes: null }));
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
        const previous = await this.snapshots.findOne({ where: { datasetId: ctx.dataset.id, state: 'ready' }, order: { takenAt: 'DESC' } });
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
        await this.snapshots.update(row.id, { state: 'ready', files: row.files, sizeBytes: row.sizeBytes, newBytes: row.newBytes });
        if (stats) job?.log(`${stats.files} files (${stats.linkedFiles} shared with ${previous?.name ?? 'no earlier snapshot'}, ${stats.copiedFiles} copied), ${stats.newBytes} new bytes`);
        if (stats?.metadata) {
          const { captured, notCaptured } = stats.metadata;
          job?.log(`Kept: ${captured.length ? captured.join(', ') : 'no ACLs or extended attributes'}${notCaptured.map((n) => `; not kept: ${n.what} (${n.reason})`).join('')}`);
        }
      });
      return { snapshotId: row.id, name: row.name };
    } catch (err) {
      await this.snapshots.delete({ id: row.id });
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
      // In chunks: a year of per-minute snapshots would pass PostgreSQL's limit of bind parameters.
      const ids = rows.map((r) => r.id);
      for (let i = 0; i < ids.length; i += INSERT_CHUNK) await this.snapshots.update({ id: In(ids.slice(i, i + INSERT_CHUNK)) }, { state: 'deleting' });
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
              this.modeCache.delete(row.id);
              if (done.length >= INSERT_CHUNK) await this.snapshots.delete({ id: In(done.splice(0)) });
            }),
          ),
        );
        if (failure) throw failure;
      } finally {
        if (done.length) await this.snapshots.delete({ id: In(done) });
        for (let i = 0; i < ids.length; i += INSERT_CHUNK) await this.snapshots.update({ id: In(ids.slice(i, i + INSERT_CHUNK)), state: 'deleting' }, { state: 'ready' });
      }
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Restore and browse
  // ---------------------------------------------------------------------------------------------

  /** Resolves a path in a snapshot's tree; 422 when it escapes the tree or is not there. */
  private async locate(row: SnapshotEntity, ctx: DatasetContext, rel: string, field: string): Promise<{ tree: string; source: string }> {
    const tree = this.driverOf(ctx).treePath({ path: ctx.path, zfsName: ctx.dataset.zfsName }, row.name);
    const treeReal = await this.host.fs.realpath(tree).catch(() => {
      throw DomainError.conflict(`The tree of snapshot ${row.name} is missing from disk; rescan the snapshots.`);
    });
    const source = rel ? path.join(treeReal, rel) : treeReal;
    // The parent must resolve inside the tree; the last component itself may be a symlink (restored as one).
    const parentReal = await this.host.fs.realpath(path.dirname(source)).catch(() => null);
    if (rel && (!parentReal || !isWithin(parentReal, treeReal))) throw DomainError.validation([{ field, message: `${rel} is not in snapshot ${row.name}` }]);
    if (!(await this.host.fs.lstat(source))) throw DomainError.validation([{ field, message: `${rel} is not in snapshot ${row.name}` }]);
    return { tree: treeReal, source: rel && parentReal ? path.join(parentReal, path.basename(source)) : source };
  }

  private modes(row: SnapshotEntity, ctx: DatasetContext): Promise<ModeMap> {
    let cached = this.modeCache.get(row.id);
    if (!cached) {
      cached = this.driverOf(ctx).originalModes({ path: ctx.path, zfsName: ctx.dataset.zfsName }, row.name);
      cached.catch(() => this.modeCache.delete(row.id));
      this.modeCache.set(row.id, cached);
      // Two manifests at most: browsing moves between a snapshot or two at a time.
      while (this.modeCache.size > 2) this.modeCache.delete(this.modeCache.keys().next().value as string);
    }
    return cached;
  }

  async restore(id: string, body: SnapshotRestore, actor: string | null): Promise<Job> {
    const row = await this.entity(id);
    if (row.state !== 'ready') throw DomainError.conflict(`Snapshot ${row.name} is ${row.state}.`);
    const ctx = await this.datasets.context(row.datasetId);
    const children = (await this.datasets.descendants(ctx.dataset)).map((d) => d.relativePath.slice(ctx.dataset.relativePath.length + 1));
    const rel = body.path;
    const first = rel.split('/')[0];
    if (rel && (children.includes(first) || first === SNAPDIR || first === '.zfs')) {
      throw DomainError.validation([{ field: 'path', message: `${first} is ${first === SNAPDIR || first === '.zfs' ? 'the snapshot directory' : 'a nested dataset: restore it from its own snapshots'}` }]);
    }
    const { source } = await this.locate(row, ctx, rel, 'path');
    await this.pools.assertOnline(ctx.pool);
    const inPlace = body.target === 'in-place';
    const original = rel ? path.join(ctx.path, rel) : ctx.path;
    const dest = inPlace ? original : `${original}.restored-${stamp(this.clock.now())}`;
    const destParent = path.dirname(dest);
    const parentReal = await this.host.fs.realpath(destParent).catch(() => null);
    // The destination's directory must exist and be where it looks (no symlink out of the pool).
    if (parentReal !== destParent) {
      throw DomainError.validation([{ field: 'path', message: parentReal ? `${destParent} is a link to ${parentReal}; refusing to restore through it` : `${path.relative(ctx.pool.path, destParent) || destParent} no longer exists; restore its parent directory instead` }]);
    }
    if (!inPlace && (await this.host.fs.lstat(dest))) throw DomainError.conflict(`${dest} already exists.`);

    const { job } = await this.jobs.start(
      'snapshot.restore',
      (job) =>
        this.locks.run(ctx.dataset.id, async () => {
          job.log(`Restoring ${rel || 'the whole dataset'} from ${row.name} ${inPlace ? 'in place' : `to ${dest}`}`);
          const driverTarget = { path: ctx.path, zfsName: ctx.dataset.zfsName };
          const kept = await this.driverOf(ctx).keptMetadata(driverTarget, row.name);
          const metadata = await CommandXattrTool.forRestore(this.host.runner, ctx.pool.capabilities, kept);
          job.log(`ACLs and extended attributes restored: ${metadata.plan.captured.join(', ') || 'none'}${metadata.plan.notCaptured.map((n) => `; not restored: ${n.what} (${n.reason})`).join('')}`);
          const stats = await restoreTree(this.host.fs, {
            xattrs: metadata.tool,
            source,
            sourceRel: rel,
            target: dest,
            modes: await this.modes(row, ctx),
            replace: inPlace,
            keepAtRoot: rel ? undefined : new Set([SNAPDIR, '.zfs', ...children]),
            signal: job.signal,
            onProgress: (p) => job.progress(0, `${p.files} files, ${p.bytes} bytes`),
          });
          if (inPlace && !rel) {
            // The dataset root took the snapshot's owner and mode: keep the database truthful.
            const st = await this.host.fs.lstat(ctx.path);
            if (st) await this.datasets.syncRootMetadata(ctx.dataset.id, st);
          }
          job.log(`${stats.files} files restored (${stats.unchanged} unchanged), ${stats.removed} entries removed, ${stats.bytes} bytes copied`);
          return { target: dest, ...stats };
        }),
      { actor },
    );
    return job;
  }

  async files(id: string, query: { path: string; page: number; pageSize: number }) {
    const row = await this.entity(id);
    if (row.state !== 'ready') throw DomainError.conflict(`Snapshot ${row.name} is ${row.state}.`);
    const ctx = await this.datasets.context(row.datasetId);
    const { source } = await this.locate(row, ctx, query.path, 'query.path');
    const st = await this.host.fs.lstatExact(source);
    if (!st) throw DomainError.notFound('Path in the snapshot');
    const modes = await this.modes(row, ctx);
    const base = { path: query.path, type: st.type, page: query.page, pageSize: query.pageSize };
    if (st.type !== 'directory') return { ...base, entries: [], total: 0 };
    const names = (await this.host.fs.readdir(source)).map((e) => e.name).sort();
    const slice = names.slice((query.page - 1) * query.pageSize, query.page * query.pageSize);
    const entries = [];
    for (const name of slice) {
      const child = path.join(source, name);
      const cst = await this.host.fs.lstatExact(child);
      if (!cst) continue;
      const rel = query.path ? `${query.path}/${name}` : name;
      entries.push({
        name,
        type: cst.type,
        size: cst.size,
        mode: `0${(modes.original(rel, cst.mode) & 0o7777).toString(8).padStart(3, '0')}`,
        uid: cst.uid,
        gid: cst.gid,
        modifiedAt: new Date(cst.mtimeMs).toISOString(),
        target: cst.type === 'symlink' ? await this.host.fs.readlink(child) : null,
      });
    }
    return { ...base, entries, total: names.length };
  }

  // ---------------------------------------------------------------------------------------------
  // Rescan
  // ---------------------------------------------------------------------------------------------

  /** Brings the rows of one dataset (or all) in line with the snapshots on disk. Degraded pools are skipped. */
  async rescan(datasetId: string | null): Promise<{ added: number; removed: number; cleaned: string[] }> {
    const ids = datasetId ? [(await this.datasets.context(datasetId)).dataset.id] : (await this.datasets.all()).map((d) => d.id);
    const result = { added: 0, removed: 0, cleaned: [] as string[] };
    const taskIds = new Set((await this.tasks.find({ select: { id: true } })).map((t) => t.id));
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
        const rows = await this.snapshots.findBy({ datasetId: id });
        const known = new Set(rows.map((r) => r.name));
        const present = new Set(onDisk.map((s) => s.name));
        const fresh = onDisk
          .filter((s) => !known.has(s.name))
          .map((s) =>
            this.snapshots.create({
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
        for (let i = 0; i < fresh.length; i += INSERT_CHUNK) await this.snapshots.insert(fresh.slice(i, i + INSERT_CHUNK));
        const gone = rows.filter((r) => r.state !== 'creating' && !present.has(r.name)).map((r) => r.id);
        for (let i = 0; i < gone.length; i += INSERT_CHUNK) await this.snapshots.delete({ id: In(gone.slice(i, i + INSERT_CHUNK)) });
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
