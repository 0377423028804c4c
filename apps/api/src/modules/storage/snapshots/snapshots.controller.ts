import { Body, Controller, Param, Query } from '@nestjs/common';
import { snapshotsApi, type IdParams, type Job, type ResponseOf, type Snapshot, type SnapshotRestore } from '@moxnas/contracts';
import { CurrentActor, type Actor } from '../../../core/http/actor';
import { Route } from '../../../core/http/route.decorator';
import { SnapshotRestoreService } from './snapshot-restore.service';
import { SnapshotsService, type SnapshotListFilter } from './snapshots.service';

@Controller()
export class SnapshotsController {
  constructor(
    private readonly snapshots: SnapshotsService,
    private readonly restores: SnapshotRestoreService,
  ) {}

  @Route(snapshotsApi.list)
  list(@Query() query: SnapshotListFilter): Promise<ResponseOf<typeof snapshotsApi.list>> {
    return this.snapshots.list(query);
  }

  @Route(snapshotsApi.rescan)
  rescan(@Body() body: { datasetId: string | null }): Promise<ResponseOf<typeof snapshotsApi.rescan>> {
    return this.snapshots.rescan(body.datasetId);
  }

  @Route(snapshotsApi.get)
  get(@Param() params: IdParams): Promise<Snapshot> {
    return this.snapshots.get(params.id);
  }

  @Route(snapshotsApi.create)
  create(@Body() body: { datasetId: string }, @CurrentActor() actor: Actor | null): Promise<ResponseOf<typeof snapshotsApi.create>> {
    return this.snapshots.create(body.datasetId, actor?.username ?? null);
  }

  @Route(snapshotsApi.remove)
  remove(@Param() params: IdParams, @CurrentActor() actor: Actor | null): Promise<Job> {
    return this.snapshots.remove(params.id, actor?.username ?? null);
  }

  @Route(snapshotsApi.restore)
  restore(@Param() params: IdParams, @Body() body: SnapshotRestore, @CurrentActor() actor: Actor | null): Promise<Job> {
    return this.restores.restore(params.id, body, actor?.username ?? null);
  }

  @Route(snapshotsApi.files)
  files(@Param() params: IdParams, @Query() query: { path: string; page: number; pageSize: number }): Promise<ResponseOf<typeof snapshotsApi.files>> {
    return this.restores.files(params.id, query);
  }
}
