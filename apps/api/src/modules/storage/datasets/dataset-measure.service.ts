import { Inject, Injectable, Logger } from '@nestjs/common';
import { measureUsage, SNAPDIR, type UsageResult } from '@moxnas/host';
import { EventsService } from '../../system/events/events.service';
import { DatasetLocks } from '../dataset-locks';
import { STORAGE_CLOCK, STORAGE_HOST, STORAGE_OPTIONS, type StorageClock, type StorageHost, type StorageOptions } from '../storage-host';
import type { DatasetContext } from './dataset-plan';
import { DatasetsRepository } from './datasets.repository';

/** A measurement before accepting a quota on a directory that already holds data. */
const QUICK_MEASURE = { maxEntries: 200_000, maxMs: 15_000 };

/** Measuring a dataset's used bytes, and the soft-quota events that follow from a figure. */
@Injectable()
export class DatasetMeasureService {
  private readonly log = new Logger('storage');

  constructor(
    private readonly datasets: DatasetsRepository,
    private readonly locks: DatasetLocks,
    private readonly events: EventsService,
    @Inject(STORAGE_HOST) private readonly host: StorageHost,
    @Inject(STORAGE_CLOCK) private readonly clock: StorageClock,
    @Inject(STORAGE_OPTIONS) private readonly options: StorageOptions,
  ) {}

  /** Used bytes for a quota decision: the stored figure, or a quick bounded measurement. */
  async usedForQuota(ctx: DatasetContext | { path: string; exclude: string[] }): Promise<{ bytes: number; complete: boolean; at: Date } | null> {
    if ('dataset' in ctx && ctx.dataset.usedBytes !== null && ctx.dataset.usedBytesAt) {
      return { bytes: ctx.dataset.usedBytes, complete: ctx.dataset.usedComplete, at: ctx.dataset.usedBytesAt };
    }
    const target = 'dataset' in ctx ? { path: ctx.path, exclude: await this.usageExclusions(ctx) } : ctx;
    const result = await measureUsage(this.host.fs, target.path, { exclude: new Set(target.exclude), ...QUICK_MEASURE });
    return { bytes: result.bytes, complete: result.complete, at: this.clock.now() };
  }

  private async usageExclusions(ctx: DatasetContext): Promise<string[]> {
    const nested = (await this.datasets.descendants(ctx.dataset)).map((d) => `${d.relativePath.slice(ctx.dataset.relativePath.length + 1)}/${SNAPDIR}`);
    return [SNAPDIR, '.zfs', ...nested];
  }

  /**
   * Walks the dataset within the configured budget, stores the figure and announces quota changes
   * (`dataset.quota-exceeded` when a quota is passed, `dataset.quota-ok` when back under).
   */
  async measureNow(ctx: DatasetContext, signal?: AbortSignal): Promise<UsageResult> {
    const result = await measureUsage(this.host.fs, ctx.path, {
      exclude: new Set(await this.usageExclusions(ctx)),
      maxEntries: this.options.usageMaxEntries,
      maxMs: this.options.usageMaxMs,
      signal,
    });
    const fresh = await this.datasets.findById(ctx.dataset.id);
    if (!fresh) return result;
    const exceeded = fresh.quotaBytes !== null && result.bytes > fresh.quotaBytes;
    await this.datasets.patch(fresh.id, { usedBytes: result.bytes, usedBytesAt: this.clock.now(), usedComplete: result.complete, quotaExceeded: exceeded });
    Object.assign(fresh, { usedBytes: result.bytes, quotaExceeded: exceeded });
    if (exceeded !== ctx.dataset.quotaExceeded) {
      const data = { datasetId: fresh.id, poolId: ctx.pool.id, path: ctx.path, usedBytes: result.bytes, quotaBytes: fresh.quotaBytes, quotaKind: fresh.quotaKind };
      if (exceeded) this.log.warn(data, 'dataset quota exceeded');
      this.events.publish({ type: exceeded ? 'dataset.quota-exceeded' : 'dataset.quota-ok', access: 'viewer', data: { ...data, severity: exceeded ? 'warning' : 'info' } });
    }
    ctx.dataset.usedBytes = result.bytes;
    ctx.dataset.quotaExceeded = exceeded;
    return result;
  }

  /** In the background (an adopted directory's first figure); a failure is logged, not raised. */
  async measureQuietly(ctx: DatasetContext): Promise<void> {
    try {
      await this.locks.run(ctx.dataset.id, () => this.measureNow(ctx));
    } catch (err) {
      this.log.warn({ datasetId: ctx.dataset.id, err: (err as Error).message }, 'dataset measurement failed');
    }
  }
}
