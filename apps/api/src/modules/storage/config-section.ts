import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ExcludePatterns, PoolCapabilities, PoolName, PosixUserName, RemotePath, ReplicationHost, Retention, SnapshotDriverKind, StoredDatasetName, TcpPort, type ConfigChange } from '@moxnas/contracts';
import { In, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { ConfigBackupRegistry } from '../system/config-backup/config-backup.registry';
import { DatasetEntity } from './entities/dataset.entity';
import { PoolEntity } from './entities/pool.entity';
import { ReplicationTaskEntity } from './entities/replication.entity';
import { SnapshotTaskDatasetEntity, SnapshotTaskEntity } from './entities/snapshot-task.entity';
import { PoolsService } from './pools/pools.service';
import { nextRun, scheduleProblem, timeZoneProblem } from './snapshot-tasks/cron-schedule';
import { SnapshotsService } from './snapshots/snapshots.service';
import { STORAGE_CLOCK, type StorageClock } from './storage-host';
import { changedKeys, planById } from '../system/config-backup/config-diff';

// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const AbsolutePath = z.string().max(4096).regex(/^\/[^\u0000-\u001f\u007f]*$/, 'must be an absolute path without control characters');
const OneLine = (max: number) => z.string().max(max).regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');

const PoolRecord = z.strictObject({
  id: z.string().uuid(),
  name: PoolName,
  description: OneLine(200).nullable(),
  path: AbsolutePath,
  mountPoint: AbsolutePath,
  fsType: OneLine(64),
  source: OneLine(4096),
  warningPercent: z.number().int().min(1).max(100),
  criticalPercent: z.number().int().min(1).max(100),
  snapshotDriver: SnapshotDriverKind,
  capabilities: PoolCapabilities.describe('As last probed; probed again after the import.'),
});

const DatasetRecord = z.strictObject({
  id: z.string().uuid(),
  poolId: z.string().uuid(),
  parentId: z.string().uuid().nullable(),
  // As stored: names made before the stricter rules for new datasets must import again.
  name: StoredDatasetName,
  relativePath: z.string().min(1).max(4096),
  backend: z.enum(['directory', 'btrfs-subvolume', 'zfs-filesystem']),
  zfsName: OneLine(1024).nullable(),
  snapshotDriver: SnapshotDriverKind,
  uid: z.number().int().min(0).max(4294967294),
  gid: z.number().int().min(0).max(4294967294),
  mode: z.number().int().min(0).max(0o7777),
  acl: z
    .array(z.strictObject({ tag: z.enum(['user', 'group', 'mask']), id: z.number().int().min(0).nullable(), perms: z.string().regex(/^[r-][w-][x-]$/), default: z.boolean() }))
    .max(64),
  quotaBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable(),
  quotaKind: z.enum(['hard', 'soft']).nullable(),
  hardQuotaKind: z.enum(['zfs', 'btrfs-qgroup', 'xfs-project']).nullable(),
  projectId: z.number().int().min(1).nullable(),
  comment: OneLine(200).nullable(),
});

const TaskRecord = z.strictObject({
  id: z.string().uuid(),
  name: OneLine(100).min(1),
  schedule: z.string().max(200),
  timezone: z.string().max(64),
  retention: Retention,
  enabled: z.boolean(),
  datasetIds: z.array(z.string().uuid()).min(1).max(1000),
});

/** A replication task with its pinned host keys (public keys: part of the desired state). */
const ReplicationRecord = z.strictObject({
  id: z.string().uuid(),
  name: OneLine(100).min(1),
  datasetId: z.string().uuid(),
  host: ReplicationHost,
  port: TcpPort,
  user: PosixUserName,
  remotePath: RemotePath,
  schedule: z.string().max(200).nullable(),
  timezone: z.string().max(64),
  bandwidthLimitKiBps: z.number().int().min(1).max(10_000_000).nullable(),
  deleteOnTarget: z.boolean(),
  excludes: ExcludePatterns,
  enabled: z.boolean(),
  hostKeys: z
    .array(z.strictObject({ type: z.string().regex(/^[a-z0-9@.-]{1,64}$/), key: z.string().max(16384).regex(/^[A-Za-z0-9+/]+=*$/) }))
    .max(16)
    .nullable(),
});

function unique<T>(list: T[], key: (x: T) => string | number | null, path: (i: number) => (string | number)[], what: string, ctx: z.RefinementCtx): void {
  const seen = new Set<string | number>();
  list.forEach((x, i) => {
    const k = key(x);
    if (k === null) return;
    if (seen.has(k)) ctx.addIssue({ code: 'custom', message: `${what} is used twice`, path: path(i) });
    seen.add(k);
  });
}

export const StorageSection = z
  .strictObject({
    pools: z.array(PoolRecord).max(1000),
    datasets: z.array(DatasetRecord).max(100000),
    snapshotTasks: z.array(TaskRecord).max(10000),
    // Absent from files made before replication existed.
    replicationTasks: z.array(ReplicationRecord).max(10000).default([]),
  })
  .superRefine((s, ctx) => {
    unique(s.pools, (p) => p.id, (i) => ['pools', i, 'id'], 'the id', ctx);
    unique(s.pools, (p) => p.name, (i) => ['pools', i, 'name'], 'the name', ctx);
    unique(s.pools, (p) => p.path, (i) => ['pools', i, 'path'], 'the path', ctx);
    unique(s.datasets, (d) => d.id, (i) => ['datasets', i, 'id'], 'the id', ctx);
    unique(s.datasets, (d) => `${d.poolId}:${d.relativePath}`, (i) => ['datasets', i, 'relativePath'], 'the path', ctx);
    unique(s.datasets, (d) => d.projectId, (i) => ['datasets', i, 'projectId'], 'the project id', ctx);
    unique(s.snapshotTasks, (t) => t.id, (i) => ['snapshotTasks', i, 'id'], 'the id', ctx);
    unique(s.snapshotTasks, (t) => t.name, (i) => ['snapshotTasks', i, 'name'], 'the name', ctx);
    unique(s.replicationTasks, (t) => t.id, (i) => ['replicationTasks', i, 'id'], 'the id', ctx);
    unique(s.replicationTasks, (t) => t.name, (i) => ['replicationTasks', i, 'name'], 'the name', ctx);
    s.pools.forEach((p, i) => {
      if (p.warningPercent >= p.criticalPercent) ctx.addIssue({ code: 'custom', message: 'must be below criticalPercent', path: ['pools', i, 'warningPercent'] });
    });
    const pools = new Set(s.pools.map((p) => p.id));
    const datasets = new Map(s.datasets.map((d) => [d.id, d]));
    s.datasets.forEach((d, i) => {
      if (!pools.has(d.poolId)) ctx.addIssue({ code: 'custom', message: 'no pool with this id in this section', path: ['datasets', i, 'poolId'] });
      const parent = d.parentId === null ? null : datasets.get(d.parentId);
      if (parent === undefined) ctx.addIssue({ code: 'custom', message: 'no dataset with this id in this section', path: ['datasets', i, 'parentId'] });
      else if (parent && parent.poolId !== d.poolId) ctx.addIssue({ code: 'custom', message: 'the parent is in another pool', path: ['datasets', i, 'parentId'] });
      const expected = parent ? `${parent.relativePath}/${d.name}` : d.name;
      if (parent !== undefined && d.relativePath !== expected) ctx.addIssue({ code: 'custom', message: `must be ${expected} (the parent's path and the name)`, path: ['datasets', i, 'relativePath'] });
    });
    s.snapshotTasks.forEach((t, i) => {
      const tz = timeZoneProblem(t.timezone);
      if (tz) ctx.addIssue({ code: 'custom', message: tz, path: ['snapshotTasks', i, 'timezone'] });
      const schedule = tz ? undefined : scheduleProblem(t.schedule, t.timezone);
      if (schedule) ctx.addIssue({ code: 'custom', message: schedule, path: ['snapshotTasks', i, 'schedule'] });
      t.datasetIds.forEach((id, j) => {
        if (!datasets.has(id)) ctx.addIssue({ code: 'custom', message: 'no dataset with this id in this section', path: ['snapshotTasks', i, 'datasetIds', j] });
      });
    });
    s.replicationTasks.forEach((t, i) => {
      const tz = timeZoneProblem(t.timezone);
      if (tz) ctx.addIssue({ code: 'custom', message: tz, path: ['replicationTasks', i, 'timezone'] });
      const schedule = tz || t.schedule === null ? undefined : scheduleProblem(t.schedule, t.timezone);
      if (schedule) ctx.addIssue({ code: 'custom', message: schedule, path: ['replicationTasks', i, 'schedule'] });
      if (!datasets.has(t.datasetId)) ctx.addIssue({ code: 'custom', message: 'no dataset with this id in this section', path: ['replicationTasks', i, 'datasetId'] });
    });
  });
export type StorageSection = z.infer<typeof StorageSection>;
type PoolRecord = StorageSection['pools'][number];
type DatasetRecord = StorageSection['datasets'][number];
type TaskRecord = StorageSection['snapshotTasks'][number];
type ReplicationRecord = StorageSection['replicationTasks'][number];

function replicationRecord(t: ReplicationTaskEntity): ReplicationRecord {
  return {
    id: t.id,
    name: t.name,
    datasetId: t.datasetId,
    host: t.host,
    port: t.port,
    user: t.user,
    remotePath: t.remotePath,
    schedule: t.schedule,
    timezone: t.timezone,
    bandwidthLimitKiBps: t.bandwidthLimitKiBps,
    deleteOnTarget: t.deleteOnTarget,
    excludes: t.excludes,
    enabled: t.enabled,
    hostKeys: t.hostKeys,
  };
}

function poolRecord(p: PoolEntity): PoolRecord {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    path: p.path,
    mountPoint: p.mountPoint,
    fsType: p.fsType,
    source: p.source,
    warningPercent: p.warningPercent,
    criticalPercent: p.criticalPercent,
    snapshotDriver: p.snapshotDriver,
    capabilities: p.capabilities,
  };
}

