import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Drift, ServiceId } from '@moxnas/contracts';
import type { HostFs } from '@moxnas/host';
import { unifiedDiff } from '@moxnas/render';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { DatabaseService } from '../../core/database/database.service';
import { HOST_FS } from '../../core/host/host.module';
import { MetricsService } from '../../core/metrics/metrics.service';
import { EventsService } from '../system/events/events.service';
import { sha256 } from '../../core/crypto/sha256';
import { ApplyEngine } from './apply/apply-engine';

/**
 * Compares the managed files on disk with the last applied revision, on a timer and on demand.
 * Drift is reported (event `service.drift`, metric `moxnas_config_drift`) with a diff per file.
 */
@Injectable()
export class DriftService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('drift');
  private readonly last = new Map<ServiceId, Drift>();
  private timer: NodeJS.Timeout | undefined;
  private readonly gauge;

  constructor(
    private readonly engine: ApplyEngine,
    @Inject(HOST_FS) private readonly fs: HostFs,
    private readonly events: EventsService,
    private readonly db: DatabaseService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    this.gauge = metrics.gauge('moxnas_config_drift', 'Whether the managed files of a service differ from the last applied revision (1 = drifted).', ['service']);
  }

  onApplicationBootstrap(): void {
    if (this.config.role !== 'server') return;
    this.timer = setInterval(() => void this.checkAll().catch((err) => this.log.warn({ err: (err as Error).message }, 'drift check failed')), this.config.driftIntervalSeconds * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  cached(service: ServiceId): Drift | undefined {
    return this.last.get(service);
  }

  async checkAll(): Promise<void> {
    if (!this.db.isMigrated) return;
    for (const service of this.engine.registered()) await this.check(service);
  }

  async check(service: ServiceId): Promise<Drift> {
    const rendered = await this.engine.renderCurrent(service);
    const files: Drift['files'] = [];
    for (const file of rendered.files.keys()) {
      const revision = await this.engine.lastRevision(service, file);
      if (!revision) continue; // nothing applied yet: no baseline to drift from
      const onDisk = await this.fs.readFile(file);
      const drifted = onDisk === null || sha256(onDisk) !== revision.hash;
      files.push({ path: file, drifted, diff: drifted ? unifiedDiff(file, revision.content, onDisk) : '' });
    }
    const drift: Drift = { drifted: files.some((f) => f.drifted), checkedAt: new Date().toISOString(), files };
    const before = this.last.get(service);
    this.last.set(service, drift);
    this.gauge.set({ service }, drift.drifted ? 1 : 0);
    if (drift.drifted || (before?.drifted ?? false)) {
      this.events.publish({ type: 'service.drift', access: 'operator', data: { service, drifted: drift.drifted, files: drift.files.filter((f) => f.drifted) } });
    }
    return drift;
  }
}
