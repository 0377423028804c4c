import { Controller, Header } from '@nestjs/common';
import { metricsApi } from '@moxnas/contracts';
import { Route } from '../http/route.decorator';
import { MetricsService } from './metrics.service';

const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

@Controller()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Route(metricsApi.prometheus)
  @Header('content-type', CONTENT_TYPE)
  prometheus(): Promise<string> {
    return this.metrics.exposition();
  }

  @Route(metricsApi.prometheusRoot)
  @Header('content-type', CONTENT_TYPE)
  prometheusRoot(): Promise<string> {
    return this.metrics.exposition();
  }
}