function datasetRecord(d: DatasetEntity): DatasetRecord {
  return {
    id: d.id,
    poolId: d.poolId,
    parentId: d.parentId,
    name: d.name,
    relativePath: d.relativePath,
    backend: d.backend,
    zfsName: d.zfsName,
    snapshotDriver: d.snapshotDriver,
    uid: d.uid,
    gid: d.gid,
    mode: d.mode,
    acl: d.acl,
    quotaBytes: d.quotaBytes,
    quotaKind: d.quotaKind,
    hardQuotaKind: d.hardQuotaKind,
    projectId: d.projectId,
    comment: d.comment,
  };
}

async function current(m: EntityManager): Promise<StorageSection> {
  const links = await m.find(SnapshotTaskDatasetEntity, { order: { position: 'ASC' } });
  return {
    pools: (await m.find(PoolEntity, { order: { name: 'ASC' } })).map(poolRecord),
    datasets: (await m.find(DatasetEntity, { order: { poolId: 'ASC', relativePath: 'ASC' } })).map(datasetRecord),
    snapshotTasks: (await m.find(SnapshotTaskEntity, { order: { name: 'ASC' } })).map((t) => ({
      id: t.id,
      name: t.name,
      schedule: t.schedule,
      timezone: t.timezone,
      retention: t.retention,
      enabled: t.enabled,
      datasetIds: links.filter((l) => l.taskId === t.id).map((l) => l.datasetId),
    })),
    replicationTasks: (await m.find(ReplicationTaskEntity, { order: { name: 'ASC' } })).map(replicationRecord),
  };
}

