import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { readMounts } from '@moxnas/host';
import { DatabaseService } from '../../../core/database/database.service';
import { HealthService } from '../../../core/health/health.service';
import { STORAGE_HOST, STORAGE_OPTIONS, type StorageHost, type StorageOptions } from '../storage-host';
import { PoolsService } from './pools.service';

/**
 * Refreshes every pool's health and space in the background (requests read the stored figures,
 * they never walk the host). The first pass after start re-announces degraded pools: a bind mount
 * that did not come back after a restart is exactly what an admin must hear about.
 */
@Injectable()
export class PoolMonitorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('storage');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private first = true;
  private stopped = false;

  constructor(
    private readonly pools: PoolsService,
    private readonly db: DatabaseService,
    health: HealthService,
    @Inject(STORAGE_HOST) private readonly host: StorageHost,
    @Inject(STORAGE_OPTIONS) private readonly options: StorageOptions,
  ) {
    health.contribute({ storage: () => this.pools.healthSummary() });
  }

  onApplicationBootstrap(): void {
    this.db.onReady(async () => {
      if (this.stopped) return;
      await this.refreshAll();
      if (this.stopped) return;
      this.timer = setInterval(() => void this.refreshAll(), this.options.poolRefreshMs);
      this.timer.unref();
    });
  }

  /** One pass over every pool; concurrent callers share the pass in flight. */
  refreshAll(): Promise<void> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<void> {
    const announce = this.first;
    this.first = false;
    try {
      const mounts = await readMounts(this.host.fs, this.host.mountinfo);
      for (const row of await this.pools.all()) {
        try {
          await this.pools.refreshOne(row, { capabilities: announce, announce, mounts });
        } catch (err) {
          this.log.error({ pool: row.name, err: (err as Error).message }, 'pool refresh failed');
        }
      }
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'pool refresh pass failed');
    }
  }

  /** Stops the timer (shutdown; tests that drive refreshes themselves). */
  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stop();
    await this.running;
  }
}
