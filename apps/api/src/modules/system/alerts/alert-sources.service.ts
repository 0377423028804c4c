import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AlertSourceEvents, type AlertSeverity, type AlertSourceEventType } from '@moxnas/contracts';
import { readCertificates, type HostFs } from '@moxnas/host';
import type { Gauge } from 'prom-client';
import type { z } from 'zod';
import type { HostPaths } from '../../../core/config/host-paths';
import { DatabaseService } from '../../../core/database/database.service';
import { HOST_FS, HOST_PATHS } from '../../../core/host/host.module';
import { MetricsService } from '../../../core/metrics/metrics.service';
import { EventsService, type AppEvent } from '../events/events.service';
import { MetricsCollector } from '../metrics/metrics-collector.service';
import { FLAP_DOWNS, FLAP_WINDOW_MS, ServiceStateTracker, type ServiceTrack } from '../metrics/service-state.tracker';
import type { PoolFigures } from '../metrics/system-registry';
import { AlertsService } from './alerts.service';
import { SYSTEM_CLOCK, type SystemClock } from './system-clock';

export const POOL_WARNING_RATIO = 0.8;
export const POOL_CRITICAL_RATIO = 0.95;
/** A pool alert steps down only once usage is this far below the threshold, so it does not flap at the line. */
export const POOL_HYSTERESIS = 0.02;
export const CERT_WARNING_DAYS = 30;
export const CERT_CRITICAL_DAYS = 7;
const CERT_CHECK_MS = 6 * 3600_000;
const TICK_MS = 60_000;
const SNAPSHOT_FAILURE_TTL_MS = 7 * 86_400_000;
const LOCKOUT_DEFAULT_SECONDS = 300;

type Payload<T extends AlertSourceEventType> = z.output<(typeof AlertSourceEvents)[T]>;

/**
 * Events of the alert contract that are not read here: daemon states arrive through the state
 * tracker. (Pool alerts have one source, the storage registry's figures (evaluatePools); the storage
 * module's `pool.*` events are for dashboards and not part of this contract: reading them too made a
 * pool at its threshold mail "RESOLVED" every few seconds.)
 */
const NOT_READ: ReadonlySet<string> = new Set(['service.status']);

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/**
 * Usage level with hysteresis: the level the ratio reaches, or the active one while the ratio is
 * still within POOL_HYSTERESIS below its threshold.
 */
export function usageLevel(ratio: number, warn: number, crit: number, current: AlertSeverity | undefined): AlertSeverity | null {
  let level: AlertSeverity | null = ratio >= crit ? 'critical' : ratio >= warn ? 'warning' : null;
  if (current === 'critical' && ratio >= crit - POOL_HYSTERESIS) level = 'critical';
  if (!level && current && ratio >= warn - POOL_HYSTERESIS) level = 'warning';
  return level;
}

/**
 * Turns what other modules report into alerts: events on the EventsService (the contract is in
 * `AlertSourceEvents` and docs/alerts.md), daemon state transitions, pool figures from each metrics
 * collection, and a periodic look at the TLS certificates.
 */
