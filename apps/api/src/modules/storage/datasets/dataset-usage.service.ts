import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DatabaseService } from '../../../core/database/database.service';
import { DatasetLocks } from '../dataset-locks';
import { STORAGE_OPTIONS, type StorageOptions } from '../storage-host';
import { DatasetMeasureService } from './dataset-measure.service';
import { DatasetsService } from './datasets.service';

/**
 * Measures every dataset's used bytes in the background, one at a time and each within a budget
 * (file count, time), and so enforces soft quotas: DatasetMeasureService.measureNow raises
 * `dataset.quota-exceeded` when a dataset passes its quota. Requests never walk a dataset.
 */
@Injectable()
export class DatasetUsageService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('storage');
  private timer: NodeJS.Timeout | undefined;
  private startTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  /** Set by stop(): no timer is (re)started; direct measureAll() calls still work. */
  private stopped = false;
  private readonly shutdown = new AbortController();

  constructor(
    private readonly datasets: DatasetsService,
    private readonly measurer: DatasetMeasureService,
    private readonly locks: DatasetLocks,
    private readonly db: DatabaseService,
    @Inject(STORAGE_OPTIONS) private readonly options: StorageOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.db.onReady(() => {
      if (this.stopped) return;
      // Not at once: the start of the app has better things to do than walk every dataset.
      this.startTimer = setTimeout(() => void this.scheduledPass(), Math.min(60_000, this.options.usageRefreshMs));
      this.startTimer.unref();
      this.timer = setInterval(() => void this.scheduledPass(), this.options.usageRefreshMs);
      this.timer.unref();
    });
  }

  private async scheduledPass(): Promise<void> {
    try {
      await this.measureAll();
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'dataset usage pass failed: no dataset was measured and soft quotas are not enforced until a pass succeeds');
    }
  }

  /** One pass over every dataset. Rejects when the datasets cannot be listed: that is not "no datasets". */
  measureAll(): Promise<void> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<void> {
    for (const d of await this.datasets.all()) {
      if (this.shutdown.signal.aborted) return;
      try {
        const ctx = await this.datasets.context(d.id);
        if (ctx.pool.health.status !== 'online') continue;
        await this.locks.run(d.id, () => this.measurer.measureNow(ctx, this.shutdown.signal));
      } catch (err) {
        this.log.warn({ datasetId: d.id, err: (err as Error).message }, 'dataset measurement failed');
      }
    }
  }

  /** Stops the timers (tests drive measureAll themselves). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.startTimer);
    clearInterval(this.timer);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stop();
    this.shutdown.abort();
    await this.running;
  }
}
