import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DatabaseService } from '../../../core/database/database.service';
import { STORAGE_CLOCK, STORAGE_OPTIONS, type StorageClock, type StorageOptions } from '../storage-host';
import { ReplicationService } from './replication.service';

/**
 * Starts due replication tasks, on the snapshot scheduler's beat and with the same rule: a task's
 * next run moves past `now` before it starts, so runs missed while the API was down collapse into
 * one. Unlike snapshot runs, replication runs are not awaited (one may take hours); a task still
 * running when its time comes again is skipped until it has finished.
 */
@Injectable()
export class ReplicationSchedulerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('replication');
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly replication: ReplicationService,
    private readonly db: DatabaseService,
    @Inject(STORAGE_CLOCK) private readonly clock: StorageClock,
    @Inject(STORAGE_OPTIONS) private readonly options: StorageOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.db.onReady(() => {
      if (this.stopped) return;
      void this.tick(this.clock.now());
      this.timer = setInterval(() => void this.tick(this.clock.now()), this.options.schedulerTickMs);
      this.timer.unref();
    });
  }

  /** Starts every task due at `now`; returns the ids started. */
  async tick(now: Date): Promise<string[]> {
    const started: string[] = [];
    try {
      for (const task of await this.replication.due(now)) {
        try {
          await this.replication.advance(task, now);
          await this.replication.run(task.id);
          started.push(task.id);
        } catch (err) {
          this.log.error({ task: task.name, err: (err as Error).message }, 'could not start replication task');
        }
      }
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'replication scheduler tick failed');
    }
    return started;
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  onApplicationShutdown(): void {
    this.stop();
  }
}
