import { Body, Controller, Param, Query } from '@nestjs/common';
import { replicationTasksApi, type IdParams, type ReplicationPublicKey, type ReplicationRun, type ReplicationRunStarted, type ReplicationTask, type ReplicationTaskCreate, type ReplicationTaskUpdate } from '@moxnas/contracts';
import { CurrentActor, type Actor } from '../../../core/http/actor';
import { Route } from '../../../core/http/route.decorator';
import { ReplicationService } from './replication.service';

@Controller()
export class ReplicationController {
  constructor(private readonly replication: ReplicationService) {}

  @Route(replicationTasksApi.list)
  list(): Promise<ReplicationTask[]> {
    return this.replication.list();
  }

  @Route(replicationTasksApi.get)
  get(@Param() params: IdParams): Promise<ReplicationTask> {
    return this.replication.get(params.id);
  }

  @Route(replicationTasksApi.create)
  create(@Body() body: ReplicationTaskCreate): Promise<ReplicationTask> {
    return this.replication.create(body);
  }

  @Route(replicationTasksApi.update)
  update(@Param() params: IdParams, @Body() body: ReplicationTaskUpdate): Promise<ReplicationTask> {
    return this.replication.update(params.id, body);
  }

  @Route(replicationTasksApi.remove)
  remove(@Param() params: IdParams): Promise<void> {
    return this.replication.remove(params.id);
  }

  @Route(replicationTasksApi.run)
  async run(@Param() params: IdParams, @CurrentActor() actor: Actor | null): Promise<ReplicationRunStarted> {
    const { job, run } = await this.replication.run(params.id, { actor: actor?.username ?? null });
    return { job, run };
  }

  @Route(replicationTasksApi.runs)
  runs(@Param() params: IdParams, @Query() query: { page: number; pageSize: number }): Promise<{ items: ReplicationRun[]; total: number; page: number; pageSize: number }> {
    return this.replication.history(params.id, query);
  }

  @Route(replicationTasksApi.forgetHostKey)
  forgetHostKey(@Param() params: IdParams): Promise<ReplicationTask> {
    return this.replication.forgetHostKey(params.id);
  }

  @Route(replicationTasksApi.publicKey)
  publicKey(): Promise<ReplicationPublicKey> {
    return this.replication.publicKey();
  }
}