/**
 * The `storage` section of the configuration export: pools, datasets, snapshot tasks and
 * replication tasks (with their pinned host keys; the replication key pair is not in it). Snapshots
 * are not in it: they live on the pools and come back with a rescan after the import. Importing
 * never creates, moves or deletes data on disk: a dataset left out of the file is forgotten (like
 * `keepData=true`), its directory stays.
 */
@Injectable()
export class StorageConfigSection implements OnModuleInit {
  private readonly log = new Logger('config-backup');
  private imported = false;

  constructor(
    private readonly registry: ConfigBackupRegistry,
    private readonly pools: PoolsService,
    private readonly snapshots: SnapshotsService,
    @Inject(STORAGE_CLOCK) private readonly clock: StorageClock,
  ) {}

  onModuleInit(): void {
    this.registry.contribute<StorageSection>({
      name: 'storage',
      version: 1,
      order: 200,
      schema: StorageSection,
      export: current,
      plan: (m, incoming) => this.plan(m, incoming),
      import: (m, incoming) => this.replace(m, incoming),
      afterImport: () => this.afterImport(),
    });
  }

  private async plan(m: EntityManager, incoming: StorageSection): Promise<ConfigChange[]> {
    const now = await current(m);
    const poolName = new Map([...now.pools, ...incoming.pools].map((p) => [p.id, p.name]));
    return [
      // Capabilities are the host's answer, probed again after the import: not a change of the state.
      ...planById<PoolRecord>('pool', now.pools, incoming.pools, (p) => p.name, (a, b) => changedKeys(a, b, ['capabilities'])),
      ...planById<DatasetRecord>('dataset', now.datasets, incoming.datasets, (d) => `${poolName.get(d.poolId) ?? d.poolId}/${d.relativePath}`),
      ...planById<TaskRecord>('snapshot task', now.snapshotTasks, incoming.snapshotTasks, (t) => t.name),
      ...planById<ReplicationRecord>('replication task', now.replicationTasks, incoming.replicationTasks, (t) => t.name),
    ];
  }

