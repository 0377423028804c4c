import { Body, Controller, Param } from '@nestjs/common';
import { poolsApi, type IdParams, type Pool, type PoolCandidate, type PoolCreate, type PoolUpdate, type UsageReport } from '@moxnas/contracts';
import { Route } from '../../../core/http/route.decorator';
import { PoolsService } from './pools.service';
import { StorageUsageService } from './storage-usage.service';

@Controller()
export class PoolsController {
  constructor(
    private readonly pools: PoolsService,
    private readonly usage: StorageUsageService,
  ) {}

  @Route(poolsApi.list)
  list(): Promise<Pool[]> {
    return this.pools.list();
  }

  @Route(poolsApi.candidates)
  candidates(): Promise<PoolCandidate[]> {
    return this.pools.candidates();
  }

  @Route(poolsApi.usage)
  usageReport(): Promise<UsageReport> {
    return this.usage.usageReport();
  }

  @Route(poolsApi.get)
  get(@Param() params: IdParams): Promise<Pool> {
    return this.pools.get(params.id);
  }

  @Route(poolsApi.create)
  create(@Body() body: PoolCreate): Promise<Pool> {
    return this.pools.create(body);
  }

  @Route(poolsApi.update)
  update(@Param() params: IdParams, @Body() body: PoolUpdate): Promise<Pool> {
    return this.pools.update(params.id, body);
  }

  @Route(poolsApi.remove)
  remove(@Param() params: IdParams): Promise<void> {
    return this.pools.remove(params.id);
  }

  @Route(poolsApi.refresh)
  refresh(@Param() params: IdParams): Promise<Pool> {
    return this.pools.refresh(params.id);
  }
}
