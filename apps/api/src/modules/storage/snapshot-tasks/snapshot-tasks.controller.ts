import { Body, Controller, Param, Query } from '@nestjs/common';
import { snapshotTasksApi, type IdParams, type Job, type Retention, type RetentionPreview, type SnapshotTask, type SnapshotTaskCreate, type SnapshotTaskUpdate } from '@moxnas/contracts';
import { CurrentActor, type Actor } from '../../../core/http/actor';
import { Route } from '../../../core/http/route.decorator';
import { SnapshotTasksService } from './snapshot-tasks.service';

@Controller()
export class SnapshotTasksController {
  constructor(private readonly tasks: SnapshotTasksService) {}

  @Route(snapshotTasksApi.list)
  list(): Promise<SnapshotTask[]> {
    return this.tasks.list();
  }

  @Route(snapshotTasksApi.get)
  get(@Param() params: IdParams): Promise<SnapshotTask> {
    return this.tasks.get(params.id);
  }

  @Route(snapshotTasksApi.create)
  create(@Body() body: SnapshotTaskCreate): Promise<SnapshotTask> {
    return this.tasks.create(body);
  }

  @Route(snapshotTasksApi.update)
  update(@Param() params: IdParams, @Body() body: SnapshotTaskUpdate): Promise<SnapshotTask> {
    return this.tasks.update(params.id, body);
  }

  @Route(snapshotTasksApi.remove)
  remove(@Param() params: IdParams): Promise<void> {
    return this.tasks.remove(params.id);
  }

  @Route(snapshotTasksApi.run)
  async run(@Param() params: IdParams, @CurrentActor() actor: Actor | null): Promise<Job> {
    return (await this.tasks.run(params.id, { actor: actor?.username ?? null })).job;
  }

  @Route(snapshotTasksApi.retentionPreview)
  retentionPreview(@Param() params: IdParams, @Query() query: Partial<Retention>): Promise<RetentionPreview> {
    return this.tasks.preview(params.id, query);
  }
}
