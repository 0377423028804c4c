import { createHmac } from 'node:crypto';
import type { Alert } from '@moxnas/contracts';
import { emailMessage, retryDelayMs, signature, verifySignature, webhookBody, type NotificationPayload } from './alert-notifications';

const alert: Alert = {
  id: '00000000-0000-4000-8000-000000000001',
  key: 'pool.usage:tank',
  class: 'pool.usage',
  severity: 'critical',
  kind: 'condition',
  state: 'active',
  title: 'Pool tank is 96% full',
  message: '960 GiB of 1000 GiB used.',
  source: 'storage',
  data: null,
  count: 1,
  raisedAt: '2030-01-01T00:00:00.000Z',
  lastSeenAt: '2030-01-01T00:00:00.000Z',
  clearedAt: null,
  clearReason: null,
  acknowledgedAt: null,
  acknowledgedBy: null,
  expiresAt: null,
};
const payload: NotificationPayload = { event: 'alert.raised', alert, host: { hostname: 'nas' }, app: { version: '1.2.3' } };

describe('alert notifications', () => {
  it('signs the exact body with HMAC-SHA256 as sha256=<hex>', () => {
    const body = webhookBody(payload, 'd1', new Date('2030-01-01T00:00:05Z'));
    expect(JSON.parse(body)).toMatchObject({ event: 'alert.raised', deliveryId: 'd1', sentAt: '2030-01-01T00:00:05.000Z', alert: { key: 'pool.usage:tank' } });
    const sig = signature('s3cret-s3cret-s3cret', body);
    expect(sig).toBe(`sha256=${createHmac('sha256', 's3cret-s3cret-s3cret').update(body).digest('hex')}`);
    expect(verifySignature('s3cret-s3cret-s3cret', body, sig)).toBe(true);
    expect(verifySignature('other-secret-value', body, sig)).toBe(false);
    expect(verifySignature('s3cret-s3cret-s3cret', `${body} `, sig)).toBe(false);
    expect(verifySignature('s3cret-s3cret-s3cret', body, undefined)).toBe(false);
  });

  it('backs off exponentially up to half an hour', () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(retryDelayMs(20)).toBe(30 * 60_000);
  });

  it('writes mail for raised, resolved and test notifications', () => {
    const raised = emailMessage(payload, 'nas@example.com', ['admin@example.com']);
    expect(raised.subject).toBe('[MoxNAS nas] CRITICAL: Pool tank is 96% full');
    expect(raised.text).toContain('960 GiB of 1000 GiB used.');
    const cleared = emailMessage({ ...payload, event: 'alert.cleared', alert: { ...alert, state: 'cleared', clearedAt: '2030-01-01T01:00:00.000Z' } }, 'nas@example.com', ['a@example.com']);
    expect(cleared.subject).toContain('RESOLVED');
    expect(cleared.text).toContain('Cleared:  2030-01-01T01:00:00.000Z');
    expect(emailMessage({ ...payload, event: 'test', alert: null }, 'n@example.com', ['a@example.com']).subject).toBe('[MoxNAS nas] Test notification');
  });
});
