import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { SEVERITY_RANK, type Alert, type AlertDelivery, type ChannelTestResult, type DeliveryAttempt } from '@moxnas/contracts';
import type { MailSender, SystemReader, WebhookSender } from '@moxnas/host';
import { In, LessThan, Repository } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../../core/config/config';
import { DatabaseService } from '../../../core/database/database.service';
import { DomainError } from '../../../core/errors/domain-error';
import { SYSTEM_READER } from '../metrics/system-reader.token';
import { AlertChannelEntity, type EmailChannelConfig, type WebhookChannelConfig } from './alert-channel.entity';
import { AlertDeliveryEntity, type DeliveryEvent, type DeliveryStatus } from './alert-delivery.entity';
import { emailMessage, MAX_ATTEMPTS, retryDelayMs, signature, webhookBody, type NotificationPayload } from './alert-notifications';
import { MAIL_SENDER, WEBHOOK_SENDER } from './alert-senders';
import { SYSTEM_CLOCK, type SystemClock } from './system-clock';

const POLL_MS = 1000;
const BATCH = 5;
const LOG_KEEP = 20;
/** A claim this old belongs to a worker that died mid-send (sends time out after at most 30 s). */
const STALE_CLAIM_MS = 5 * 60_000;
const KEEP_DAYS = 30;
const MAIL_TIMEOUT_MS = 15_000;

interface AttemptOutcome {
  ok: boolean;
  status: number | null;
  detail: string;
  durationMs: number;
}

/**
 * The notification queue: deliveries are rows, sent by a background worker with retries and
 * exponential backoff, every attempt logged on the row. Enqueueing is one INSERT, so raising an
 * alert never waits on a slow or dead receiver. Workers of several API instances share the table
 * safely (rows are claimed with FOR UPDATE SKIP LOCKED).
 */