  private async replace(m: EntityManager, incoming: StorageSection): Promise<void> {
    const at = this.clock.now();
    const oldPools = new Map((await m.find(PoolEntity)).map((p) => [p.id, p]));
    const oldDatasets = new Map((await m.find(DatasetEntity)).map((d) => [d.id, d]));
    const oldTasks = new Map((await m.find(SnapshotTaskEntity)).map((t) => [t.id, t]));
    const inPools = new Set(incoming.pools.map((p) => p.id));
    const inDatasets = new Set(incoming.datasets.map((d) => d.id));
    const inTasks = new Set(incoming.snapshotTasks.map((t) => t.id));
    const oldReplication = new Map((await m.find(ReplicationTaskEntity)).map((t) => [t.id, t]));
    const inReplication = new Set(incoming.replicationTasks.map((t) => t.id));

    // Tasks and their dataset lists first (rebuilt below), then datasets that are not in the file.
    const goneTasks = [...oldTasks.keys()].filter((id) => !inTasks.has(id));
    if (goneTasks.length) await m.delete(SnapshotTaskEntity, { id: In(goneTasks) });
    const goneReplication = [...oldReplication.keys()].filter((id) => !inReplication.has(id));
    if (goneReplication.length) await m.delete(ReplicationTaskEntity, { id: In(goneReplication) });
    await m.createQueryBuilder().delete().from(SnapshotTaskDatasetEntity).execute();
    await m.createQueryBuilder().update(DatasetEntity).set({ parentId: null }).execute();
    const goneDatasets = [...oldDatasets.keys()].filter((id) => !inDatasets.has(id));
    if (goneDatasets.length) await m.delete(DatasetEntity, { id: In(goneDatasets) });

    // Park kept rows on placeholder values so renames and swaps do not trip the unique indexes.
    for (const p of incoming.pools) {
      const old = oldPools.get(p.id);
      if (old && (old.name !== p.name || old.path !== p.path)) await m.update(PoolEntity, { id: p.id }, { name: `~${p.id}`, path: `~${p.id}` });
    }
    for (const d of incoming.datasets) {
      const old = oldDatasets.get(d.id);
      if (old && (old.poolId !== d.poolId || old.relativePath !== d.relativePath || old.projectId !== d.projectId)) {
        await m.update(DatasetEntity, { id: d.id }, { relativePath: `~${d.id}`, projectId: null });
      }
    }
    for (const t of incoming.snapshotTasks) {
      const old = oldTasks.get(t.id);
      if (old && old.name !== t.name) await m.update(SnapshotTaskEntity, { id: t.id }, { name: `~${t.id}` });
    }
    for (const t of incoming.replicationTasks) {
      const old = oldReplication.get(t.id);
      if (old && old.name !== t.name) await m.update(ReplicationTaskEntity, { id: t.id }, { name: `~${t.id}` });
    }

    for (const p of incoming.pools) {
      const old = oldPools.get(p.id);
      const moved = !old || old.path !== p.path || old.mountPoint !== p.mountPoint;
      await m.save(
        m.create(PoolEntity, {
          ...p,
          // Health and space are the host's: unknown until the refresh after the commit.
          health: !moved && old ? old.health : { status: 'degraded', mounted: false, writable: false, readOnly: false, problems: ['not checked since the configuration import'], checkedAt: null },
          space: !moved && old ? old.space : null,
          usageLevel: !moved && old ? old.usageLevel : 'unknown',
          refreshedAt: !moved && old ? old.refreshedAt : null,
          createdAt: old?.createdAt ?? at,
        }),
      );
    }
    // Parents before children.
    const ordered = [...incoming.datasets].sort((a, b) => a.relativePath.split('/').length - b.relativePath.split('/').length);
    for (const d of ordered) {
      const old = oldDatasets.get(d.id);
      const same = old && old.poolId === d.poolId && old.relativePath === d.relativePath;
      await m.save(
        m.create(DatasetEntity, {
          ...d,
          usedBytes: same ? old.usedBytes : null,
          usedBytesAt: same ? old.usedBytesAt : null,
          usedComplete: same ? old.usedComplete : false,
          quotaExceeded: same && old.usedBytes !== null && d.quotaBytes !== null ? old.usedBytes > d.quotaBytes : false,
          createdAt: old?.createdAt ?? at,
        }),
      );
    }
    const gonePools = [...oldPools.keys()].filter((id) => !inPools.has(id));
    if (gonePools.length) await m.delete(PoolEntity, { id: In(gonePools) });

    for (const t of incoming.snapshotTasks) {
      const old = oldTasks.get(t.id);
      const sameSchedule = old && old.schedule === t.schedule && old.timezone === t.timezone && old.enabled === t.enabled;
      await m.save(
        m.create(SnapshotTaskEntity, {
          id: t.id,
          name: t.name,
          schedule: t.schedule,
          timezone: t.timezone,
          retention: t.retention,
          enabled: t.enabled,
          nextRunAt: sameSchedule ? old.nextRunAt : t.enabled ? nextRun(t.schedule, t.timezone, at) : null,
          lastRunAt: old?.lastRunAt ?? null,
          lastResult: old?.lastResult ?? null,
          lastError: old?.lastError ?? null,
          lastJobId: old?.lastJobId ?? null,
          createdAt: old?.createdAt ?? at,
        }),
      );
      if (t.datasetIds.length) await m.insert(SnapshotTaskDatasetEntity, t.datasetIds.map((datasetId, position) => ({ taskId: t.id, datasetId, position })));
    }
    for (const t of incoming.replicationTasks) {
      const old = oldReplication.get(t.id);
      const sameSchedule = old && old.schedule === t.schedule && old.timezone === t.timezone && old.enabled === t.enabled;
      const sameTarget = old && old.host === t.host && old.port === t.port;
      await m.save(
        m.create(ReplicationTaskEntity, {
          ...t,
          hostKeysPinnedAt: t.hostKeys ? (sameTarget && old.hostKeysPinnedAt ? old.hostKeysPinnedAt : at) : null,
          nextRunAt: sameSchedule ? old.nextRunAt : t.enabled && t.schedule ? nextRun(t.schedule, t.timezone, at) : null,
          lastRunAt: old?.lastRunAt ?? null,
          lastResult: old?.lastResult ?? null,
          lastError: old?.lastError ?? null,
          lastSuccessAt: old?.lastSuccessAt ?? null,
          lastJobId: old?.lastJobId ?? null,
          createdAt: old?.createdAt ?? at,
        }),
      );
    }
    this.imported = true;
  }

  /** Probes every pool again (health, space, capabilities) and rescans the snapshots on disk. */
  private async afterImport(): Promise<void> {
    if (!this.imported) return;
    this.imported = false;
    const failures: string[] = [];
    for (const pool of await this.pools.all()) {
      await this.pools.refresh(pool.id).catch((e: Error) => failures.push(`pool ${pool.name}: ${e.message}`));
    }
    const rescan = await this.snapshots.rescan(null).catch((e: Error) => {
      failures.push(`snapshot rescan: ${e.message}`);
      return null;
    });
    if (rescan) this.log.log(rescan, 'snapshots rescanned after the configuration import');
    if (failures.length) throw new Error(failures.join('; '));
  }
}
