import { Controller } from '@nestjs/common';
import { systemApi, type SystemInfo } from '@moxnas/contracts';
import { Route } from '../../../core/http/route.decorator';
import { SystemInfoService } from './system-info.service';

@Controller()
export class SystemInfoController {
  constructor(private readonly info: SystemInfoService) {}

  @Route(systemApi.info)
  get(): Promise<SystemInfo> {
    return this.info.info();
  }
}
