import { Controller, Query } from '@nestjs/common';
import { accessApi, type AccessQuery, type ResponseOf } from '@moxnas/contracts';
import { Route } from '../../core/http/route.decorator';
import { AccessService } from './access.service';

@Controller()
export class AccessController {
  constructor(private readonly access: AccessService) {}

  @Route(accessApi.effective)
  effective(@Query() query: AccessQuery): Promise<ResponseOf<typeof accessApi.effective>> {
    return this.access.effective(query);
  }
}
