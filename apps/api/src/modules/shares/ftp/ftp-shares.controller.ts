import { Body, Controller, Param, Query } from '@nestjs/common';
import {
  ftpSharesApi,
  type DryRunQuery,
  type IdParams,
  type ShareDeletion,
  type FtpShare,
  type FtpShareCreate,
  type FtpShareListQuery,
  type FtpShareMutation,
  type FtpShareUpdate,
} from '@moxnas/contracts';
import { CurrentActor, type Actor } from '../../../core/http/actor';
import { Route } from '../../../core/http/route.decorator';
import type { Page } from '../share-support';
import { FtpSharesService } from './ftp-shares.service';

@Controller()
export class FtpSharesController {
  constructor(private readonly shares: FtpSharesService) {}

  @Route(ftpSharesApi.list)
  list(@Query() query: FtpShareListQuery): Promise<Page<FtpShare>> {
    return this.shares.list(query);
  }

  @Route(ftpSharesApi.get)
  get(@Param() params: IdParams): Promise<FtpShare> {
    return this.shares.get(params.id);
  }

  @Route(ftpSharesApi.create)
  create(@Body() body: FtpShareCreate, @Query() query: DryRunQuery, @CurrentActor() actor: Actor | null): Promise<FtpShareMutation> {
    return this.shares.create(body, { dryRun: query.dryRun, actor: actor?.username ?? null });
  }

  @Route(ftpSharesApi.update)
  update(@Param() params: IdParams, @Body() body: FtpShareUpdate, @Query() query: DryRunQuery, @CurrentActor() actor: Actor | null): Promise<FtpShareMutation> {
    return this.shares.update(params.id, body, { dryRun: query.dryRun, actor: actor?.username ?? null });
  }

  @Route(ftpSharesApi.remove)
  remove(@Param() params: IdParams, @Query() query: DryRunQuery, @CurrentActor() actor: Actor | null): Promise<ShareDeletion> {
    return this.shares.remove(params.id, { dryRun: query.dryRun, actor: actor?.username ?? null });
  }
}
