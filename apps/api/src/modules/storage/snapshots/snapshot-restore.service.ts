import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { Job, SnapshotRestore } from '@moxnas/contracts';
import { CommandXattrTool, isWithin, restoreTree, SNAPDIR, type ModeMap, type SnapshotDriver } from '@moxnas/host';
import { DomainError } from '../../../core/errors/domain-error';
import { JobsService } from '../../system/jobs/jobs.service';
import { DatasetLocks } from '../dataset-locks';
import type { DatasetContext } from '../datasets/dataset-plan';
import { DatasetsService } from '../datasets/datasets.service';
import type { SnapshotEntity } from '../entities/snapshot.entity';
import { PoolsService } from '../pools/pools.service';
import { STORAGE_CLOCK, STORAGE_HOST, type StorageClock, type StorageHost } from '../storage-host';
import { SnapshotModeCache } from './snapshot-modes';
import { SnapshotsService } from './snapshots.service';

const pad = (n: number) => String(n).padStart(2, '0');
/** `20240131-235959`: the suffix of restored copies (`<name>.restored-<ts>`). */
function stamp(at: Date): string {
  return `${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}-${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`;
}

/** Restoring from a snapshot's tree and browsing it: paths are resolved inside the tree, never through a link out of it. */
@Injectable()
export class SnapshotRestoreService {
  constructor(
    private readonly snapshots: SnapshotsService,
    private readonly datasets: DatasetsService,
    private readonly pools: PoolsService,
    private readonly jobs: JobsService,
    private readonly locks: DatasetLocks,
    private readonly modeCache: SnapshotModeCache,
    @Inject(STORAGE_HOST) private readonly host: StorageHost,
    @Inject(STORAGE_CLOCK) private readonly clock: StorageClock,
  ) {}

  private driverOf(ctx: DatasetContext): SnapshotDriver {
    return this.host.drivers[ctx.dataset.snapshotDriver];
  }

  private async ready(id: string): Promise<SnapshotEntity> {
    const row = await this.snapshots.entity(id);
    if (row.state !== 'ready') throw DomainError.conflict(`Snapshot ${row.name} is ${row.state}.`);
    return row;
  }

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
    return this.modeCache.get(row.id, this.driverOf(ctx), { path: ctx.path, zfsName: ctx.dataset.zfsName }, row.name);
  }
  async restore(id: string, body: SnapshotRestore, actor: string | null): Promise<Job> {
    const row = await this.ready(id);
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
    const row = await this.ready(id);
    const ctx = await this.datasets.context(row.datasetId);
    const { source } = await this.locate(row, ctx, query.path, 'query.path');
    const st = await this.host.fs.lstatExact(source);
    if (!st) throw DomainError.notFound('Path in the snapshot');
    const modes = await this.modes(row, ctx);
    const base = { path: query.path, type: st.type, page: query.page, pageSize: query.pageSize };
    if (st.type !== 'directory') return { ...base, entries: [], total: 0 };
    // A btrfs snapshot shows the dataset's `.snapshots` subvolume as an empty directory: not part of the data.
    const names = (await this.host.fs.readdir(source))
      .map((e) => e.name)
      .filter((name) => query.path !== '' || name !== SNAPDIR)
      .sort();
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
}
