import { Body, Controller, Param, Query, UseGuards } from '@nestjs/common';
import {
  smbSharesApi,
  type DryRunQuery,
  type IdParams,
  type ShareDeletion,
  type SmbPreset,
  type SmbShare,
  type SmbShareCreate,
  type SmbShareListQuery,
  type SmbShareMutation,
  type SmbShareUpdate,
} from '@moxnas/contracts';
import { CurrentActor, type Actor } from '../../../core/http/actor';
import { Route } from '../../../core/http/route.decorator';
import { RememberSentFields, SentFields, type Page } from '../share-support';
import { SmbSharesService } from './smb-shares.service';

@Controller()
export class SmbSharesController {
  constructor(private readonly shares: SmbSharesService) {}

  @Route(smbSharesApi.list)
  list(@Query() query: SmbShareListQuery): Promise<Page<SmbShare>> {
    return this.shares.list(query);
  }

  @Route(smbSharesApi.presets)
  presets(): readonly SmbPreset[] {
    return this.shares.presets();
  }

  @Route(smbSharesApi.get)
  get(@Param() params: IdParams): Promise<SmbShare> {
    return this.shares.get(params.id);
  }

  @Route(smbSharesApi.create)
  @UseGuards(RememberSentFields)
  create(@Body() body: SmbShareCreate, @SentFields() sent: Set<string>, @Query() query: DryRunQuery, @CurrentActor() actor: Actor | null): Promise<SmbShareMutation> {
    return this.shares.create(body, sent, { dryRun: query.dryRun, actor: actor?.username ?? null });
  }

  @Route(smbSharesApi.update)
  update(@Param() params: IdParams, @Body() body: SmbShareUpdate, @Query() query: DryRunQuery, @CurrentActor() actor: Actor | null): Promise<SmbShareMutation> {
    return this.shares.update(params.id, body, { dryRun: query.dryRun, actor: actor?.username ?? null });
  }

  @Route(smbSharesApi.remove)
  remove(@Param() params: IdParams, @Query() query: DryRunQuery, @CurrentActor() actor: Actor | null): Promise<ShareDeletion> {
    return this.shares.remove(params.id, { dryRun: query.dryRun, actor: actor?.username ?? null });
  }
}
