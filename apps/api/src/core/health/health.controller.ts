import { Controller, Res } from '@nestjs/common';
import { healthApi, type DetailedHealth, type HealthSummary, type ProbeResponse } from '@moxnas/contracts';
import type { FastifyReply } from 'fastify';
import { Route } from '../http/route.decorator';
import { healthHttpStatus, HealthService } from './health.service';

@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Route(healthApi.summary)
  async summary(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthSummary> {
    const summary = await this.health.summary();
    void reply.status(healthHttpStatus(summary.status));
    return summary;
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
  async detailed(@Res({ passthrough: true }) reply: FastifyReply): Promise<DetailedHealth> {
    const detailed = await this.health.detailed();
    void reply.status(healthHttpStatus(detailed.status));
    return detailed;
  }
}
