import { z } from 'zod';
import { IdParams, page, PageQuery, secret } from './common';
import { endpoint } from './endpoint';
import { isHostname, isIPv4, isIPv6 } from './addresses';

export const AlertSeverity = z.enum(['info', 'warning', 'critical']);
export type AlertSeverity = z.infer<typeof AlertSeverity>;

export const SEVERITY_RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2 };

export const AlertKind = z
  .enum(['condition', 'one-shot'])
  .describe('`condition`: active while a condition holds and cleared by itself when it ends; `one-shot`: something that happened, active until acknowledged or expired.');
export type AlertKind = z.infer<typeof AlertKind>;

export const AlertState = z.enum(['active', 'cleared']);
export type AlertState = z.infer<typeof AlertState>;

export const ClearReason = z.enum(['resolved', 'acknowledged', 'expired']);
export type ClearReason = z.infer<typeof ClearReason>;

export const Alert = z.object({
  id: z.string().uuid(),
  key: z.string().describe('Deduplication key: while an alert with this key is active, the same problem raises no second alert.'),
  class: z.string().describe('What kind of problem: pool.usage, service.down, apply.failed, certificate.expiry, …'),
  severity: AlertSeverity,
  kind: AlertKind,
  state: AlertState,
  title: z.string(),
  message: z.string(),
  source: z.string().describe('The module or check that raised it.'),
  data: z.record(z.string(), z.unknown()).nullable().describe('Figures behind the alert (for example usedRatio, files).'),
  count: z.number().int().describe('How often it was raised while active.'),
  raisedAt: z.string(),
  lastSeenAt: z.string(),
  clearedAt: z.string().nullable(),
  clearReason: ClearReason.nullable(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  expiresAt: z.string().nullable().describe('One-shot alerts clear themselves at this time.'),
});
export type Alert = z.infer<typeof Alert>;

export const AlertListQuery = PageQuery.extend({
  state: z.enum(['active', 'cleared', 'all']).default('all').describe('Active alerts, history (cleared) or both.'),
  severity: AlertSeverity.optional().describe('Only this severity.'),
  class: z.string().max(64).optional().describe('Only this class.'),
  acknowledged: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true'))
    .describe('Only acknowledged (true) or unacknowledged (false) alerts.'),
});
export type AlertListQuery = z.infer<typeof AlertListQuery>;

// ---------------------------------------------------------------------------------------------
// Channels
// ---------------------------------------------------------------------------------------------

const channelName = z
  .string()
  // One message per field: the first rule the name breaks.
  .superRefine((v, ctx) => {
    const problem =
      v.length === 0
        ? 'must not be empty'
        : v.length > 64
          ? 'must be at most 64 characters'
          : // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
            /[\x00-\x1f\x7f]/.test(v)
            ? 'must be one line of printable text'
            : v !== v.trim()
              ? 'must not start or end with whitespace'
              : undefined;
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('Name shown in the list.');

const smtpHost = z
  .string()
  .max(253)
  .refine((v) => isHostname(v) || isIPv4(v) || isIPv6(v), 'must be a host name or an IP address')
  .describe('SMTP server.');

const email = z.email('must be an e-mail address such as admin@example.com').max(254);

const webhookUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .max(2048)
  .refine((v) => !/\s/.test(v), 'must not contain whitespace')
  .describe('Where alerts are POSTed as JSON.');

const webhookSecret = secret(z.string())
  .min(16, 'must be at least 16 characters')
  .max(256, 'must be at most 256 characters')
  .describe('HMAC-SHA256 key: each request carries `X-MoxNAS-Signature: sha256=<hex>` over the raw body. Write-only.');

const WebhookFields = {
  url: webhookUrl,
  timeoutSeconds: z.number().int().min(1).max(30).default(10).describe('Seconds to wait for an answer before the attempt counts as failed.'),
};

const EmailFields = {
  host: smtpHost,
  port: z.number().int().min(1).max(65535).default(587),
  security: z.enum(['starttls', 'tls', 'none']).default('starttls').describe('`starttls` (port 587) upgrades and requires TLS; `tls` (port 465) is TLS from the start; `none` sends in clear text.'),
  username: z.string().min(1).max(256).nullable().default(null).describe('SMTP login; null for servers without authentication.'),
  rejectUnauthorized: z.boolean().default(true).describe('Refuse servers whose TLS certificate does not verify (turn off only for a self-signed relay).'),
  from: email.describe('Sender address.'),
  to: z.array(email).min(1, 'at least one recipient').max(20, 'at most 20 recipients').describe('Recipients.'),
};

const smtpPassword = secret(z.string()).min(1).max(1024).describe('SMTP password. Write-only.');

const ChannelFields = {
  name: channelName,
  enabled: z.boolean().default(true),
  minSeverity: AlertSeverity.default('warning').describe('Alerts below this severity are not sent here.'),
};

export const CreateAlertChannel = z.discriminatedUnion('type', [
  z.strictObject({ ...ChannelFields, type: z.literal('webhook'), webhook: z.strictObject({ ...WebhookFields, secret: webhookSecret }) }),
  z.strictObject({ ...ChannelFields, type: z.literal('email'), email: z.strictObject({ ...EmailFields, password: smtpPassword.nullable().default(null) }) }),
]);
export type CreateAlertChannel = z.infer<typeof CreateAlertChannel>;

/** A full replacement; leave a secret out to keep the stored one (send null to remove the SMTP password). */
export const UpdateAlertChannel = z.discriminatedUnion('type', [
  z.strictObject({ ...ChannelFields, type: z.literal('webhook'), webhook: z.strictObject({ ...WebhookFields, secret: webhookSecret.optional() }) }),
  z.strictObject({ ...ChannelFields, type: z.literal('email'), email: z.strictObject({ ...EmailFields, password: smtpPassword.nullable().optional() }) }),
]);
export type UpdateAlertChannel = z.infer<typeof UpdateAlertChannel>;

export const AlertChannel = z.object({
  id: z.string().uuid(),
  name: z.string(),
  type: z.enum(['webhook', 'email']),
  enabled: z.boolean(),
  minSeverity: AlertSeverity,
  webhook: z.object({ url: z.string(), timeoutSeconds: z.number().int(), secretSet: z.boolean() }).nullable(),
  email: z
    .object({
      host: z.string(),
      port: z.number().int(),
      security: z.enum(['starttls', 'tls', 'none']),
      username: z.string().nullable(),
      passwordSet: z.boolean(),
      rejectUnauthorized: z.boolean(),
      from: z.string(),
      to: z.array(z.string()),
    })
    .nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AlertChannel = z.infer<typeof AlertChannel>;

export const DeliveryAttempt = z.object({
  at: z.string(),
  ok: z.boolean(),
  status: z.number().int().nullable().describe('HTTP status for webhooks; null for e-mail or when no answer came.'),
  detail: z.string().describe('Start of the answer, the SMTP reply or the error.'),
  durationMs: z.number(),
});
export type DeliveryAttempt = z.infer<typeof DeliveryAttempt>;

export const AlertDelivery = z.object({
  id: z.string().uuid(),
  channelId: z.string().uuid(),
  alertId: z.string().uuid().nullable(),
  event: z.enum(['alert.raised', 'alert.cleared', 'test']),
  status: z.enum(['pending', 'sending', 'delivered', 'failed']).describe('`failed` after the last retry.'),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
  log: z.array(DeliveryAttempt),
});
export type AlertDelivery = z.infer<typeof AlertDelivery>;

export const ChannelTestResult = z.object({
  ok: z.boolean(),
  status: z.number().int().nullable(),
  detail: z.string(),
  durationMs: z.number(),
  deliveryId: z.string().uuid(),
});
export type ChannelTestResult = z.infer<typeof ChannelTestResult>;

export const DeliveryListQuery = PageQuery.omit({ search: true }).extend({
  status: z.enum(['pending', 'sending', 'delivered', 'failed']).optional(),
});

export const alertsApi = {
  list: endpoint({
    id: 'alerts.list',
    method: 'GET',
    path: '/api/system/alerts',
    tag: 'alerts',
    access: 'viewer',
    summary: 'Alerts, newest first: active ones and the history of cleared ones',
    query: AlertListQuery,
    response: page(Alert),
  }),
  get: endpoint({
    id: 'alerts.get',
    method: 'GET',
    path: '/api/system/alerts/{id}',
    tag: 'alerts',
    access: 'viewer',
    summary: 'One alert',
    params: IdParams,
    response: Alert,
  }),
  acknowledge: endpoint({
    id: 'alerts.acknowledge',
    method: 'POST',
    path: '/api/system/alerts/{id}/acknowledge',
    tag: 'alerts',
    access: 'operator',
    summary: 'Acknowledge an alert: a condition alert stays active until its condition ends; a one-shot alert is cleared',
    params: IdParams,
    response: Alert,
    errors: { 409: 'The alert has already cleared.' },
  }),
};

const ChannelIdParams = IdParams;

export const alertChannelsApi = {
  list: endpoint({
    id: 'alertChannels.list',
    method: 'GET',
    path: '/api/system/alert-channels',
    tag: 'alerts',
    access: 'admin',
    summary: 'Notification channels (secrets are never returned)',
    response: z.array(AlertChannel),
  }),
  get: endpoint({
    id: 'alertChannels.get',
    method: 'GET',
    path: '/api/system/alert-channels/{id}',
    tag: 'alerts',
    access: 'admin',
    summary: 'One channel',
    params: ChannelIdParams,
    response: AlertChannel,
  }),
  create: endpoint({
    id: 'alertChannels.create',
    method: 'POST',
    path: '/api/system/alert-channels',
    tag: 'alerts',
    access: 'admin',
    summary: 'Add a webhook or e-mail channel',
    body: CreateAlertChannel,
    response: AlertChannel,
    status: 201,
  }),
  update: endpoint({
    id: 'alertChannels.update',
    method: 'PUT',
    path: '/api/system/alert-channels/{id}',
    tag: 'alerts',
    access: 'admin',
    summary: 'Replace a channel’s settings (omitted secrets are kept)',
    params: ChannelIdParams,
    body: UpdateAlertChannel,
    response: AlertChannel,
    errors: { 409: 'The channel type cannot change; delete and create instead.' },
  }),
  remove: endpoint({
    id: 'alertChannels.remove',
    method: 'DELETE',
    path: '/api/system/alert-channels/{id}',
    tag: 'alerts',
    access: 'admin',
    summary: 'Delete a channel and its delivery log',
    params: ChannelIdParams,
    status: 204,
  }),
  test: endpoint({
    id: 'alertChannels.test',
    method: 'POST',
    path: '/api/system/alert-channels/{id}/test',
    tag: 'alerts',
    access: 'admin',
    summary: 'Send a test message now and report what the receiver answered (logged like any delivery)',
    params: ChannelIdParams,
    response: ChannelTestResult,
  }),
  deliveries: endpoint({
    id: 'alertChannels.deliveries',
    method: 'GET',
    path: '/api/system/alert-channels/{id}/deliveries',
    tag: 'alerts',
    access: 'admin',
    summary: 'Delivery log of a channel, newest first, with every attempt',
    params: ChannelIdParams,
    query: DeliveryListQuery,
    response: page(AlertDelivery),
  }),
};

// ---------------------------------------------------------------------------------------------
// Events other modules publish on the EventsService that raise or clear alerts (docs/alerts.md).
// ---------------------------------------------------------------------------------------------

const serviceName = z.string().min(1).max(32);

export const AlertSourceEvents = {
  /** The apply engine rolled back a change. Cleared by the next `service.applied` of the service. */
  'apply.failed': z.object({ service: serviceName, message: z.string() }),
  'service.applied': z.object({ service: serviceName }).loose(),
  /** The drift check compared the files with the last applied revision; `files` are paths or `{ path, … }` objects. */
  'service.drift': z.object({
    service: serviceName,
    drifted: z.boolean(),
    files: z.array(z.union([z.string(), z.object({ path: z.string() }).loose()])).default([]),
  }),
  /** A daemon's state changed. `enabled` (optional) says whether it should be running. */
  'service.status': z.object({ id: serviceName, state: z.string().min(1).max(32), enabled: z.boolean().optional() }).loose(),
  'snapshot-task.failed': z
    .object({
      taskId: z.string().min(1).max(64),
      name: z.string().optional(),
      dataset: z.string().optional(),
      message: z.string().optional(),
      error: z.string().nullable().optional(),
    })
    .loose(),
  'snapshot-task.succeeded': z.object({ taskId: z.string().min(1).max(64) }).loose(),
  /** A replication run failed (not a cancelled one). Cleared by the task's next successful run. */
  'replication-task.failed': z
    .object({
      taskId: z.string().min(1).max(64),
      name: z.string().optional(),
      target: z.string().optional(),
      error: z.string().nullable().optional(),
    })
    .loose(),
  'replication-task.succeeded': z.object({ taskId: z.string().min(1).max(64) }).loose(),
  /** A soft quota was passed (exceeded true) or is respected again (false). */
  'quota.exceeded': z.object({
    dataset: z.string().min(1).max(256),
    usedBytes: z.number().min(0),
    quotaBytes: z.number().positive(),
    exceeded: z.boolean().default(true),
  }),
  /** The storage module's measurement passed a dataset's quota / came back under it. */
  'dataset.quota-exceeded': z.object({ path: z.string().min(1).max(4096), usedBytes: z.number().min(0), quotaBytes: z.number().positive() }).loose(),
  'dataset.quota-ok': z.object({ path: z.string().min(1).max(4096) }).loose(),
  'auth.lockout': z.object({ username: z.string().min(1).max(64), retryAfterSeconds: z.number().int().positive().optional(), address: z.string().optional() }),
} as const;
export type AlertSourceEventType = keyof typeof AlertSourceEvents;
export type AlertSourceEvent<T extends AlertSourceEventType> = z.input<(typeof AlertSourceEvents)[T]>;
