import { Inject, Injectable } from '@nestjs/common';
import type { UsageReport } from '@moxnas/contracts';
import { DatasetsRepository } from '../datasets/datasets.repository';
import { STORAGE_CLOCK, type StorageClock } from '../storage-host';
import { usageLevel } from './pool-inspection';
import { PoolsRepository } from './pools.repository';

/**
 * The usage report the alerts engine reads: every pool against its warning/critical thresholds and
 * every dataset against its quota, from the figures the background refreshes stored. Cheap (two
 * queries, no host access), so it can be polled. The same facts are pushed as events when they
 * change: `pool.usage`, `pool.degraded`, `pool.recovered`, `dataset.quota-exceeded`.
 */
@Injectable()
export class StorageUsageService {
  constructor(
    private readonly pools: PoolsRepository,
    private readonly datasets: DatasetsRepository,
    @Inject(STORAGE_CLOCK) private readonly clock: StorageClock,
  ) {}

  async usageReport(): Promise<UsageReport> {
    const pools = await this.pools.list();
    const byId = new Map(pools.map((p) => [p.id, p]));
    const datasets = await this.datasets.list();
    return {
      at: this.clock.now().toISOString(),
      pools: pools.map((p) => ({
        id: p.id,
        name: p.name,
        health: p.health.status,
        usedRatio: p.space?.usedRatio ?? null,
        usedBytes: p.space?.usedBytes ?? null,
        totalBytes: p.space?.totalBytes ?? null,
        level: p.usageLevel,
        thresholds: { warningPercent: p.warningPercent, criticalPercent: p.criticalPercent },
      })),
      datasets: datasets.map((d) => {
        const pool = byId.get(d.poolId);
        const ratio = d.quotaBytes && d.usedBytes !== null ? d.usedBytes / d.quotaBytes : null;
        return {
          id: d.id,
          poolId: d.poolId,
          path: pool ? `${pool.path}/${d.relativePath}` : d.relativePath,
          usedBytes: d.usedBytes,
          quotaBytes: d.quotaBytes,
          quotaKind: d.quotaKind,
          usedRatio: ratio,
          // Quotas use the pool's thresholds: a dataset at 95 % of its quota is as urgent as a pool.
          level: d.quotaBytes ? usageLevel(ratio, pool?.warningPercent ?? 80, pool?.criticalPercent ?? 90) : 'unknown',
          exceeded: d.quotaExceeded,
        };
      }),
    };
  }
}
