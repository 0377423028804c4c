import { Body, Controller, Param, Query } from '@nestjs/common';
import { datasetsApi, type Dataset, type DatasetCreate, type DatasetDeleteQuery, type DatasetUpdate, type IdParams, type Job } from '@moxnas/contracts';
import { CurrentActor, type Actor } from '../../../core/http/actor';
import { Route } from '../../../core/http/route.decorator';
import { DatasetsService } from './datasets.service';

@Controller()
export class DatasetsController {
  constructor(private readonly datasets: DatasetsService) {}

  @Route(datasetsApi.list)
  list(@Query() query: { poolId?: string }): Promise<Dataset[]> {
    return this.datasets.list(query.poolId);
  }

  @Route(datasetsApi.get)
  get(@Param() params: IdParams): Promise<Dataset> {
    return this.datasets.get(params.id);
  }

  @Route(datasetsApi.create)
  create(@Body() body: DatasetCreate): Promise<Dataset> {
    return this.datasets.create(body);
  }

  @Route(datasetsApi.update)
  update(@Param() params: IdParams, @Body() body: DatasetUpdate): Promise<Dataset> {
    return this.datasets.update(params.id, body);
  }

  @Route(datasetsApi.remove)
  remove(@Param() params: IdParams, @Query() query: DatasetDeleteQuery, @CurrentActor() actor: Actor | null): Promise<Job> {
    return this.datasets.remove(params.id, query.keepData, actor?.username ?? null);
  }

  @Route(datasetsApi.measure)
  measure(@Param() params: IdParams, @CurrentActor() actor: Actor | null): Promise<Job> {
    return this.datasets.measure(params.id, actor?.username ?? null);
  }
}
