import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DatabaseService } from '../../../core/database/database.service';
import { STORAGE_CLOCK, STORAGE_OPTIONS, type StorageClock, type StorageOptions } from '../storage-host';
import { SnapshotTasksService } from './snapshot-tasks.service';

/**
 * Runs due snapshot tasks. Every tick asks for tasks whose next run is at or before `now`, moves
 * each one's next run past `now` and runs it; so a task that missed runs while the API was down
 * runs once at start, not once per missed slot. Time comes from the injected clock, and `tick(now)`
 * can be driven directly.
 */
@Injectable()
export class SnapshotSchedulerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('storage');
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<string[]> | null = null;
  /** Set by stop(): no timer is (re)started; direct tick() calls still work. */
  private stopped = false;
  private shuttingDown = false;

  constructor(
    private readonly tasks: SnapshotTasksService,
    private readonly db: DatabaseService,
    @Inject(STORAGE_CLOCK) private readonly clock: StorageClock,
    @Inject(STORAGE_OPTIONS) private readonly options: StorageOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.db.onReady(() => {
      if (this.stopped) return;
      // Missed runs first, then the regular beat.
      void this.tick(this.clock.now());
      this.timer = setInterval(() => void this.tick(this.clock.now()), this.options.schedulerTickMs);
      this.timer.unref();
    });
  }

  /** Runs every task due at `now`, one after the other; returns the ids run. Overlapping ticks share one pass. */
  tick(now: Date): Promise<string[]> {
    this.ticking ??= this.pass(now).finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  private async pass(now: Date): Promise<string[]> {
    const ran: string[] = [];
    try {
      for (const task of await this.tasks.due(now)) {
        if (this.shuttingDown) break;
        try {
          await this.tasks.advance(task, now);
          const { done } = await this.tasks.run(task.id, { now });
          await done;
          ran.push(task.id);
        } catch (err) {
          this.log.error({ task: task.name, err: (err as Error).message }, 'could not run snapshot task');
        }
      }
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'scheduler tick failed');
    }
    return ran;
  }

  /** Stops the timer (shutdown; tests that drive `tick` themselves). */
  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  async onApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    this.stop();
    await this.ticking;
  }
}
