import { Controller, Query } from '@nestjs/common';
import { auditApi, type AuditQuery, type ResponseOf } from '@moxnas/contracts';
import { Route } from '../../../core/http/route.decorator';
import { AuditService } from './audit.service';

@Controller()
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Route(auditApi.list)
  list(@Query() query: AuditQuery): Promise<ResponseOf<typeof auditApi.list>> {
    return this.audit.list(query);
  }
}
