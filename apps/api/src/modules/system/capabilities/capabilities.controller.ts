import { Controller, Query } from '@nestjs/common';
import { systemApi, type CapabilitiesResponse } from '@moxnas/contracts';
import { Route } from '../../../core/http/route.decorator';
import { CapabilitiesService } from './capabilities.service';

@Controller()
export class CapabilitiesController {
  constructor(private readonly capabilities: CapabilitiesService) {}

  @Route(systemApi.capabilities)
  get(@Query() query: { refresh: boolean }): Promise<CapabilitiesResponse> {
    return this.capabilities.get(query.refresh);
  }
}
