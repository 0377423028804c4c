import { Body, Controller, Query } from '@nestjs/common';
import { sharesApi, type DryRunQuery, type ShareImportReport, type ShareImportRequest, type SharesSummary } from '@moxnas/contracts';
import { CurrentActor, type Actor } from '../../core/http/actor';
import { Route } from '../../core/http/route.decorator';
import { SharesImportService } from './shares-import.service';
import { SharesIntegration } from './shares-integration';

@Controller()
export class SharesController {
  constructor(
    private readonly integration: SharesIntegration,
    private readonly importer: SharesImportService,
  ) {}

  @Route(sharesApi.summary)
  summary(): Promise<SharesSummary> {
    return this.integration.summary();
  }

  @Route(sharesApi.import)
  import(@Body() body: ShareImportRequest, @Query() query: DryRunQuery, @CurrentActor() actor: Actor | null): Promise<ShareImportReport> {
    return this.importer.import(body, { dryRun: query.dryRun, actor: actor?.username ?? null });
  }
}
