import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { ServiceId } from '@moxnas/contracts';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { DatabaseService } from '../../core/database/database.service';
import { EventsService } from '../system/events/events.service';
import { ApplyEngine } from './apply/apply-engine';
import { DaemonsService } from './daemons.service';
import { DriftService } from './drift.service';
import { SettingsStore } from './settings.store';

type HostReconciler = () => Promise<void>;

export interface ReconcileReport {
  services: Record<string, { ok: boolean; message: string | null }>;
  started: Record<string, { ok: boolean; error?: string }>;
}

/**
 * Rebuilds the host from the database, idempotently: other modules' host state first (accounts,
 * directories — registered through `register`), then every managed config file, then the enabled
 * daemons. Runs once the database is ready in the server, and from `moxnas reconcile`.
 */
@Injectable()
export class ReconcileService implements OnApplicationBootstrap {
  private readonly log = new Logger('reconcile');
  private readonly reconcilers: Array<{ name: string; run: HostReconciler }> = [];

  constructor(
    private readonly engine: ApplyEngine,
    private readonly daemons: DaemonsService,
    private readonly drift: DriftService,
    private readonly settings: SettingsStore,
    private readonly db: DatabaseService,
    private readonly events: EventsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Host state owned by another module (for example Linux and Samba accounts), rebuilt before the configs. */
  register(name: string, run: HostReconciler): void {
    this.reconcilers.push({ name, run });
  }

  onApplicationBootstrap(): void {
    if (this.config.role !== 'server') return;
    this.db.onReady(async () => {
      const report = await this.reconcile({ startDaemons: true });
      this.log.log({ report }, 'reconciled the host with the database');
    });
  }

  async reconcile(options: { startDaemons: boolean }): Promise<ReconcileReport> {
    const report: ReconcileReport = { services: {}, started: {} };
    for (const r of this.reconcilers) {
      try {
        await r.run();
      } catch (err) {
        this.log.error({ err: (err as Error).message, part: r.name }, 'reconcile step failed');
        report.services[r.name] = { ok: false, message: (err as Error).message };
      }
    }
    for (const service of this.engine.registered()) {
      try {
        const { result } = await this.engine.apply(service, { reason: 'reconcile' });
        report.services[service] = { ok: true, message: result.message };
      } catch (err) {
        const fields = (err as { fieldErrors?: Array<{ message: string }> }).fieldErrors ?? [];
        report.services[service] = { ok: false, message: [(err as Error).message, ...fields.map((f) => f.message)].join(' ') };
        this.events.publish({ type: 'apply.failed', access: 'operator', data: { service, message: `reconcile: ${(err as Error).message}` } });
      }
    }
    if (options.startDaemons) {
      for (const service of ['smb', 'ftp'] as ServiceId[]) {
        if (!this.daemons.capabilityOf(service).available) continue;
        await this.daemons.prepare(service, await this.settings.get(this.db.dataSource.manager, service)).catch(() => undefined);
      }
      report.started = await this.daemons.driver.startEnabled();
    }
    await this.drift.checkAll().catch(() => undefined);
    return report;
  }
}