@Injectable()
export class AlertSourcesService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('alert-sources');
  private readonly unsubscribers: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastCertCheck = 0;
  private readonly driftGauge: Gauge<'service'>;

  constructor(
    private readonly alerts: AlertsService,
    private readonly events: EventsService,
    private readonly tracker: ServiceStateTracker,
    private readonly collector: MetricsCollector,
    private readonly db: DatabaseService,
    @Inject(HOST_FS) private readonly fs: HostFs,
    @Inject(HOST_PATHS) private readonly paths: HostPaths,
    @Inject(SYSTEM_CLOCK) private readonly clock: SystemClock,
    metrics: MetricsService,
  ) {
    // Same name and help as the services module's drift check, which may register it first.
    this.driftGauge = metrics.gauge('moxnas_config_drift', 'Whether the managed files of a service differ from the last applied revision (1 = drifted).', ['service']);
  }

  onModuleInit(): void {
    this.unsubscribers.push(
      this.events.subscribe((event) => void this.onEvent(event)),
      this.tracker.onTransition((track) => void this.guard('service', () => this.onServiceState(track))),
      this.collector.onCollected((_snapshot, pools) => (pools ? this.evaluatePools(pools, true) : undefined)),
    );
  }

  onApplicationBootstrap(): void {
    this.db.onReady(() => void this.guard('certificates', () => this.checkCertificates()));
    this.timer = setInterval(() => void this.guard('tick', () => this.tick()), TICK_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    for (const u of this.unsubscribers) u();
  }

  private async guard(what: string, fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.log.warn({ source: what, err: (err as Error).message }, 'alert source failed');
    }
  }

  /** Periodic work: flapping that calmed down, and the certificate check every few hours. */
  async tick(): Promise<void> {
    const now = this.clock.now();
    for (const track of this.tracker.all()) {
      if (this.tracker.recentDowns(track, now).length < FLAP_DOWNS) await this.alerts.clear(`service.flapping:${track.id}`);
    }
    if (now.getTime() - this.lastCertCheck >= CERT_CHECK_MS) await this.checkCertificates();
  }

  async onEvent(event: Required<AppEvent>): Promise<void> {
    if (!(event.type in AlertSourceEvents) || NOT_READ.has(event.type)) return;
    const type = event.type as AlertSourceEventType;
    const parsed = AlertSourceEvents[type].safeParse(event.data);
    if (!parsed.success) {
      this.log.warn({ type, issue: parsed.error.issues[0]?.message, path: parsed.error.issues[0]?.path.join('.') }, 'ignored an event that does not match the alert event contract');
      return;
    }
    await this.guard(type, () => this.handle(type, parsed.data));
  }

  private async handle(type: AlertSourceEventType, data: unknown): Promise<void> {
    switch (type) {
      case 'apply.failed': {
        const d = data as Payload<'apply.failed'>;
        await this.alerts.raise({
          class: 'apply.failed',
          key: `apply.failed:${d.service}`,
          severity: 'critical',
          kind: 'condition',
          title: `Applying the ${d.service} configuration failed`,
          message: `${d.message} The previous configuration was kept; this clears at the next successful apply.`,
          source: 'services',
          data: { service: d.service },
        });
        return;
      }
      case 'service.applied': {
        const d = data as Payload<'service.applied'>;
        await this.alerts.clear(`apply.failed:${d.service}`);
        return;
      }
      case 'service.drift': {
        const d = data as Payload<'service.drift'>;
        this.driftGauge.set({ service: d.service }, d.drifted ? 1 : 0);
        if (!d.drifted) {
          await this.alerts.clear(`config.drift:${d.service}`);
          return;
        }
        const files = d.files.map((f) => (typeof f === 'string' ? f : f.path));
        await this.alerts.raise({
          class: 'config.drift',
          key: `config.drift:${d.service}`,
          severity: 'warning',
          kind: 'condition',
          title: `The ${d.service} configuration was changed outside MoxNAS`,
          message: `${files.length ? files.join(', ') : 'Managed files'} differ from the last applied revision. Overwrite or adopt the change under Services → ${d.service}.`,
          source: 'services',
          data: { service: d.service, files },
        });
        return;
      }
      case 'snapshot-task.failed': {
        const d = data as Payload<'snapshot-task.failed'>;
        const what = d.name ? `Snapshot task ${d.name}` : 'A snapshot task';
        await this.alerts.raise({
          class: 'snapshot-task.failed',
          key: `snapshot-task.failed:${d.taskId}`,
          severity: 'warning',
          kind: 'one-shot',
          title: `${what} failed${d.dataset ? ` for ${d.dataset}` : ''}`,
          message: d.message ?? d.error ?? 'The run failed; its job log has the details.',
          source: 'storage',
          data: { taskId: d.taskId, name: d.name ?? null, dataset: d.dataset ?? null, jobId: typeof d['jobId'] === 'string' ? d['jobId'] : null },
          expiresAt: new Date(this.clock.now().getTime() + SNAPSHOT_FAILURE_TTL_MS),
        });
        return;
      }
      case 'snapshot-task.succeeded': {
        const d = data as Payload<'snapshot-task.succeeded'>;
        await this.alerts.clear(`snapshot-task.failed:${d.taskId}`);
        return;
      }
      case 'replication-task.failed': {
        const d = data as Payload<'replication-task.failed'>;
        await this.alerts.raise({
          class: 'replication-task.failed',
          key: `replication-task.failed:${d.taskId}`,
          severity: 'warning',
          kind: 'condition',
          title: `Replication task ${d.name ?? d.taskId} failed${d.target ? ` (to ${d.target})` : ''}`,
          message: `${d.error ?? 'The run failed; its job log has the details.'} This clears at the next successful run.`,
          source: 'storage',
          data: { taskId: d.taskId, name: d.name ?? null, target: d.target ?? null, jobId: typeof d['jobId'] === 'string' ? d['jobId'] : null },
        });
        return;
      }
      case 'replication-task.succeeded': {
        const d = data as Payload<'replication-task.succeeded'>;
        await this.alerts.clear(`replication-task.failed:${d.taskId}`);
        return;
      }
      case 'quota.exceeded': {
        const d = data as Payload<'quota.exceeded'>;
        if (d.exceeded) await this.quotaExceeded(d.dataset, d.usedBytes, d.quotaBytes);
        else await this.alerts.clear(`quota.exceeded:${d.dataset}`);
        return;
      }
      case 'dataset.quota-exceeded': {
        const d = data as Payload<'dataset.quota-exceeded'>;
        await this.quotaExceeded(d.path, d.usedBytes, d.quotaBytes);
        return;
      }
      case 'dataset.quota-ok': {
        const d = data as Payload<'dataset.quota-ok'>;
        await this.alerts.clear(`quota.exceeded:${d.path}`);
        return;
      }
      case 'auth.lockout': {
        const d = data as Payload<'auth.lockout'>;
        const seconds = d.retryAfterSeconds ?? LOCKOUT_DEFAULT_SECONDS;
        await this.alerts.raise({
          class: 'auth.lockout',
          key: `auth.lockout:${d.username}`,
          severity: 'warning',
          kind: 'one-shot',
          title: `Logins for "${d.username}" are locked after repeated failures`,
          message: `Too many failed logins${d.address ? ` from ${d.address}` : ''}; the account name is locked for ${seconds} seconds.`,
          source: 'users',
          data: { username: d.username, retryAfterSeconds: seconds, address: d.address ?? null },
          expiresAt: new Date(this.clock.now().getTime() + seconds * 1000),
        });
        return;
      }
      case 'service.status':
        return;
      default: {
        const exhaustive: never = type;
        return exhaustive;
      }
    }
  }

  /** Down: failed, or stopped while it should run. Flapping: went down FLAP_DOWNS times within the window. */
  private async onServiceState(track: ServiceTrack): Promise<void> {
    const down = track.state === 'failed' || (track.state === 'stopped' && track.enabled === true);
    const up = track.state === 'running' || track.state === 'unavailable' || (track.state === 'stopped' && track.enabled !== true);
    if (down) {
      await this.alerts.raise({
        class: 'service.down',
        key: `service.down:${track.id}`,
        severity: 'critical',
        kind: 'condition',
        title: `Service ${track.id} is down`,
        message: `The ${track.id} daemon is ${track.state}${track.enabled ? ' although it is enabled' : ''}. Clients cannot reach its shares.`,
        source: 'services',
        data: { service: track.id, state: track.state },
      });
    } else if (up) {
      await this.alerts.clear(`service.down:${track.id}`);
    }
    const downs = this.tracker.recentDowns(track);
    if (downs.length >= FLAP_DOWNS) {
      await this.alerts.raise({
        class: 'service.flapping',
        key: `service.flapping:${track.id}`,
        severity: 'warning',
        kind: 'condition',
        title: `Service ${track.id} keeps going down`,
        message: `The ${track.id} daemon went down ${downs.length} times within ${FLAP_WINDOW_MS / 60_000} minutes. Check its log and configuration.`,
        source: 'services',
        data: { service: track.id, downs: downs.map((d) => d.toISOString()) },
      });
    }
  }

  /**
   * Pool figures from the storage contributor: the one place `pool.usage:*` and `pool.degraded:*`
   * are decided. `sweep` clears pool alerts of pools that are no longer reported (a removed pool
   * must not stay "full" forever).
   */
  async evaluatePools(pools: PoolFigures[], sweep: boolean): Promise<void> {
    for (const p of pools) {
      await this.guard('pool', () => this.poolUsage(p));
      await this.guard('pool', () => this.poolHealth(p.name, p.healthy, p.status));
    }
    if (!sweep) return;
    const names = new Set(pools.map((p) => p.name));
    for (const prefix of ['pool.usage:', 'pool.degraded:']) {
      for (const key of this.alerts.activeKeys(prefix)) {
        if (!names.has(key.slice(prefix.length))) await this.alerts.clear(key);
      }
    }
  }

  private async poolUsage(p: PoolFigures): Promise<void> {
    const { name: pool, usedBytes: used, sizeBytes: size } = p;
    const warn = p.warningRatio ?? POOL_WARNING_RATIO;
    const crit = p.criticalRatio ?? POOL_CRITICAL_RATIO;
    const key = `pool.usage:${pool}`;
    if (size <= 0) return;
    // The storage module's own ratio when it gives one (used of used + available, as df counts),
    // so the alert and the pool page judge the same number.
    const ratio = p.usedRatio ?? used / size;
    const current = this.alerts.activeSeverity(key);
    const level = usageLevel(ratio, warn, Math.max(crit, warn), current);
    if (!level) {
      await this.alerts.clear(key);
      return;
    }
    const pct = Math.round(ratio * 1000) / 10;
    await this.alerts.raise({
      class: 'pool.usage',
      key,
      severity: level,
      kind: 'condition',
      title: `Pool ${pool} is ${pct}% full`,
      message: `${formatBytes(used)} of ${formatBytes(size)} used (warning at ${Math.round(warn * 100)}%, critical at ${Math.round(crit * 100)}%). Free space or grow the pool before writes fail.`,
      source: 'storage',
      data: { pool, usedBytes: used, sizeBytes: size, usedRatio: Math.round(ratio * 10000) / 10000 },
    });
  }

  private async quotaExceeded(dataset: string, used: number, quota: number): Promise<void> {
    await this.alerts.raise({
      class: 'quota.exceeded',
      key: `quota.exceeded:${dataset}`,
      severity: 'warning',
      kind: 'condition',
      title: `Dataset ${dataset} is over its quota`,
      message: `${formatBytes(used)} used of a ${formatBytes(quota)} quota.`,
      source: 'storage',
      data: { dataset, usedBytes: used, quotaBytes: quota },
    });
  }

  private async poolHealth(pool: string, healthy: boolean, status: string | null): Promise<void> {
    const key = `pool.degraded:${pool}`;
    if (healthy) {
      await this.alerts.clear(key);
      return;
    }
    await this.alerts.raise({
      class: 'pool.degraded',
      key,
      severity: 'critical',
      kind: 'condition',
      title: `Pool ${pool} is not healthy`,
      message: status ?? 'The pool is not mounted or not writable; shares on it do not work.',
      source: 'storage',
      data: { pool, status },
    });
  }

  /** TLS certificates in the MoxNAS TLS directory: warning 30 days before expiry, critical 7 days before. */
  async checkCertificates(): Promise<void> {
    const now = this.clock.now();
    this.lastCertCheck = now.getTime();
    const found = await readCertificates(this.fs, this.paths.tlsDir);
    const seen = new Set<string>();
    for (const r of found) {
      if (!r.ok) {
        this.log.warn({ file: r.path, err: r.error }, 'unreadable certificate');
        continue;
      }
      const key = `certificate.expiry:${r.cert.path}`;
      seen.add(key);
      const days = (r.cert.notAfter.getTime() - now.getTime()) / 86_400_000;
      const severity: AlertSeverity | null = days <= CERT_CRITICAL_DAYS ? 'critical' : days <= CERT_WARNING_DAYS ? 'warning' : null;
      if (!severity) {
        await this.alerts.clear(key);
        continue;
      }
      const expired = days <= 0;
      await this.alerts.raise({
        class: 'certificate.expiry',
        key,
        severity,
        kind: 'condition',
        title: expired ? `Certificate ${r.cert.path} has expired` : `Certificate ${r.cert.path} expires in ${Math.max(1, Math.floor(days))} days`,
        message: `${r.cert.subject} is valid until ${r.cert.notAfter.toISOString()}. Replace the certificate and key (re-running the installer renews the self-signed one) and reload nginx.`,
        source: 'system',
        data: { path: r.cert.path, subject: r.cert.subject, notAfter: r.cert.notAfter.toISOString(), daysLeft: Math.floor(days) },
      });
    }
    for (const key of this.alerts.activeKeys('certificate.expiry:')) if (!seen.has(key)) await this.alerts.clear(key);
  }
}
