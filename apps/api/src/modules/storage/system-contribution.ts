import { Injectable, OnModuleInit } from '@nestjs/common';
import { SystemRegistry, type PoolFigures } from '../system/metrics/system-registry';
import { DatasetsService } from './datasets/datasets.service';
import { PoolsService } from './pools/pools.service';

/**
 * Pools and datasets for the system views (`moxnas_pool_bytes`, `moxnas_dataset_bytes`, the
 * detailed health check, the dashboard and the usage alerts). Answers from the figures the pool
 * refresher and the usage jobs stored: two queries, no statfs and no directory walk.
 */
@Injectable()
export class StorageSystemContribution implements OnModuleInit {
  constructor(
    private readonly registry: SystemRegistry,
    private readonly pools: PoolsService,
    private readonly datasets: DatasetsService,
  ) {}

  onModuleInit(): void {
    this.registry.contributeStorage({ pools: () => this.figures() });
  }

  async figures(): Promise<PoolFigures[]> {
    const [pools, datasets] = await Promise.all([this.pools.all(), this.datasets.all()]);
    return pools.map((pool) => ({
      name: pool.name,
      sizeBytes: pool.space?.totalBytes ?? 0,
      usedBytes: pool.space?.usedBytes ?? 0,
      freeBytes: pool.space?.availableBytes ?? 0,
      usedRatio: pool.space?.usedRatio,
      healthy: pool.health.status === 'online',
      status: pool.health.status === 'online' ? null : pool.health.problems.join('; ') || 'degraded',
      warningRatio: pool.warningPercent / 100,
      criticalRatio: pool.criticalPercent / 100,
      refreshedAt: pool.refreshedAt,
      datasets: datasets
        .filter((d) => d.poolId === pool.id && d.usedBytes !== null)
        .map((d) => ({ name: `${pool.name}/${d.relativePath}`, usedBytes: d.usedBytes ?? 0 })),
    }));
  }
}
