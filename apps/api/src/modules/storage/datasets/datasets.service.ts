import path from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Dataset, DatasetCreate, DatasetUpdate, FieldError, Job } from '@moxnas/contracts';
import { applyAcl, CommandError, createDatasetStorage, destroyDatasetStorage, detectBackend, hardQuotaApplies, readMounts, setHardQuota, SNAPDIR, type DatasetBackend, type HardQuotaKind, type QuotaTarget, type SnapshotTarget } from '@moxnas/host';
import { isUniqueViolation } from '../../../core/database/unique-violation';
import { DomainError } from '../../../core/errors/domain-error';
import { JobsService } from '../../system/jobs/jobs.service';
import { AuditContext } from '../../users/audit/audit-context';
import { DatasetLocks } from '../dataset-locks';
import type { DatasetEntity } from '../entities/dataset.entity';
import type { PoolEntity } from '../entities/pool.entity';
import { PoolDependents, type StorageDependant } from '../pools/pool-dependents';
import { PoolsService } from '../pools/pools.service';
import { STORAGE_HOST, type StorageHost } from '../storage-host';
import { AccountNames } from './account-names';
import { DatasetMeasureService } from './dataset-measure.service';
import { aclProblem, hostAcl, octal, planBackend, resolveAcl, resolveOwnership, snapshotDriverOf, type DatasetContext } from './dataset-plan';
import { DatasetsRepository } from './datasets.repository';

const FIRST_PROJECT_ID = 10_000;

/**
 * Datasets: directories (or btrfs subvolumes, or ZFS file systems) inside pools, with owner, group,
 * mode, POSIX ACLs and a quota: hard where the file system enforces one, otherwise soft (measured
 * by DatasetUsageService, with an event when exceeded).
 */
@Injectable()
export class DatasetsService {
  private readonly log = new Logger('storage');

  constructor(
    private readonly datasets: DatasetsRepository,
    private readonly measurer: DatasetMeasureService,
    private readonly pools: PoolsService,
    private readonly dependents: PoolDependents,
    private readonly jobs: JobsService,
    private readonly locks: DatasetLocks,
    private readonly names: AccountNames,
    @Inject(STORAGE_HOST) private readonly host: StorageHost,
    private readonly audit: AuditContext,
  ) {}

  // ---------------------------------------------------------------------------------------------
  // Queries
  // ---------------------------------------------------------------------------------------------

  async list(poolId?: string): Promise<Dataset[]> {
    const rows = await this.datasets.list(poolId);
    const pools = new Map((await this.pools.all()).map((p) => [p.id, p]));
    return Promise.all(rows.map((r) => this.toDto(r, pools.get(r.poolId) as PoolEntity)));
  }

  async get(id: string): Promise<Dataset> {
    const ctx = await this.context(id);
    return this.toDto(ctx.dataset, ctx.pool);
  }

  async context(id: string): Promise<DatasetContext> {
    const dataset = await this.datasets.findById(id);
    if (!dataset) throw DomainError.notFound('Dataset');
    const pool = await this.pools.entity(dataset.poolId);
    return { dataset, pool, path: path.join(pool.path, dataset.relativePath) };
  }

  all(): Promise<DatasetEntity[]> {
    return this.datasets.list();
  }

  /** Datasets nested below this one (any depth). */
  descendants(dataset: DatasetEntity): Promise<DatasetEntity[]> {
    return this.datasets.descendants(dataset);
  }

  /**
   * What a snapshot driver needs: nested datasets are left out of a copy snapshot, as ZFS and
   * btrfs leave out child file systems and subvolumes; each has snapshots of its own.
   */
  async snapshotTarget(ctx: DatasetContext): Promise<SnapshotTarget> {
    const children = (await this.descendants(ctx.dataset)).map((d) => d.relativePath.slice(ctx.dataset.relativePath.length + 1));
    // The copy driver keeps the ACLs/xattrs the pool was probed to support.
    return { path: ctx.path, zfsName: ctx.dataset.zfsName, exclude: children, metadata: ctx.pool.capabilities ?? null };
  }

