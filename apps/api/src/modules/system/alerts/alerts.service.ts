import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  SEVERITY_RANK,
  type Alert,
  type AlertCounts,
  type AlertKind,
  type AlertListQuery,
  type AlertSeverity,
  type ClearReason,
} from '@moxnas/contracts';
import { KeyedMutex } from '@moxnas/host';
import type { Gauge } from 'prom-client';
import { LessThan, Repository } from 'typeorm';
import { DatabaseService } from '../../../core/database/database.service';
import { DomainError } from '../../../core/errors/domain-error';
import { MetricsService } from '../../../core/metrics/metrics.service';
import { EventsService } from '../events/events.service';
import { AlertDeliveryQueue } from './alert-delivery.queue';
import { AlertEntity } from './alert.entity';
import { SYSTEM_CLOCK, type SystemClock } from './system-clock';
import { likeContaining } from '../../../core/database/like';

export interface RaiseAlert {
  class: string;
  /** Deduplication key; by convention `<class>:<subject>`, for example `pool.usage:tank`. */
  key: string;
  severity: AlertSeverity;
  kind: AlertKind;
  title: string;
  message: string;
  source: string;
  data?: Record<string, unknown> | null;
  /** One-shot alerts clear themselves at this time. */
  expiresAt?: Date | null;
}

interface ActiveEntry {
  id: string;
  severity: AlertSeverity;
  kind: AlertKind;
}

/** SEVERITY_RANK in SQL: an escalation drops the acknowledgement, which was given for the lower severity. */
const RANK_SQL = (column: string) => `(CASE ${column} WHEN 'critical' THEN 3 WHEN 'warning' THEN 2 ELSE 1 END)`;

/** Cleared alerts older than this are deleted (the history an admin scrolls through). */
const HISTORY_DAYS = 90;
const HOUSEKEEPING_MS = 30_000;

/**
 * Alert lifecycle: raise (deduplicated by key), clear, acknowledge, expire, and the history.
 * Condition alerts clear when their source says the condition ended; one-shot alerts when they are
 * acknowledged or expire. Raising and clearing publish `alert.raised` / `alert.cleared` (viewer) and
 * queue notifications; the queue sends them in the background, so no caller waits on a webhook.
 *
 * The active set is mirrored in memory, so sources that re-evaluate a condition every few seconds
 * (pool usage) cost no database write while nothing changes.
 */
