import path from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AbsolutePath, innerPathProblem, type Pool, type PoolCandidate, type PoolCreate, type PoolUpdate, type UsageLevel } from '@moxnas/contracts';
import { candidateMounts, containingMount, isReadOnlyMount, isSystemPath, isWithin, probePoolCapabilities, probeWritable, PSEUDO_FILESYSTEMS, readMounts, type MountInfoEntry } from '@moxnas/host';
import { APP_CONFIG, type AppConfig } from '../../../core/config/config';
import { isUniqueViolation } from '../../../core/database/unique-violation';
import { DomainError } from '../../../core/errors/domain-error';
import { EventsService } from '../../system/events/events.service';
import { AuditContext } from '../../users/audit/audit-context';
import { DatasetsRepository } from '../datasets/datasets.repository';
import type { PoolEntity } from '../entities/pool.entity';
import { STORAGE_CLOCK, STORAGE_HOST, type StorageClock, type StorageHost } from '../storage-host';
import { PoolDependents, type StorageDependant } from './pool-dependents';
import { inspectPool, snapshotDriverFor, usageLevel, type PoolInspection } from './pool-inspection';
import { PoolsRepository } from './pools.repository';

/**
 * Pools: registered mount points (or directories on them). Health and space come from the host
 * (mountinfo, statfs, a write probe) and are refreshed in the background by PoolMonitorService; the
 * API serves the last figures from the database.
 */
@Injectable()
export class PoolsService {
  private readonly log = new Logger('storage');

  constructor(
    private readonly pools: PoolsRepository,
    private readonly datasets: DatasetsRepository,
    @Inject(STORAGE_HOST) private readonly host: StorageHost,
    @Inject(STORAGE_CLOCK) private readonly clock: StorageClock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dependents: PoolDependents,
    private readonly events: EventsService,
    private readonly audit: AuditContext,
  ) {}

  // ---------------------------------------------------------------------------------------------
  // Queries
  // ---------------------------------------------------------------------------------------------

  async list(): Promise<Pool[]> {
    const rows = await this.pools.list();
    const counts = await this.datasets.countByPool();
    return rows.map((r) => this.toDto(r, counts.get(r.id) ?? 0));
  }

  async get(id: string): Promise<Pool> {
    const row = await this.entity(id);
    return this.toDto(row, (await this.datasets.countByPool()).get(id) ?? 0);
  }

  async entity(id: string): Promise<PoolEntity> {
    const row = await this.pools.findById(id);
    if (!row) throw DomainError.notFound('Pool');
    return row;
  }

  all(): Promise<PoolEntity[]> {
    return this.pools.list();
  }

  async candidates(): Promise<PoolCandidate[]> {
    const mounts = await readMounts(this.host.fs, this.host.mountinfo);
    const pools = await this.pools.list();
    const out: PoolCandidate[] = [];
    for (const m of candidateMounts(mounts)) {
      const st = await this.host.fs.stat(m.mountPoint).catch(() => null);
      if (st?.type !== 'directory') continue; // bind-mounted files (/etc/hosts and friends)
      const space = await this.host.fs.statfs(m.mountPoint).catch(() => null);
      out.push({
        mountPoint: m.mountPoint,
        fsType: m.fsType,
        source: m.source,
        readOnly: isReadOnlyMount(m),
        volatile: m.fsType === 'tmpfs' || m.fsType === 'ramfs',
        totalBytes: space ? space.totalBytes : null,
        usedBytes: space ? space.totalBytes - space.freeBytes : null,
        availableBytes: space ? space.availableBytes : null,
        poolId: pools.find((p) => p.mountPoint === m.mountPoint)?.id ?? null,
      });
    }
    return out.sort((a, b) => a.mountPoint.localeCompare(b.mountPoint));
  }

  // ---------------------------------------------------------------------------------------------
  // Changes
  // ---------------------------------------------------------------------------------------------

