import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { ServiceId } from '@moxnas/contracts';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { DatabaseService } from '../../core/database/database.service';
import { HealthService, type ReadinessGate } from '../../core/health/health.service';
import { AlertsService } from '../system/alerts/alerts.service';
import { EventsService } from '../system/events/events.service';
import { ApplyEngine } from './apply/apply-engine';
import { DaemonsService } from './daemons.service';
import { DriftService } from './drift.service';
import { SettingsStore } from './settings.store';

type HostReconciler = () => Promise<void>;

export interface ReconcileReport {
  services: Record<string, { ok: boolean; message: string | null }>;
  started: Record<string, { ok: boolean; error?: string }>;
  /** Everything that went wrong, one line each (empty when the host now matches the database). */
  problems: string[];
}

const ALERT_KEY = 'reconcile.failed:host';
/** Waits between start-up runs while the database does not answer: 1 s, 2 s, 4 s … at most 30 s. */
const RETRY_MAX_MS = 30_000;

/** The database stopped answering during a run: what failed says nothing about the host. */
export class DatabaseGoneError extends Error {
  constructor(reason: string) {
    super(`the database stopped answering during the reconcile (${reason}); the daemons were not started on files it could not confirm`);
    this.name = 'DatabaseGoneError';
  }
}
const PENDING = 'the start-up reconcile has not finished: the host is being brought in line with the database';

/**
 * Rebuilds the host from the database, idempotently: other modules' host state first (accounts,
 * directories — registered through `register`), then every managed config file, then the enabled
 * daemons. Runs once the database is ready in the server, and from `moxnas reconcile`.
 *
 * The server is not ready until the start-up run has finished: an apply writes its files before its
 * transaction commits, so a crash in between leaves files (and a daemon serving them) ahead of the
 * database, and only this run puts them back. A part that fails does not hold readiness (the admin
 * needs the API to fix it): it raises the `reconcile.failed` alert and degrades the detailed health.
 */
@Injectable()
export class ReconcileService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('reconcile');
  private readonly reconcilers: Array<{ name: string; run: HostReconciler }> = [];
  private startup: ReadinessGate = { ready: false, message: PENDING };
  private stopped = false;

  constructor(
    private readonly engine: ApplyEngine,
    private readonly daemons: DaemonsService,
    private readonly drift: DriftService,
    private readonly settings: SettingsStore,
    private readonly db: DatabaseService,
    private readonly events: EventsService,
    private readonly alerts: AlertsService,
    private readonly health: HealthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationShutdown(): void {
    this.stopped = true;
  }

  /** Host state owned by another module (for example Linux and Samba accounts), rebuilt before the configs. */
  register(name: string, run: HostReconciler): void {
    this.reconcilers.push({ name, run });
  }

  onApplicationBootstrap(): void {
    if (this.config.role !== 'server') return;
    this.health.gate('reconcile', () => this.startup);
    this.db.onReady(() => this.startupReconcile());
  }

  /**
   * The start-up run; readiness waits for it, whatever its outcome. A run the database dropped out
   * of is not an outcome: it is run again, with growing waits, until the database answers.
   */
  private async startupReconcile(): Promise<void> {
    let problems: string[];
    for (let attempt = 0; ; attempt++) {
      try {
        const report = await this.reconcile({ startDaemons: true });
        problems = report.problems;
        if (problems.length) this.log.error({ report }, 'the start-up reconcile left problems');
        else this.log.log({ report }, 'reconciled the host with the database');
        break;
      } catch (err) {
        if (err instanceof DatabaseGoneError && !this.stopped) {
          const wait = Math.min(RETRY_MAX_MS, 1000 * 2 ** attempt);
          this.log.warn({ err: err.message, attempt: attempt + 1, retryInMs: wait }, 'the start-up reconcile lost the database; running it again');
          await new Promise<void>((resolve) => setTimeout(resolve, wait).unref());
          continue;
        }
        problems = [`the start-up reconcile failed: ${(err as Error).message}`];
        this.log.error({ err }, 'the start-up reconcile failed');
        break;
      }
    }
    await this.report(problems);
    this.startup = problems.length ? { ready: true, problem: `start-up reconcile: ${problems.join('; ')}` } : { ready: true };
  }

  /** Raises the reconcile alert for problems, clears it after a clean run. */
  private async report(problems: string[]): Promise<void> {
    try {
      if (!problems.length) {
        await this.alerts.clear(ALERT_KEY);
        return;
      }
      await this.alerts.raise({
        class: 'reconcile.failed',
        key: ALERT_KEY,
        severity: 'critical',
        kind: 'condition',
        title: 'The host could not be brought fully in line with the database',
        message: `${problems.join('; ')}. Fix the cause and restart MoxNAS; this clears after a clean start-up reconcile.`,
        source: 'services',
        data: { problems },
      });
    } catch (err) {
      this.log.error({ err, problems }, 'could not raise the reconcile alert');
    }
  }

  async reconcile(options: { startDaemons: boolean }): Promise<ReconcileReport> {
    const report: ReconcileReport = { services: {}, started: {}, problems: [] };
    const problem = (part: string, err: unknown) => {
      const fields = (err as { fieldErrors?: Array<{ message: string }> }).fieldErrors ?? [];
      const message = [(err as Error).message, ...fields.map((f) => f.message)].join(' ');
      report.problems.push(`${part}: ${message}`);
      this.log.error({ err, part }, 'reconcile step failed');
      return message;
    };
    for (const r of this.reconcilers) {
      try {
        await r.run();
      } catch (err) {
        report.services[r.name] = { ok: false, message: problem(r.name, err) };
      }
    }
    for (const service of this.engine.registered()) {
      try {
        const { result } = await this.engine.apply(service, { reason: 'reconcile' });
        report.services[service] = { ok: true, message: result.message };
      } catch (err) {
        report.services[service] = { ok: false, message: problem(service, err) };
        this.events.publish({ type: 'apply.failed', access: 'operator', data: { service, message: `reconcile: ${(err as Error).message}` } });
      }
    }
    // A failure while the database is gone means the files were not checked against it: starting
    // the daemons now could serve what a crashed change left behind.
    if (report.problems.length) {
      const gone = await this.db.ping().then(
        () => null,
        (err: Error) => err.message,
      );
      if (gone !== null) throw new DatabaseGoneError(gone);
    }
    if (options.startDaemons) {
      for (const service of ['smb', 'ftp'] as ServiceId[]) {
        if (!this.daemons.capabilityOf(service).available) continue;
        try {
          await this.daemons.prepare(service, await this.settings.get(this.db.dataSource.manager, service));
        } catch (err) {
          problem(`preparing ${service}`, err);
        }
      }
      // Stops what a previous run left running (it may serve files the database never committed)
      // and starts the enabled daemons afresh on the files just written.
      report.started = await this.daemons.driver.startEnabled();
      for (const [service, r] of Object.entries(report.started)) if (!r.ok) report.problems.push(`starting ${service}: ${r.error}`);
    }
    try {
      await this.drift.checkAll();
    } catch (err) {
      problem('drift check', err);
    }
    return report;
  }
}