@Injectable()
export class AlertsService implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('alerts');
  private readonly active = new Map<string, ActiveEntry>();
  /** False until the active set was first read from the database; until then clears ask the database. */
  private loaded = false;
  private readonly gauge: Gauge<'severity'>;
  private timer: NodeJS.Timeout | undefined;
  /** Serialises changes to one key, so a raise and a clear racing on it apply in order. */
  private readonly keys = new KeyedMutex<string>();

  constructor(
    @InjectRepository(AlertEntity) private readonly alerts: Repository<AlertEntity>,
    private readonly db: DatabaseService,
    private readonly events: EventsService,
    private readonly queue: AlertDeliveryQueue,
    @Inject(SYSTEM_CLOCK) private readonly clock: SystemClock,
    metrics: MetricsService,
  ) {
    this.gauge = metrics.gauge('moxnas_alerts_active', 'Active alerts by severity.', ['severity']);
    this.updateGauge();
  }

  onModuleInit(): void {
    this.db.onReady(() => this.refresh());
    this.timer = setInterval(() => void this.housekeeping().catch((err) => this.log.warn({ err: (err as Error).message }, 'alert housekeeping failed')), HOUSEKEEPING_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /**
   * Raises an alert, or refreshes the active one with the same key. A condition alert that is
   * already active at the same severity costs nothing; a higher severity escalates it (event and
   * notifications again); a one-shot alert counts the repetition.
   */
  raise(input: RaiseAlert): Promise<Alert | null> {
    return this.keys.run(input.key, async () => {
      const known = this.active.get(input.key);
      if (known && known.kind === 'condition' && input.kind === 'condition' && known.severity === input.severity) return null;
      await this.db.whenReady();
      const now = this.clock.now();
      const rows = (await this.alerts.query(
        `WITH prev AS (SELECT severity FROM alerts WHERE key = $1 AND state = 'active')
         INSERT INTO alerts (key, class, severity, kind, state, title, message, source, data, count, raised_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $4, 'active', $5, $6, $7, $8, 1, $9, $9, $10)
         ON CONFLICT (key) WHERE state = 'active' DO UPDATE SET
           count = alerts.count + 1, last_seen_at = EXCLUDED.last_seen_at, severity = EXCLUDED.severity,
           title = EXCLUDED.title, message = EXCLUDED.message, data = EXCLUDED.data, expires_at = EXCLUDED.expires_at,
           acknowledged_at = CASE WHEN ${RANK_SQL('EXCLUDED.severity')} > ${RANK_SQL('alerts.severity')} THEN NULL ELSE alerts.acknowledged_at END,
           acknowledged_by = CASE WHEN ${RANK_SQL('EXCLUDED.severity')} > ${RANK_SQL('alerts.severity')} THEN NULL ELSE alerts.acknowledged_by END
         RETURNING alerts.id, (SELECT severity FROM prev) AS previous`,
        [input.key, input.class, input.severity, input.kind, input.title, input.message, input.source, input.data ? JSON.stringify(input.data) : null, now, input.expiresAt ?? null],
      )) as { id: string; previous: AlertSeverity | null }[];
      const { id, previous } = rows[0];
      this.active.set(input.key, { id, severity: input.severity, kind: input.kind });
      this.updateGauge();
      const entity = await this.alerts.findOneByOrFail({ id });
      const alert = toAlert(entity);
      const escalated = previous !== null && SEVERITY_RANK[input.severity] > SEVERITY_RANK[previous];
      if (previous === null || escalated) {
        this.log.log({ key: alert.key, severity: alert.severity, escalated }, 'alert raised');
        this.events.publish({ type: 'alert.raised', access: 'viewer', data: { ...alert, escalated } });
        await this.queue.enqueue(alert, 'alert.raised');
      }
      return alert;
    });
  }

  /** Clears the active alert with this key, if any. Only a resolved condition nobody acknowledged is notified. */
  clear(key: string, reason: ClearReason = 'resolved'): Promise<Alert | null> {
    return this.keys.run(key, async () => {
      if (this.loaded && !this.active.has(key)) return null;
      await this.db.whenReady();
      const alert = await this.clearWhere({ key }, reason);
      return alert;
    });
  }

  private async clearWhere(where: { key: string } | { id: string }, reason: ClearReason, actor?: string): Promise<Alert | null> {
    const now = this.clock.now();
    const column = 'key' in where ? 'key' : 'id';
    const res = (await this.alerts.query(
      `UPDATE alerts SET state = 'cleared', cleared_at = $1, clear_reason = $2,
         acknowledged_at = CASE WHEN $3::varchar IS NULL THEN acknowledged_at ELSE $1 END,
         acknowledged_by = COALESCE($3::varchar, acknowledged_by)
       WHERE state = 'active' AND ${column} = $4
       RETURNING id`,
      [now, reason, actor ?? null, 'key' in where ? where.key : where.id],
    )) as unknown[];
    // The postgres driver answers an UPDATE with [rows, affected].
    const rows = (Array.isArray(res[0]) ? res[0] : res) as { id: string }[];
    if (!rows.length) {
      if ('key' in where) this.active.delete(where.key);
      this.updateGauge();
      return null;
    }
    const entity = await this.alerts.findOneByOrFail({ id: rows[0].id });
    this.active.delete(entity.key);
    this.updateGauge();
    const alert = toAlert(entity);
    this.log.log({ key: alert.key, reason }, 'alert cleared');
    this.events.publish({ type: 'alert.cleared', access: 'viewer', data: alert });
    // Someone acknowledged it: they know, and the docs promise them no further mail about it.
    if (reason === 'resolved' && !alert.acknowledgedAt) await this.queue.enqueue(alert, 'alert.cleared');
    return alert;
  }

  /** Keys of active alerts starting with `prefix`, from memory (for sources that sweep vanished subjects). */
  activeKeys(prefix: string): string[] {
    return [...this.active.keys()].filter((k) => k.startsWith(prefix));
  }

  isActive(key: string): boolean {
    return this.active.has(key);
  }

  /** Severity of the active alert with this key, from memory. */
  activeSeverity(key: string): AlertSeverity | undefined {
    return this.active.get(key)?.severity;
  }

  async acknowledge(id: string, actor: string): Promise<Alert> {
    const row = await this.alerts.findOneBy({ id });
    if (!row) throw DomainError.notFound('The alert');
    if (row.state === 'cleared') throw DomainError.conflict('The alert has already cleared.', { clearedAt: row.clearedAt?.toISOString() ?? null });
    if (row.kind === 'one-shot') {
      const cleared = await this.keys.run(row.key, () => this.clearWhere({ id }, 'acknowledged', actor));
      if (cleared) return cleared;
      throw DomainError.conflict('The alert has already cleared.');
    }
    if (!row.acknowledgedAt) {
      row.acknowledgedAt = this.clock.now();
      row.acknowledgedBy = actor;
      await this.alerts.update({ id, state: 'active' }, { acknowledgedAt: row.acknowledgedAt, acknowledgedBy: actor });
      this.events.publish({ type: 'alert.acknowledged', access: 'viewer', data: toAlert(row) });
    }
    return toAlert(row);
  }

  async get(id: string): Promise<Alert> {
    const row = await this.alerts.findOneBy({ id });
    if (!row) throw DomainError.notFound('The alert');
    return toAlert(row);
  }

  async list(query: AlertListQuery): Promise<{ items: Alert[]; total: number; page: number; pageSize: number }> {
    const qb = this.alerts.createQueryBuilder('a').orderBy('a.raised_at', 'DESC').addOrderBy('a.id', 'DESC');
    if (query.state !== 'all') qb.andWhere('a.state = :state', { state: query.state });
    if (query.severity) qb.andWhere('a.severity = :severity', { severity: query.severity });
    if (query.class) qb.andWhere('a.class = :class', { class: query.class });
    if (query.acknowledged !== undefined) qb.andWhere(query.acknowledged ? 'a.acknowledged_at IS NOT NULL' : 'a.acknowledged_at IS NULL');
    if (query.search) qb.andWhere('(a.title ILIKE :s OR a.message ILIKE :s OR a.key ILIKE :s)', { s: likeContaining(query.search) });
    const [rows, total] = await qb.skip((query.page - 1) * query.pageSize).take(query.pageSize).getManyAndCount();
    return { items: rows.map(toAlert), total, page: query.page, pageSize: query.pageSize };
  }

  counts(): AlertCounts {
    const counts: AlertCounts = { info: 0, warning: 0, critical: 0 };
    for (const a of this.active.values()) counts[a.severity]++;
    return counts;
  }

  private updateGauge(): void {
    const counts = this.counts();
    for (const s of ['info', 'warning', 'critical'] as const) this.gauge.set({ severity: s }, counts[s]);
  }

  /** Reloads the active set from the database (changes made by another API instance). */
  async refresh(): Promise<void> {
    const rows = await this.alerts.find({ where: { state: 'active' }, select: { id: true, key: true, severity: true, kind: true } });
    this.active.clear();
    for (const r of rows) this.active.set(r.key, { id: r.id, severity: r.severity, kind: r.kind });
    this.loaded = true;
    this.updateGauge();
  }

  /** Expires one-shot alerts, resyncs the active set and trims the history. */
  async housekeeping(): Promise<void> {
    if (!this.db.isMigrated) return;
    const now = this.clock.now();
    const expired = await this.alerts.find({ where: { state: 'active', expiresAt: LessThan(now) }, select: { id: true, key: true } });
    for (const e of expired) await this.keys.run(e.key, () => this.clearWhere({ id: e.id }, 'expired'));
    await this.refresh();
    await this.alerts.delete({ state: 'cleared', clearedAt: LessThan(new Date(now.getTime() - HISTORY_DAYS * 86_400_000)) });
  }
}

export function toAlert(e: AlertEntity): Alert {
  const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
  return {
    id: e.id,
    key: e.key,
    class: e.class,
    severity: e.severity,
    kind: e.kind,
    state: e.state,
    title: e.title,
    message: e.message,
    source: e.source,
    data: e.data ?? null,
    count: e.count,
    raisedAt: iso(e.raisedAt) ?? '',
    lastSeenAt: iso(e.lastSeenAt) ?? '',
    clearedAt: iso(e.clearedAt),
    clearReason: e.clearReason ?? null,
    acknowledgedAt: iso(e.acknowledgedAt),
    acknowledgedBy: e.acknowledgedBy ?? null,
    expiresAt: iso(e.expiresAt),
  };
}