  async create(body: PoolCreate): Promise<Pool> {
    const { fs } = this.host;
    const fail = (message: string, field = 'path') => DomainError.validation([{ field, message }]);
    let real: string;
    try {
      real = await fs.realpath(body.path);
    } catch {
      throw fail(`${body.path} does not exist`);
    }
    const st = await fs.stat(real);
    if (st?.type !== 'directory') throw fail(`${body.path} is not a directory`);
    const grammar = AbsolutePath.safeParse(real);
    if (!grammar.success) throw fail(`resolves to ${real}, which ${grammar.error.issues[0]?.message ?? 'is not a valid path'}`);
    if (isSystemPath(real)) throw fail(`${real} is a system directory; use a mount point or a directory such as /srv/data or /mnt/tank`);
    for (const own of this.config.etcRoot === '/' ? [this.config.dataDir] : [this.config.dataDir, this.config.etcRoot]) {
      if (isWithin(own, real) || isWithin(real, own)) throw fail(`${real} overlaps MoxNAS's own directory ${own}`);
    }
    const mounts = await readMounts(fs, this.host.mountinfo);
    const mount = containingMount(mounts, real);
    if (!mount) throw fail(`${real} is not on any mounted file system`);
    if (PSEUDO_FILESYSTEMS.has(mount.fsType) || mount.fsType.startsWith('cgroup')) {
      throw fail(`${real} is on a ${mount.fsType} file system (${mount.mountPoint}), which cannot hold NAS data`);
    }
    if (isReadOnlyMount(mount)) throw fail(`${mount.mountPoint} is mounted read-only`);
    const writable = await probeWritable(fs, real);
    if (!writable.ok) throw fail(writable.reason ?? 'is not writable');

    const existing = await this.pools.list();
    if (existing.some((p) => p.name === body.name)) throw DomainError.conflict(`A pool named ${body.name} exists.`);
    const overlap = existing.find((p) => isWithin(real, p.path) || isWithin(p.path, real));
    if (overlap) throw DomainError.conflict(`${real} overlaps pool ${overlap.name} (${overlap.path}); pools cannot be nested.`);

    const capabilities = await probePoolCapabilities({ fs, runner: this.host.runner, path: real, mount, root: this.host.root });
    const inspection = await inspectPool(fs, { path: real, mountPoint: mount.mountPoint, fsType: mount.fsType }, mounts, this.clock.now().toISOString());
    const fields = {
      name: body.name,
      description: body.description,
      path: real,
      mountPoint: mount.mountPoint,
      fsType: mount.fsType,
      source: mount.source,
      warningPercent: body.warningPercent,
      criticalPercent: body.criticalPercent,
      snapshotDriver: snapshotDriverFor(capabilities),
      capabilities,
      health: inspection.health,
      space: inspection.space,
      usageLevel: usageLevel(inspection.space?.usedRatio, body.warningPercent, body.criticalPercent),
      refreshedAt: this.clock.now(),
    };
    const row = await this.pools.add(fields).catch((err: unknown) => {
      throw isUniqueViolation(err) ? DomainError.conflict(`A pool named ${body.name} or at ${real} exists.`) : err;
    });
    this.log.log({ pool: row.name, path: real, fsType: mount.fsType, driver: row.snapshotDriver }, 'pool registered');
    return this.toDto(row, 0);
  }

