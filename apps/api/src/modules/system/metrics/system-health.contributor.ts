import { Injectable, OnModuleInit } from '@nestjs/common';
import type { CheckStatus } from '@moxnas/contracts';
import { HealthService, type ServicesHealth, type StorageHealth } from '../../../core/health/health.service';
import { MetricsCollector } from './metrics-collector.service';
import { ServiceStateTracker } from './service-state.tracker';
import { SystemRegistry } from './system-registry';

/**
 * Feeds `GET /api/system/health/detailed` from what the collector already holds: the daemon states
 * and the pools of the last collection. A health check never walks the host itself.
 */
@Injectable()
export class SystemHealthContributor implements OnModuleInit {
  constructor(
    private readonly health: HealthService,
    private readonly tracker: ServiceStateTracker,
    private readonly collector: MetricsCollector,
    private readonly registry: SystemRegistry,
  ) {}

  onModuleInit(): void {
    this.health.contribute({ services: () => this.services(), storage: () => this.storage() });
  }

  async services(): Promise<ServicesHealth> {
    const tracks = this.tracker.all();
    const services = Object.fromEntries(tracks.map((t) => [t.id, t.state]));
    const failed = tracks.filter((t) => t.state === 'failed').map((t) => t.id);
    const stopped = tracks.filter((t) => t.state === 'stopped' && t.enabled === true).map((t) => t.id);
    const status: CheckStatus = failed.length ? 'unhealthy' : stopped.length ? 'degraded' : 'healthy';
    const message = failed.length
      ? `failed: ${failed.join(', ')}`
      : stopped.length
        ? `enabled but stopped: ${stopped.join(', ')}`
        : tracks.length
          ? undefined
          : 'no daemon has reported its state yet';
    return { status, services, ...(message ? { message } : {}) };
  }

  async storage(): Promise<StorageHealth> {
    if (!this.registry.storage) return { status: 'healthy', pools: 0, degraded: 0, message: 'no storage module reports pools' };
    const pools = (await this.collector.latest()).pools ?? [];
    const bad = pools.filter((p) => !p.healthy);
    const status: CheckStatus = pools.length && bad.length === pools.length ? 'unhealthy' : bad.length ? 'degraded' : 'healthy';
    return {
      status,
      pools: pools.length,
      degraded: bad.length,
      ...(bad.length ? { message: bad.map((p) => `${p.name}: ${p.status ?? 'not healthy'}`).join('; ') } : {}),
    };
  }
}
