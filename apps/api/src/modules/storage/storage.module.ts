import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SystemModule } from '../system/system.module';
import { DatasetAclController } from './acl/dataset-acl.controller';
import { DatasetAclService } from './acl/dataset-acl.service';
import { StorageConfigSection } from './config-section';
import { StorageSystemContribution } from './system-contribution';
import { DatasetLocks } from './dataset-locks';
import { AccountNames } from './datasets/account-names';
import { DatasetMeasureService } from './datasets/dataset-measure.service';
import { DatasetUsageService } from './datasets/dataset-usage.service';
import { DatasetsController } from './datasets/datasets.controller';
import { DatasetsRepository } from './datasets/datasets.repository';
import { DatasetsService } from './datasets/datasets.service';
import { DatasetEntity } from './entities/dataset.entity';
import { PoolEntity } from './entities/pool.entity';
import { SnapshotTaskDatasetEntity, SnapshotTaskEntity } from './entities/snapshot-task.entity';
import { SnapshotEntity } from './entities/snapshot.entity';
import { ReplicationRunEntity, ReplicationTaskEntity } from './entities/replication.entity';
import { ReplicationController } from './replication/replication.controller';
import { ReplicationSchedulerService } from './replication/replication-scheduler.service';
import { ReplicationRepository } from './replication/replication.repository';
import { ReplicationService } from './replication/replication.service';
import { PoolDependents } from './pools/pool-dependents';
import { PoolMonitorService } from './pools/pool-monitor.service';
import { PoolsController } from './pools/pools.controller';
import { PoolsRepository } from './pools/pools.repository';
import { PoolsService } from './pools/pools.service';
import { StorageUsageService } from './pools/storage-usage.service';
import { SnapshotSchedulerService } from './snapshot-tasks/snapshot-scheduler.service';
import { SnapshotTasksController } from './snapshot-tasks/snapshot-tasks.controller';
import { SnapshotTasksService } from './snapshot-tasks/snapshot-tasks.service';
import { SnapshotsController } from './snapshots/snapshots.controller';
import { SnapshotModeCache } from './snapshots/snapshot-modes';
import { SnapshotRestoreService } from './snapshots/snapshot-restore.service';
import { SnapshotsRepository } from './snapshots/snapshots.repository';
import { SnapshotsService } from './snapshots/snapshots.service';
import { createStorageHost, defaultStorageOptions, STORAGE_CLOCK, STORAGE_HOST, STORAGE_OPTIONS, type StorageClock } from './storage-host';

/**
 * Storage: pools (registered mounts), datasets (directories, subvolumes or ZFS file systems in them),
 * snapshots (zfs, btrfs or hard-link copies, shown to SMB clients as Previous Versions) and
 * scheduled snapshot tasks with retention, and replication tasks (rsync over ssh to another host). Other modules use PoolsService.resolveInPool,
 * PoolDependents, SnapshotsService.previousVersionsFor and StorageUsageService (docs/storage.md).
 */
@Module({
  imports: [SystemModule, TypeOrmModule.forFeature([PoolEntity, DatasetEntity, SnapshotEntity, SnapshotTaskEntity, SnapshotTaskDatasetEntity, ReplicationTaskEntity, ReplicationRunEntity])],
  controllers: [PoolsController, DatasetsController, DatasetAclController, SnapshotsController, SnapshotTasksController, ReplicationController],
  providers: [
    { provide: STORAGE_HOST, useFactory: createStorageHost },
    // One clock object per app: tests replace its `now` on the instance to drive time.
    { provide: STORAGE_CLOCK, useFactory: (): StorageClock => ({ now: () => new Date() }) },
    { provide: STORAGE_OPTIONS, useValue: defaultStorageOptions },
    PoolDependents,
    DatasetLocks,
    AccountNames,
    PoolsRepository,
    PoolsService,
    PoolMonitorService,
    StorageUsageService,
    DatasetsRepository,
    DatasetMeasureService,
    DatasetsService,
    DatasetUsageService,
    DatasetAclService,
    SnapshotsRepository,
    SnapshotModeCache,
    SnapshotsService,
    SnapshotRestoreService,
    SnapshotTasksService,
    SnapshotSchedulerService,
    ReplicationRepository,
    ReplicationService,
    ReplicationSchedulerService,
    StorageConfigSection,
    StorageSystemContribution,
  ],
  exports: [PoolsService, PoolDependents, SnapshotsService, StorageUsageService, DatasetsService],
})
export class StorageModule {}