@Injectable()
export class AlertDeliveryQueue implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('alert-delivery');
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<number> | undefined;
  private readonly inFlight = new Set<string>();
  private stopping = false;

  constructor(
    @InjectRepository(AlertChannelEntity) private readonly channels: Repository<AlertChannelEntity>,
    @InjectRepository(AlertDeliveryEntity) private readonly deliveries: Repository<AlertDeliveryEntity>,
    private readonly db: DatabaseService,
    @Inject(SYSTEM_CLOCK) private readonly clock: SystemClock,
    @Inject(WEBHOOK_SENDER) private readonly webhook: WebhookSender,
    @Inject(MAIL_SENDER) private readonly mail: MailSender,
    @Inject(SYSTEM_READER) private readonly reader: SystemReader,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => this.kick(), POLL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.draining?.catch(() => undefined);
  }

  private async payload(event: NotificationPayload['event'], alert: Alert | null): Promise<NotificationPayload> {
    return { event, alert, host: { hostname: await this.reader.hostname().catch(() => 'unknown') }, app: { version: this.config.version } };
  }

  /** Queues the event for every enabled channel whose minimum severity the alert reaches. */
  async enqueue(alert: Alert, event: 'alert.raised' | 'alert.cleared'): Promise<number> {
    const channels = await this.channels.findBy({ enabled: true });
    const targets = channels.filter((c) => SEVERITY_RANK[alert.severity] >= SEVERITY_RANK[c.minSeverity]);
    if (!targets.length) return 0;
    const payload = await this.payload(event, alert);
    const now = this.clock.now();
    await this.deliveries.save(
      targets.map((c) => this.deliveries.create({
        channelId: c.id,
        alertId: alert.id,
        event,
        // jsonb column: stored as the plain object it is.
        payload: payload as Record<string, unknown>,
        status: 'pending' as const,
        attempts: 0,
        maxAttempts: MAX_ATTEMPTS,
        nextAttemptAt: now,
        lastError: null,
        log: [],
        createdAt: now,
        deliveredAt: null,
        claimedAt: null,
      })),
    );
    this.kick();
    return targets.length;
  }

  /** Starts a drain in the background unless one is running. */
  kick(): void {
    if (this.stopping || this.draining || !this.db.isMigrated) return;
    this.draining = this.drain()
      .catch((err) => {
        this.log.warn({ err: (err as Error).message }, 'delivery pass failed');
        return 0;
      })
      .finally(() => {
        this.draining = undefined;
      });
  }

  /** Waits for the running drain, then runs one more: everything due now has been attempted when it resolves. */
  async drainNow(): Promise<number> {
    await this.draining?.catch(() => undefined);
    return this.drain();
  }

  /** Sends every delivery that is due, a few at a time; returns how many were attempted. */
  async drain(): Promise<number> {
    let attempted = 0;
    for (let pass = 0; pass < 20 && !this.stopping; pass++) {
      const now = this.clock.now();
      await this.releaseStaleClaims(now);
      const claimed = await this.claim(now);
      if (!claimed.length) break;
      await Promise.all(claimed.map((d) => this.attempt(d)));
      attempted += claimed.length;
    }
    if (attempted) await this.prune();
    return attempted;
  }

  private async releaseStaleClaims(now: Date): Promise<void> {
    const stale = await this.deliveries.find({ where: { status: 'sending', claimedAt: LessThan(new Date(now.getTime() - STALE_CLAIM_MS)) }, select: { id: true } });
    const ids = stale.map((s) => s.id).filter((id) => !this.inFlight.has(id));
    if (ids.length) await this.deliveries.update({ id: In(ids), status: 'sending' }, { status: 'pending', claimedAt: null });
  }

  private async claim(now: Date): Promise<AlertDeliveryEntity[]> {
    const res = (await this.deliveries.query(
      `UPDATE alert_deliveries SET status = 'sending', claimed_at = $1
       WHERE id IN (
         SELECT id FROM alert_deliveries WHERE status = 'pending' AND next_attempt_at <= $1
         ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [now, BATCH],
    )) as unknown[];
    const rows = (Array.isArray(res[0]) ? res[0] : res) as { id: string }[];
    if (!rows.length) return [];
    return this.deliveries.findBy({ id: In(rows.map((r) => r.id)) });
  }

  private async attempt(d: AlertDeliveryEntity): Promise<void> {
    this.inFlight.add(d.id);
    try {
      const channel = await this.channels.findOneBy({ id: d.channelId });
      const outcome: AttemptOutcome = !channel
        ? { ok: false, status: null, detail: 'the channel was deleted', durationMs: 0 }
        : !channel.enabled
          ? { ok: false, status: null, detail: 'the channel is disabled', durationMs: 0 }
          : await this.send(channel, d);
      const final = !channel || !channel.enabled;
      await this.record(d, outcome, final);
    } finally {
      this.inFlight.delete(d.id);
    }
  }

  private async send(channel: AlertChannelEntity, d: AlertDeliveryEntity): Promise<AttemptOutcome> {
    const payload = d.payload as NotificationPayload;
    if (channel.type === 'webhook') {
      const cfg = channel.config as WebhookChannelConfig;
      const body = webhookBody(payload, d.id, this.clock.now());
      return this.webhook.post({
        url: cfg.url,
        body,
        timeoutMs: cfg.timeoutSeconds * 1000,
        headers: {
          'x-moxnas-signature': signature(channel.secrets.webhookSecret ?? '', body),
          'x-moxnas-event': d.event,
          'x-moxnas-delivery': d.id,
          'x-moxnas-attempt': String(d.attempts + 1),
          'user-agent': `MoxNAS/${this.config.version}`,
        },
      });
    }
    const cfg = channel.config as EmailChannelConfig;
    const result = await this.mail.send(
      {
        host: cfg.host,
        port: cfg.port,
        security: cfg.security,
        username: cfg.username,
        password: channel.secrets.smtpPassword ?? null,
        rejectUnauthorized: cfg.rejectUnauthorized,
        timeoutMs: MAIL_TIMEOUT_MS,
      },
      emailMessage(payload, cfg.from, cfg.to),
    );
    return { ok: result.ok, status: null, detail: result.detail, durationMs: result.durationMs };
  }

  private async record(d: AlertDeliveryEntity, outcome: AttemptOutcome, final: boolean): Promise<DeliveryStatus> {
    const now = this.clock.now();
    const attempts = d.attempts + 1;
    const entry: DeliveryAttempt = { at: now.toISOString(), ok: outcome.ok, status: outcome.status, detail: outcome.detail, durationMs: outcome.durationMs };
    const status: DeliveryStatus = outcome.ok ? 'delivered' : final || attempts >= d.maxAttempts ? 'failed' : 'pending';
    const errorText = outcome.ok ? null : outcome.status !== null ? `HTTP ${outcome.status}: ${outcome.detail}` : outcome.detail;
    await this.deliveries.update(
      { id: d.id },
      {
        status,
        attempts,
        log: [...(d.log ?? []), entry].slice(-LOG_KEEP),
        lastError: errorText,
        nextAttemptAt: status === 'pending' ? new Date(now.getTime() + retryDelayMs(attempts)) : null,
        deliveredAt: outcome.ok ? now : null,
        claimedAt: null,
      },
    );
    if (!outcome.ok) {
      this.log.warn({ delivery: d.id, channel: d.channelId, attempt: attempts, status, error: errorText }, 'alert delivery attempt failed');
    }
    return status;
  }

  /** Sends a test message at once (the admin is waiting for the answer) and logs it like any delivery. */
  async test(channelId: string): Promise<ChannelTestResult> {
    const channel = await this.channels.findOneBy({ id: channelId });
    if (!channel) throw DomainError.notFound('The alert channel');
    const now = this.clock.now();
    const row = await this.deliveries.save(
      this.deliveries.create({
        channelId,
        alertId: null,
        event: 'test' as DeliveryEvent,
        payload: await this.payload('test', null),
        status: 'sending',
        attempts: 0,
        maxAttempts: 1,
        nextAttemptAt: null,
        lastError: null,
        log: [],
        createdAt: now,
        deliveredAt: null,
        claimedAt: now,
      }),
    );
    this.inFlight.add(row.id);
    try {
      const outcome = await this.send(channel, row);
      await this.record(row, outcome, true);
      return { ok: outcome.ok, status: outcome.status, detail: outcome.detail, durationMs: outcome.durationMs, deliveryId: row.id };
    } finally {
      this.inFlight.delete(row.id);
    }
  }

  async list(channelId: string, query: { page: number; pageSize: number; status?: DeliveryStatus }): Promise<{ items: AlertDelivery[]; total: number; page: number; pageSize: number }> {
    if (!(await this.channels.existsBy({ id: channelId }))) throw DomainError.notFound('The alert channel');
    const [rows, total] = await this.deliveries.findAndCount({
      where: { channelId, ...(query.status ? { status: query.status } : {}) },
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    });
    return { items: rows.map(toDelivery), total, page: query.page, pageSize: query.pageSize };
  }

  private async prune(): Promise<void> {
    const cutoff = new Date(this.clock.now().getTime() - KEEP_DAYS * 86_400_000);
    await this.deliveries.delete({ status: In(['delivered', 'failed']), createdAt: LessThan(cutoff) });
  }
}

export function toDelivery(d: AlertDeliveryEntity): AlertDelivery {
  const iso = (v: Date | null) => (v ? new Date(v).toISOString() : null);
  return {
    id: d.id,
    channelId: d.channelId,
    alertId: d.alertId,
    event: d.event,
    status: d.status,
    attempts: d.attempts,
    maxAttempts: d.maxAttempts,
    nextAttemptAt: iso(d.nextAttemptAt),
    lastError: d.lastError,
    createdAt: iso(d.createdAt) ?? '',
    deliveredAt: iso(d.deliveredAt),
    log: d.log ?? [],
  };
}