  // ---------------------------------------------------------------------------------------------
  // Quota
  // ---------------------------------------------------------------------------------------------

  /** Hard when the pool's file system can enforce it on this dataset, else soft. */
  private async quotaPlan(pool: PoolEntity, backend: DatasetBackend, full: string): Promise<{ quotaKind: 'hard' | 'soft'; hardKind: DatasetEntity['hardQuotaKind']; projectId: number | null }> {
    const kind = pool.capabilities.hardQuota.kind;
    if (!kind || !pool.capabilities.hardQuota.available) return { quotaKind: 'soft', hardKind: null, projectId: null };
    const problem = hardQuotaApplies(kind, { path: full, mountPoint: pool.mountPoint, zfsName: backend.zfsName, btrfsSubvolume: backend.kind === 'btrfs-subvolume' });
    if (problem) return { quotaKind: 'soft', hardKind: null, projectId: null };
    let projectId: number | null = null;
    if (kind === 'xfs-project') {
      projectId = Math.max(FIRST_PROJECT_ID, ((await this.datasets.maxProjectId()) ?? 0) + 1);
    }
    return { quotaKind: 'hard', hardKind: kind, projectId };
  }

  /** Sets or clears a hard quota; a file system that refuses it is a 409 with its words, not a 500. */
  private async setQuota(kind: HardQuotaKind, target: QuotaTarget, bytes: number | null): Promise<void> {
    try {
      await setHardQuota(this.host.runner, kind, target, bytes);
    } catch (err) {
      if (!(err instanceof CommandError)) throw err;
      const said = err.result?.stderr.trim() || err.message;
      const fix = kind === 'btrfs-qgroup' ? ` If quotas were turned off, run \`btrfs quota enable ${target.mountPoint}\` and refresh the pool, or clear the quota.` : '';
      throw DomainError.conflict(`The file system refused the ${kind} quota on ${target.path}: ${said}.${fix}`, { command: err.command, stderr: err.result?.stderr ?? null });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Changes
  // ---------------------------------------------------------------------------------------------

  async create(body: DatasetCreate): Promise<Dataset> {
    const { fs, runner } = this.host;
    const errors: FieldError[] = [];
    const pool = await this.pools.entity(body.poolId).catch(() => null);
    if (!pool) errors.push({ field: 'poolId', message: 'no such pool' });
    let parent: DatasetEntity | null = null;
    if (body.parentId) {
      parent = await this.datasets.findById(body.parentId);
      if (!parent) errors.push({ field: 'parentId', message: 'no such dataset' });
      else if (pool && parent.poolId !== pool.id) errors.push({ field: 'parentId', message: 'is a dataset of another pool' });
    }
    const { uid, gid } = await resolveOwnership(this.host.identities, body, errors);
    const acl = await resolveAcl(this.host.identities, body.acl, 'acl', errors);
    const unsupported = pool && aclProblem(pool, acl);
    if (unsupported) errors.push(unsupported);
    if (errors.length || !pool) throw DomainError.validation(errors);

    const relativePath = parent ? `${parent.relativePath}/${body.name}` : body.name;
    if (await this.datasets.existsAt(pool.id, relativePath)) throw DomainError.conflict(`Dataset ${relativePath} exists in pool ${pool.name}.`);
    await this.pools.assertOnline(pool);

    const parentPath = parent ? path.join(pool.path, parent.relativePath) : pool.path;
    const parentReal = await fs.realpath(parentPath).catch(() => null);
    if (parentReal !== parentPath) {
      throw DomainError.conflict(`${parentPath} is ${parentReal ? `now a link to ${parentReal}` : 'missing'}; refusing to create a dataset through it.`);
    }
    const full = path.join(parentPath, body.name);
    const existing = await fs.lstat(full);
    if (existing && existing.type !== 'directory') throw DomainError.validation([{ field: 'name', message: `${full} exists and is a ${existing.type}, not a directory` }]);

    const mounts = await readMounts(fs, this.host.mountinfo);
    const backend = existing ? await detectBackend(fs, mounts, full) : planBackend(pool, parentPath, body.name, mounts);
    if (existing && body.quotaBytes !== null) {
      // Adopting a directory with data: a quota below what it already holds is refused up front.
      const used = await this.measurer.usedForQuota({ path: full, exclude: [SNAPDIR, '.zfs'] });
      if (used && used.bytes > body.quotaBytes) {
        throw DomainError.validation([{ field: 'quotaBytes', message: `must be at least the ${used.bytes} bytes ${full} already uses${used.complete ? '' : ' (at least; the measurement stopped early)'}` }]);
      }
    }

    const mode = body.mode !== undefined ? Number.parseInt(body.mode, 8) : existing ? existing.mode : 0o755;
    let created = false;
    try {
      if (!existing) {
        await createDatasetStorage(fs, runner, { path: full, kind: backend.kind, zfsName: backend.zfsName, mode });
        created = true;
      }
      const st = await fs.lstat(full);
      if (!st) throw new Error(`${full} vanished`);
      const finalUid = uid ?? (created ? 0 : st.uid);
      const finalGid = gid ?? (created ? 0 : st.gid);
      if (created || uid !== undefined || gid !== undefined) await fs.chown(full, finalUid, finalGid);
      // After chown, which clears setgid.
      if (created || body.mode !== undefined) await fs.chmod(full, mode);
      if (acl.length) await applyAcl(runner, full, mode, hostAcl(acl));
      const quota = body.quotaBytes !== null ? await this.quotaPlan(pool, backend, full) : { quotaKind: null, hardKind: null, projectId: null };
      if (quota.hardKind) {
        await this.setQuota(quota.hardKind, { path: full, mountPoint: pool.mountPoint, zfsName: backend.zfsName, projectId: quota.projectId }, body.quotaBytes);
      }
      const row = await this.datasets.add({
        poolId: pool.id,
        parentId: parent?.id ?? null,
        name: body.name,
        relativePath,
        backend: backend.kind,
        zfsName: backend.zfsName,
        snapshotDriver: snapshotDriverOf(backend.kind),
        uid: finalUid,
        gid: finalGid,
        mode,
        acl,
        quotaBytes: body.quotaBytes,
        quotaKind: quota.quotaKind,
        hardQuotaKind: quota.hardKind,
        projectId: quota.projectId,
        quotaExceeded: false,
        usedBytes: null,
        usedBytesAt: null,
        usedComplete: false,
        comment: body.comment,
      });
      this.log.log({ dataset: relativePath, pool: pool.name, backend: backend.kind, adopted: !created }, 'dataset created');
      // An adopted directory holds data already: its first figure, in the background (on a copy of the row, which is answered now).
      if (!created) void this.measurer.measureQuietly({ dataset: { ...row }, pool, path: full });
      return this.toDto(row, pool);
    } catch (err) {
      // Nothing half-made stays behind: the directory we created goes again.
      if (created) await destroyDatasetStorage(fs, runner, { path: full, kind: backend.kind, zfsName: backend.zfsName }).catch((e: Error) => this.log.error({ path: full, err: e.message }, 'could not undo dataset creation'));
      if (isUniqueViolation(err)) throw DomainError.conflict(`Dataset ${relativePath} exists in pool ${pool.name}.`);
      throw err;
    }
  }

  async update(id: string, body: DatasetUpdate): Promise<Dataset> {
    const ctx = await this.context(id);
    const { dataset, pool } = ctx;
    const before = await this.toDto(dataset, pool);
    const errors: FieldError[] = [];
    const { uid, gid } = await resolveOwnership(this.host.identities, body, errors);
    const acl = body.acl !== undefined ? await resolveAcl(this.host.identities, body.acl, 'acl', errors) : undefined;
    const unsupported = aclProblem(pool, acl);
    if (unsupported) errors.push(unsupported);
    if (body.quotaBytes !== undefined && body.quotaBytes !== null) {
      const used = await this.measurer.usedForQuota(ctx);
      if (used && used.bytes > body.quotaBytes) {
        errors.push({ field: 'quotaBytes', message: `must be at least the ${used.bytes} bytes the dataset already uses (measured ${used.at.toISOString()})` });
      }
    }
    if (errors.length) throw DomainError.validation(errors);
    const touchesHost = uid !== undefined || gid !== undefined || body.mode !== undefined || acl !== undefined || body.quotaBytes !== undefined;
    if (touchesHost) {
      await this.pools.assertOnline(pool);
      await this.assertInPlace(ctx);
    }
    // The quota first: the step a file system may refuse (quotas turned off since the probe), so a
    // refusal leaves owner, mode and ACL as they were.
    if (body.quotaBytes !== undefined) {
      if (body.quotaBytes === null) {
        if (dataset.hardQuotaKind) await this.setQuota(dataset.hardQuotaKind, { path: ctx.path, mountPoint: pool.mountPoint, zfsName: dataset.zfsName, projectId: dataset.projectId }, null);
        Object.assign(dataset, { quotaBytes: null, quotaKind: null, hardQuotaKind: null, quotaExceeded: false });
      } else {
        const plan = dataset.hardQuotaKind
          ? { quotaKind: 'hard' as const, hardKind: dataset.hardQuotaKind, projectId: dataset.projectId }
          : await this.quotaPlan(pool, { kind: dataset.backend, zfsName: dataset.zfsName }, ctx.path);
        if (plan.hardKind) await this.setQuota(plan.hardKind, { path: ctx.path, mountPoint: pool.mountPoint, zfsName: dataset.zfsName, projectId: plan.projectId }, body.quotaBytes);
        Object.assign(dataset, {
          quotaBytes: body.quotaBytes,
          quotaKind: plan.quotaKind,
          hardQuotaKind: plan.hardKind,
          projectId: plan.projectId,
          quotaExceeded: dataset.usedBytes !== null && dataset.usedBytes > body.quotaBytes,
        });
      }
    }
    const { fs, runner } = this.host;
    const mode = body.mode !== undefined ? Number.parseInt(body.mode, 8) : dataset.mode;
    if (uid !== undefined || gid !== undefined) {
      await fs.chown(ctx.path, uid ?? dataset.uid, gid ?? dataset.gid);
      dataset.uid = uid ?? dataset.uid;
      dataset.gid = gid ?? dataset.gid;
    }
    if (body.mode !== undefined || uid !== undefined || gid !== undefined) await fs.chmod(ctx.path, mode);
    dataset.mode = mode;
    if (acl !== undefined || (body.mode !== undefined && dataset.acl.length)) {
      dataset.acl = acl ?? dataset.acl;
      await applyAcl(runner, ctx.path, mode, hostAcl(dataset.acl));
    }
    if (body.comment !== undefined) dataset.comment = body.comment;
    await this.datasets.save(dataset);
    const after = await this.toDto(dataset, pool);
    this.audit.describe({ target: `dataset:${pool.name}/${dataset.relativePath}`, before, after });
    return after;
  }

  /** Deletes as a job; refused while nested datasets or dependants (shares) use it. */
  async remove(id: string, keepData: boolean, actor: string | null): Promise<Job> {
    const ctx = await this.context(id);
    const { dataset, pool } = ctx;
    const children = await this.descendants(dataset);
    const dependants: StorageDependant[] = children.map((d) => ({ kind: 'dataset', id: d.id, name: d.relativePath, path: path.join(pool.path, d.relativePath) }));
    dependants.push(...(await this.dependents.find({ kind: 'dataset', id: dataset.id, name: dataset.relativePath, path: ctx.path, poolId: pool.id })));
    if (dependants.length) {
      throw DomainError.conflict(`Dataset ${dataset.relativePath} is in use: ${dependants.map((d) => `${d.kind} ${d.name}`).join(', ')}.`, { dependants });
    }
    if (!keepData) {
      await this.pools.assertOnline(pool);
      await this.assertInPlace(ctx);
    }
    this.audit.describe({ target: `dataset:${pool.name}/${dataset.relativePath}`, before: await this.toDto(dataset, pool), after: { keepData } });
    const { job } = await this.jobs.start(
      'dataset.delete',
      (job) =>
        this.locks.run(id, async () => {
          job.log(`${keepData ? 'Forgetting' : 'Deleting'} dataset ${dataset.relativePath} of pool ${pool.name} (${ctx.path})`);
          if (!keepData) {
            await this.assertInPlace(ctx);
            job.progress(10, 'removing data');
            await destroyDatasetStorage(this.host.fs, this.host.runner, { path: ctx.path, kind: dataset.backend, zfsName: dataset.zfsName });
            if (dataset.hardQuotaKind === 'xfs-project') {
              // The project's limit outlives the directory; release it.
              await setHardQuota(this.host.runner, 'xfs-project', { path: ctx.path, mountPoint: pool.mountPoint, projectId: dataset.projectId }, null).catch((e: Error) => job.log(`could not clear the XFS project quota: ${e.message}`, 'warn'));
            }
          }
          await this.datasets.remove(id);
          job.log(keepData ? `The data stays in ${ctx.path}.` : 'Deleted.');
          return { datasetId: id, path: ctx.path, keepData };
        }),
      { actor },
    );
    return job;
  }

  /** After a whole-dataset restore the root has the snapshot's owner and mode again. */
  async syncRootMetadata(id: string, st: { uid: number; gid: number; mode: number }): Promise<void> {
    await this.datasets.patch(id, { uid: st.uid, gid: st.gid, mode: st.mode });
  }

  /** The dataset directory is still where the database says, not replaced by a symlink to elsewhere. */
  private async assertInPlace(ctx: DatasetContext): Promise<void> {
    const real = await this.host.fs.realpath(ctx.path).catch(() => null);
    if (real !== ctx.path) {
      throw DomainError.conflict(`${ctx.path} is ${real ? `a link to ${real}` : 'missing'}; refusing to change it.`, { path: ctx.path, resolvesTo: real });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Usage
  // ---------------------------------------------------------------------------------------------

  /** Starts a bounded measurement as a job. */
  async measure(id: string, actor: string | null): Promise<Job> {
    const ctx = await this.context(id);
    await this.pools.assertOnline(ctx.pool);
    const { job } = await this.jobs.start(
      'dataset.usage',
      (job) =>
        this.locks.run(id, async () => {
          job.log(`Measuring ${ctx.path}`);
          const result = await this.measurer.measureNow(ctx, job.signal);
          job.log(`${result.bytes} bytes in ${result.entries} entries${result.complete ? '' : ` (incomplete: ${result.reason})`}`);
          return result;
        }),
      { actor, eventAccess: 'viewer' },
    );
    return job;
  }

  // ---------------------------------------------------------------------------------------------

  async toDto(d: DatasetEntity, pool: PoolEntity): Promise<Dataset> {
    const acl = await Promise.all(
      d.acl.map(async (e) => ({
        tag: e.tag,
        id: e.id,
        name: e.id === null ? null : e.tag === 'user' ? await this.names.user(e.id) : await this.names.group(e.id),
        perms: `${e.perms.includes('r') ? 'r' : '-'}${e.perms.includes('w') ? 'w' : '-'}${e.perms.includes('x') ? 'x' : '-'}`,
        default: e.default,
      })),
    );
    return {
      id: d.id,
      poolId: d.poolId,
      parentId: d.parentId,
      name: d.name,
      path: path.join(pool.path, d.relativePath),
      relativePath: d.relativePath,
      backend: d.backend,
      snapshotDriver: d.snapshotDriver,
      owner: { uid: d.uid, name: await this.names.user(d.uid) },
      group: { gid: d.gid, name: await this.names.group(d.gid) },
      mode: octal(d.mode),
      acl,
      quotaBytes: d.quotaBytes,
      quotaKind: d.quotaBytes === null ? null : d.quotaKind,
      quotaExceeded: d.quotaExceeded,
      usedBytes: d.usedBytes,
      usedBytesAt: d.usedBytesAt ? d.usedBytesAt.toISOString() : null,
      usedComplete: d.usedComplete,
      comment: d.comment,
      previousVersions: { mountpoint: path.join(pool.path, d.relativePath), ...this.host.drivers[d.snapshotDriver].shadow },
      createdAt: d.createdAt.toISOString(),
      updatedAt: d.updatedAt.toISOString(),
    };
  }
}
