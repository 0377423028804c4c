import { Body, Controller, Param, Query } from '@nestjs/common';
import {
  nfsSharesApi,
  type DryRunQuery,
  type IdParams,
  type ShareDeletion,
  type NfsShare,
  type NfsShareCreate,
  type NfsShareListQuery,
  type NfsShareMutation,
  type NfsShareUpdate,
} from '@moxnas/contracts';
import { CurrentActor, type Actor } from '../../../core/http/actor';
import { Route } from '../../../core/http/route.decorator';
import type { Page } from '../share-support';
import { NfsSharesService } from './nfs-shares.service';

@Controller()
export class NfsSharesController {
  constructor(private readonly shares: NfsSharesService) {}

  @Route(nfsSharesApi.list)
  list(@Query() query: NfsShareListQuery): Promise<Page<NfsShare>> {
    return this.shares.list(query);
  }

  @Route(nfsSharesApi.get)
  get(@Param() params: IdParams): Promise<NfsShare> {
    return this.shares.get(params.id);
  }

  @Route(nfsSharesApi.create)
  create(@Body() body: NfsShareCreate, @Query() query: DryRunQuery, @CurrentActor() actor: Actor | null): Promise<NfsShareMutation> {
    return this.shares.create(body, { dryRun: query.dryRun, actor: actor?.username ?? null });
  }

  @Route(nfsSharesApi.update)
  update(@Param() params: IdParams, @Body() body: NfsShareUpdate, @Query() query: DryRunQuery, @CurrentActor() actor: Actor | null): Promise<NfsShareMutation> {
    return this.shares.update(params.id, body, { dryRun: query.dryRun, actor: actor?.username ?? null });
  }

  @Route(nfsSharesApi.remove)
  remove(@Param() params: IdParams, @Query() query: DryRunQuery, @CurrentActor() actor: Actor | null): Promise<ShareDeletion> {
    return this.shares.remove(params.id, { dryRun: query.dryRun, actor: actor?.username ?? null });
  }
}
