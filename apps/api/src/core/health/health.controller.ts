import { Controller, Res } from '@nestjs/common';
import { healthApi, type DetailedHealth, type HealthSummary, type ProbeResponse } from '@moxnas/contracts';
import type { FastifyReply } from 'fastify';
import { Route } from '../http/route.decorator';
import { HealthService } from './health.service';

@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Route(healthApi.summary)
  summary(): Promise<HealthSummary> {
    return this.health.summary();
  }

  @Route(healthApi.live)
  live(): ProbeResponse {
    return this.health.live();
  }

  @Route(healthApi.ready)
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ProbeResponse> {
    const { ok, body } = await this.health.ready();
    if (!ok) void reply.status(503);
    return body;
  }

  @Route(healthApi.detailed)
  detailed(): Promise<DetailedHealth> {
    return this.health.detailed();
  }
}
