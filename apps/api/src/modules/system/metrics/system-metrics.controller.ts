import { Controller } from '@nestjs/common';
import { systemApi, type MetricsHistory, type MetricsSnapshot } from '@moxnas/contracts';
import { Route } from '../../../core/http/route.decorator';
import { MetricsCollector } from './metrics-collector.service';

@Controller()
export class SystemMetricsController {
  constructor(private readonly collector: MetricsCollector) {}

  @Route(systemApi.metrics)
  metrics(): Promise<MetricsSnapshot> {
    return this.collector.latest();
  }

  @Route(systemApi.metricsHistory)
  history(): MetricsHistory {
    return this.collector.historyView();
  }
}
