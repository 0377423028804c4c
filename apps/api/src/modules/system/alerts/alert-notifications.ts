import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Alert } from '@moxnas/contracts';
import type { MailMessage } from '@moxnas/host';

/** What a delivery carries, fixed when the event happened. */
export interface NotificationPayload extends Record<string, unknown> {
  event: 'alert.raised' | 'alert.cleared' | 'test';
  alert: Alert | null;
  host: { hostname: string };
  app: { version: string };
}

export const MAX_ATTEMPTS = 8;
const BASE_DELAY_MS = 10_000;
const MAX_DELAY_MS = 30 * 60_000;

/** Wait after failed attempt `n` (1-based): 10 s, 20 s, 40 s, … capped at 30 min; 8 attempts span about 21 minutes. */
export function retryDelayMs(attempt: number): number {
  return Math.min(BASE_DELAY_MS * 2 ** Math.max(0, attempt - 1), MAX_DELAY_MS);
}

/** `sha256=<hex>`: HMAC-SHA256 of the exact body bytes with the channel secret (GitHub's scheme). */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** Constant-time check of a signature header, for receivers written in TypeScript (and the tests). */
export function verifySignature(secret: string, body: string, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signature(secret, body));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The JSON body of one webhook attempt. `sentAt` is signed too, so a receiver can refuse replays. */
export function webhookBody(payload: NotificationPayload, deliveryId: string, sentAt: Date): string {
  return JSON.stringify({ ...payload, deliveryId, sentAt: sentAt.toISOString() });
}

export function emailMessage(payload: NotificationPayload, from: string, to: string[]): MailMessage {
  const host = payload.host.hostname;
  if (payload.event === 'test' || !payload.alert) {
    return {
      from,
      to,
      subject: `[MoxNAS ${host}] Test notification`,
      text: `This is a test message from MoxNAS on ${host} (version ${payload.app.version}).\nIf you can read it, e-mail alerts reach you.\n`,
    };
  }
  const a = payload.alert;
  const resolved = payload.event === 'alert.cleared';
  const lines = [
    resolved ? `Resolved: ${a.title}` : `${a.severity.toUpperCase()}: ${a.title}`,
    '',
    a.message,
    '',
    `Host:     ${host}`,
    `Alert:    ${a.class} (${a.key})`,
    `Severity: ${a.severity}`,
    `Raised:   ${a.raisedAt}`,
    ...(resolved && a.clearedAt ? [`Cleared:  ${a.clearedAt}`] : []),
    '',
    'Open the MoxNAS dashboard (System → Alerts) for details.',
  ];
  return {
    from,
    to,
    subject: `[MoxNAS ${host}] ${resolved ? 'RESOLVED' : a.severity.toUpperCase()}: ${a.title}`,
    text: `${lines.join('\n')}\n`,
  };
}