  async update(id: string, body: PoolUpdate): Promise<Pool> {
    const row = await this.entity(id);
    const before = await this.get(id);
    const warning = body.warningPercent ?? row.warningPercent;
    const critical = body.criticalPercent ?? row.criticalPercent;
    if (warning >= critical) throw DomainError.validation([{ field: body.warningPercent !== undefined ? 'warningPercent' : 'criticalPercent', message: `warningPercent (${warning}) must be below criticalPercent (${critical})` }]);
    if (body.name !== undefined && body.name !== row.name && (await this.pools.nameTaken(body.name))) {
      throw DomainError.conflict(`A pool named ${body.name} exists.`);
    }
    Object.assign(row, {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}),
      warningPercent: warning,
      criticalPercent: critical,
      usageLevel: usageLevel(row.space?.usedRatio, warning, critical),
    });
    try {
      await this.pools.save(row);
    } catch (err) {
      if (isUniqueViolation(err)) throw DomainError.conflict(`A pool named ${body.name} exists.`);
      throw err;
    }
    const after = await this.get(id);
    this.audit.describe({ target: `pool:${after.name}`, before, after });
    return after;
  }

  async remove(id: string): Promise<void> {
    const row = await this.entity(id);
    const datasets = await this.datasets.list(id);
    const dependants: StorageDependant[] = datasets.map((d) => ({ kind: 'dataset', id: d.id, name: d.relativePath, path: path.join(row.path, d.relativePath) }));
    dependants.push(...(await this.dependents.find({ kind: 'pool', id: row.id, name: row.name, path: row.path, poolId: row.id })));
    if (dependants.length) {
      throw DomainError.conflict(`Pool ${row.name} is in use: ${dependants.map((d) => `${d.kind} ${d.name}`).join(', ')}.`, { dependants });
    }
    const before = await this.get(id);
    await this.pools.remove(id);
    this.audit.describe({ target: `pool:${row.name}`, before, after: null });
    this.log.log({ pool: row.name }, 'pool unregistered (data left on disk)');
  }

  /** Re-checks one pool now, capabilities included. */
  async refresh(id: string): Promise<Pool> {
    const row = await this.entity(id);
    await this.refreshOne(row, { capabilities: true, announce: false });
    return this.get(id);
  }

  // ---------------------------------------------------------------------------------------------
  // Health
  // ---------------------------------------------------------------------------------------------

  async inspect(row: PoolEntity): Promise<PoolInspection> {
    return inspectPool(this.host.fs, row, await readMounts(this.host.fs, this.host.mountinfo), this.clock.now().toISOString());
  }

  /**
   * Re-checks a pool and stores the result; announces `pool.degraded` / `pool.recovered` when the
   * status changes (or, with `announce`, whenever it is degraded: the first check after a restart)
   * and `pool.usage` when the usage level changes.
   */
  async refreshOne(row: PoolEntity, options: { capabilities: boolean; announce: boolean; mounts?: MountInfoEntry[] }): Promise<PoolEntity> {
    const mounts = options.mounts ?? (await readMounts(this.host.fs, this.host.mountinfo));
    const inspection = await inspectPool(this.host.fs, row, mounts, this.clock.now().toISOString());
    const before = { status: row.health.status, level: row.usageLevel };
    row.health = inspection.health;
    row.space = inspection.space;
    row.usageLevel = usageLevel(inspection.space?.usedRatio, row.warningPercent, row.criticalPercent);
    row.refreshedAt = this.clock.now();
    if (inspection.mount && inspection.health.mounted) {
      row.source = inspection.mount.source;
      if (options.capabilities || (before.status === 'degraded' && inspection.health.status === 'online')) {
        row.capabilities = await probePoolCapabilities({ fs: this.host.fs, runner: this.host.runner, path: row.path, mount: inspection.mount, root: this.host.root });
      }
    }
    await this.pools.recordCheck(row.id, {
      health: row.health,
      space: row.space,
      usageLevel: row.usageLevel,
      refreshedAt: row.refreshedAt,
      source: row.source,
      capabilities: row.capabilities,
    });
    const data = { poolId: row.id, name: row.name, path: row.path };
    if (row.health.status === 'degraded' && (before.status === 'online' || options.announce)) {
      this.log.warn({ pool: row.name, problems: row.health.problems }, 'pool degraded');
      this.events.publish({ type: 'pool.degraded', access: 'viewer', data: { ...data, severity: 'critical', problems: row.health.problems } });
    } else if (row.health.status === 'online' && before.status === 'degraded') {
      this.log.log({ pool: row.name }, 'pool recovered');
      this.events.publish({ type: 'pool.recovered', access: 'viewer', data });
    }
    const alarming = (l: UsageLevel) => l === 'warning' || l === 'critical';
    const levelChanged = row.usageLevel !== before.level && row.usageLevel !== 'unknown' && (alarming(row.usageLevel) || alarming(before.level));
    if (levelChanged || (options.announce && alarming(row.usageLevel))) {
      this.events.publish({
        type: 'pool.usage',
        access: 'viewer',
        data: { ...data, level: row.usageLevel, previousLevel: before.level, usedRatio: row.space?.usedRatio ?? null, warningPercent: row.warningPercent, criticalPercent: row.criticalPercent },
      });
    }
    return row;
  }

  /** Throws 503 unless the pool is mounted and writable right now (checked live, not from the cache). */
  async assertOnline(row: PoolEntity): Promise<void> {
    const inspection = await this.inspect(row);
    if (inspection.health.status !== 'online') {
      if (row.health.status === 'online') await this.refreshOne(row, { capabilities: false, announce: false });
      throw DomainError.unavailable(`Pool ${row.name} is degraded: ${inspection.health.problems.join('; ')}`, { poolId: row.id, problems: inspection.health.problems });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // For other modules
  // ---------------------------------------------------------------------------------------------

  /**
   * Resolves a path inside a pool and returns its real path, refusing anything that leaves the
   * pool: `..` components, NUL, an absolute path outside the pool, or a symlink (anywhere on the
   * way) that points out of it. Relative paths are taken from the pool root. With
   * `mustExist: false` the path may be missing; its existing part is still resolved and checked.
   * Failures are 422s on `field` (default `path`); an unknown pool is a 404.
   */
  async resolveInPool(poolId: string, relativeOrAbsolutePath: string, options: { mustExist?: boolean; field?: string } = {}): Promise<string> {
    const field = options.field ?? 'path';
    const mustExist = options.mustExist ?? true;
    const row = await this.entity(poolId);
    const fail = (message: string) => DomainError.validation([{ field, message }]);
    const input = relativeOrAbsolutePath;
    if (input.includes('\u0000')) throw fail('must not contain NUL characters');
    let rel: string;
    if (input.startsWith('/')) {
      if (input.split('/').some((part) => part === '..' || part === '.')) throw fail('must not contain . or .. components');
      const normalized = path.posix.normalize(input).replace(/\/+$/, '') || '/';
      if (!isWithin(normalized, row.path)) throw fail(`${input} is not inside pool ${row.name} (${row.path})`);
      rel = path.posix.relative(row.path, normalized);
    } else {
      rel = input.replace(/\/+$/, '');
      const problem = innerPathProblem(rel);
      if (problem) throw fail(problem);
    }
    const poolReal = await this.host.fs.realpath(row.path).catch(() => {
      throw DomainError.unavailable(`Pool ${row.name} is not available: ${row.path} does not exist.`);
    });
    const target = rel ? path.join(poolReal, rel) : poolReal;
    // Resolve the longest existing prefix: symlinks inside it must stay inside the pool.
    let existing = target;
    const missing: string[] = [];
    for (;;) {
      const resolved = await this.host.fs.realpath(existing).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return null;
        throw err;
      });
      if (resolved !== null) {
        if (!isWithin(resolved, poolReal)) throw fail(`${input} leads out of pool ${row.name} through a symbolic link`);
        if (missing.length && (await this.host.fs.stat(resolved))?.type !== 'directory') throw fail(`${path.relative(poolReal, resolved) || '/'} is not a directory`);
        if (missing.length && mustExist) throw fail(`${input} does not exist in pool ${row.name}`);
        return missing.length ? path.join(resolved, ...missing.reverse()) : resolved;
      }
      if (existing === poolReal) throw fail(`${input} does not exist in pool ${row.name}`);
      const dangling = await this.host.fs.lstat(existing);
      if (dangling?.type === 'symlink') throw fail(`${path.relative(poolReal, existing)} is a dangling symbolic link`);
      missing.push(path.basename(existing));
      existing = path.dirname(existing);
    }
  }

  /** The pool a real path lives in, if any (the shares module uses it to find the pool of a share path). */
  async findByPath(realPath: string): Promise<PoolEntity | null> {
    return (await this.pools.list()).find((p) => isWithin(realPath, p.path)) ?? null;
  }

  // ---------------------------------------------------------------------------------------------

  toDto(row: PoolEntity, datasetCount: number): Pool {
    return {
      id: row.id,
      name: row.name,
      description: row.description,
      path: row.path,
      mountPoint: row.mountPoint,
      fsType: row.fsType,
      source: row.source,
      health: row.health,
      space: row.space,
      thresholds: { warningPercent: row.warningPercent, criticalPercent: row.criticalPercent },
      usageLevel: row.usageLevel,
      capabilities: row.capabilities,
      snapshotDriver: row.snapshotDriver,
      datasetCount,
      refreshedAt: row.refreshedAt ? row.refreshedAt.toISOString() : null,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  /** Reported by the pools in the detailed health check. */
  async healthSummary(): Promise<{ status: 'healthy' | 'degraded' | 'unhealthy'; pools: number; degraded: number; message?: string }> {
    const rows = await this.pools.list();
    const degraded = rows.filter((r) => r.health.status !== 'online');
    return {
      status: degraded.length ? 'degraded' : 'healthy',
      pools: rows.length,
      degraded: degraded.length,
      ...(degraded.length ? { message: degraded.map((r) => `${r.name}: ${r.health.problems.join('; ')}`).join(' | ') } : {}),
    };
  }
}
