import { Body, Controller, Query, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { bulkApi, type BulkRequest, type BulkResult, type DryRunQuery } from '@moxnas/contracts';
import { CurrentActor, type Actor } from '../../core/http/actor';
import { sentBody } from '../../core/http/contract-validation.guard';
import { Route } from '../../core/http/route.decorator';
import { BulkService } from './bulk.service';

/**
 * The fields each row's `data` really carried, before the contract filled in defaults: an SMB
 * preset fills only what a row left out, as on `POST /api/shares/smb`.
 */
const SentRowFields = createParamDecorator((_: unknown, ctx: ExecutionContext): Array<Set<string>> => {
  const body = sentBody(ctx.switchToHttp().getRequest<object>()) as { rows?: unknown } | undefined;
  const rows = Array.isArray(body?.rows) ? body.rows : [];
  return rows.map((r: unknown) => {
    const data = r && typeof r === 'object' ? (r as { data?: unknown }).data : undefined;
    return new Set(data && typeof data === 'object' && !Array.isArray(data) ? Object.keys(data) : []);
  });
});

@Controller()
export class BulkController {
  constructor(private readonly bulk: BulkService) {}

  @Route(bulkApi.create)
  create(@Body() body: BulkRequest, @SentRowFields() sent: Array<Set<string>>, @Query() query: DryRunQuery, @CurrentActor() actor: Actor | null): Promise<BulkResult> {
    return this.bulk.create(body, sent, { dryRun: query.dryRun, actor: actor?.username ?? null });
  }
}
