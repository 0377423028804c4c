import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** How often the default process metrics are sampled at most (see the constructor). */
const PROCESS_SAMPLE_MS = 1000;

/** `collect` run at most once per `ms`; calls in between return at once and keep the last values. */
function atMostEvery(ms: number, collect: (this: unknown) => unknown): (this: unknown) => unknown {
  let last = Number.NEGATIVE_INFINITY;
  return function (this: unknown) {
    const now = performance.now();
    if (now - last < ms) return undefined;
    last = now;
    return collect.call(this);
  };
}

/**
 * The Prometheus registry of the process. Modules register their `moxnas_*` collectors here;
 * scrapes serve what collectors hold in memory, never a fresh walk of the host.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // prom-client also exports these gauges with a `_total` suffix that belongs to counters only
    // (promtool flags them); the same figures stay available without the suffix.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      this.registry.removeSingleMetric(name);
    }
    // prom-client's default collectors sample the process on every scrape: they read /proc, list
    // the open file descriptors and walk the event-loop delay histogram (its stddev alone was a
    // fifth of the CPU of a scrape). A sample per second is plenty for figures of the process;
    // scrapes within that second serve the last sample. Only these collectors are throttled,
    // the application's own metrics are what they hold at the scrape.
    for (const metric of this.registry.getMetricsAsArray()) {
      const collector = metric as { collect?: (this: unknown) => unknown };
      if (collector.collect) collector.collect = atMostEvery(PROCESS_SAMPLE_MS, collector.collect);
    }
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route template, method and status.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status_code: String(status) }, seconds);
  }

  /** A counter in this registry; asking twice for the same name returns the same counter. */
  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as Counter<L>;
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = [], collect?: (this: Gauge<L>) => void | Promise<void>): Gauge<L> {
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as Gauge<L>;
    return new Gauge({ name, help, labelNames, registers: [this.registry], ...(collect ? { collect } : {}) });
  }

  histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]): Histogram<L> {
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as Histogram<L>;
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
