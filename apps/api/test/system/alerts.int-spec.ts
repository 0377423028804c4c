import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import type { Alert, AlertChannel, AlertDelivery, ChannelTestResult } from '@moxnas/contracts';
import type { HostPaths } from '../../src/core/config/host-paths';
import { HOST_PATHS } from '../../src/core/host/host.module';
import { AlertDeliveryQueue } from '../../src/modules/system/alerts/alert-delivery.queue';
import { retryDelayMs, verifySignature } from '../../src/modules/system/alerts/alert-notifications';
import { AlertSourcesService } from '../../src/modules/system/alerts/alert-sources.service';
import { AlertsService } from '../../src/modules/system/alerts/alerts.service';
import { SYSTEM_CLOCK, type SystemClock } from '../../src/modules/system/alerts/system-clock';
import { EventsService, type AppEvent } from '../../src/modules/system/events/events.service';
import { MetricsCollector } from '../../src/modules/system/metrics/metrics-collector.service';
import { SystemRegistry, type PoolFigures } from '../../src/modules/system/metrics/system-registry';
import { startTestApp, type TestApp } from '../support/test-app';
import { waitFor } from '../support/tcp-proxy';

const ADMIN_PASSWORD = 'alerts-test-Admin-pass-1';
const SECRET = 'webhook-secret-for-tests-0123456789';

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: { event: string; deliveryId: string; sentAt: string; alert: Alert | null; host: { hostname: string } };
}

/** A local webhook receiver: `/ok` answers 200, `/fail` 500, `/hang` never answers. */
class WebhookReceiver {
  readonly received: Received[] = [];
  private readonly hanging: http.ServerResponse[] = [];
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      this.received.push({ path: req.url ?? '', headers: req.headers, body, json: JSON.parse(body) as Received['json'] });
      if (req.url === '/hang') this.hanging.push(res);
      else if (req.url === '/fail') res.writeHead(500).end('receiver is broken');
      else res.writeHead(200).end('thanks');
    });
  });
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  on(path: string, event?: string, key?: string): Received[] {
    return this.received.filter((r) => r.path === path && (!event || r.json.event === event) && (!key || r.json.alert?.key === key));
  }

  async stop(): Promise<void> {
    for (const r of this.hanging) r.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Just enough SMTP (RFC 5321, no TLS, no auth) to receive what nodemailer sends. */
class SmtpReceiver {
  readonly messages: { from: string; to: string[]; data: string }[] = [];
  private readonly server = net.createServer((sock) => {
    let buf = '';
    let inData = false;
    let current = { from: '', to: [] as string[], data: '' };
    sock.write('220 receiver.test ESMTP\r\n');
    sock.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      let idx: number;
      while ((idx = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, idx);
        buf = buf.slice(idx + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            this.messages.push(current);
            current = { from: '', to: [], data: '' };
            sock.write('250 2.0.0 Ok: queued as TEST1\r\n');
          } else current.data += `${line.startsWith('..') ? line.slice(1) : line}\n`;
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') sock.write('250-receiver.test\r\n250 8BITMIME\r\n');
        else if (verb === 'HELO') sock.write('250 receiver.test\r\n');
        else if (verb === 'MAIL') {
          current.from = /<([^>]*)>/.exec(line)?.[1] ?? '';
          sock.write('250 2.1.0 Ok\r\n');
        } else if (verb === 'RCPT') {
          current.to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
          sock.write('250 2.1.5 Ok\r\n');
        } else if (verb === 'DATA') {
          inData = true;
          sock.write('354 End data with <CR><LF>.<CR><LF>\r\n');
        } else if (verb === 'QUIT') {
          sock.end('221 2.0.0 Bye\r\n');
        } else sock.write('250 Ok\r\n');
      }
    });
    sock.on('error', () => undefined);
  });
  port = 0;

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('alerts', () => {
  let app: TestApp;
  let token: string;
  let now: number;
  let queue: AlertDeliveryQueue;
  let alerts: AlertsService;
  let events: EventsService;
  let collector: MetricsCollector;
  const seen: AppEvent[] = [];
  const webhook = new WebhookReceiver();
  const smtp = new SmtpReceiver();
  let usedBytes = 500;
  let extraPools: PoolFigures[] = [];
  let okChannel: AlertChannel;
  let failChannel: AlertChannel;

  const api = <T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) => app.request<T>({ method, url, body, token });
  const advance = (ms: number) => {
    now += ms;
  };
  const deliveries = async (channelId: string) => (await api<{ items: AlertDelivery[] }>('GET', `/api/system/alert-channels/${channelId}/deliveries?pageSize=100`)).body.items;
  const active = async () => (await api<{ items: Alert[] }>('GET', '/api/system/alerts?state=active&pageSize=100')).body.items;
  // Other modules raise alerts of their own in this app (the services reconcile, for one): look at ours.
  const activeOf = async (cls: string) => (await active()).filter((a) => a.class === cls);
  const publish = (type: string, data: unknown) => events.publish({ type, access: 'operator', data });

  beforeAll(async () => {
    await Promise.all([webhook.start(), smtp.start()]);
    app = await startTestApp({ env: { MOXNAS_ADMIN_PASSWORD: ADMIN_PASSWORD, MOXNAS_HOST_ACCOUNTS: 'off' } });
    const login = await app.request<{ accessToken: string }>({ method: 'POST', url: '/api/auth/login', body: { username: 'admin', password: ADMIN_PASSWORD } });
    expect(login.status).toBe(200);
    token = login.body.accessToken;
    // Alert lifecycles and retries run on this app's injected clock, which the test moves.
    now = Date.now();
    jest.spyOn(app.app.get<SystemClock>(SYSTEM_CLOCK), 'now').mockImplementation(() => new Date(now));
    queue = app.app.get(AlertDeliveryQueue);
    alerts = app.app.get(AlertsService);
    events = app.app.get(EventsService);
    collector = app.app.get(MetricsCollector);
    events.subscribe((e) => {
      if (e.type.startsWith('alert.')) seen.push(e);
    });
    app.app.get(SystemRegistry).contributeStorage({
      pools: async () => [{ name: 'tank', sizeBytes: 1000, usedBytes, freeBytes: 1000 - usedBytes, healthy: true, status: null }, ...extraPools],
    });
  });
  afterAll(async () => {
    await app?.close();
    await Promise.all([webhook.stop(), smtp.stop()]);
  });

  describe('channels', () => {
    it('refuses bad channels field by field and stores nothing', async () => {
      const bad = await api<{ errors: { field: string }[] }>('POST', '/api/system/alert-channels', {
        type: 'webhook',
        name: '',
        webhook: { url: 'ftp://example.com/hook', secret: 'short' },
      });
      expect(bad.status).toBe(422);
      expect(bad.body.errors.map((e) => e.field).sort()).toEqual(['name', 'webhook.secret', 'webhook.url']);
      const badMail = await api<{ errors: { field: string }[] }>('POST', '/api/system/alert-channels', {
        type: 'email',
        name: 'mail',
        email: { host: 'smtp example', from: 'not-an-address', to: ['ok@example.com', 'nope'] },
      });
      expect(badMail.status).toBe(422);
      expect(badMail.body.errors.map((e) => e.field).sort()).toEqual(['email.from', 'email.host', 'email.to.1']);
      expect((await api('POST', '/api/system/alert-channels', { type: 'sms', name: 'x' })).status).toBe(422);
      expect((await api<AlertChannel[]>('GET', '/api/system/alert-channels')).body).toEqual([]);
    });

    it('creates channels and never shows their secrets', async () => {
      const ok = await api<AlertChannel>('POST', '/api/system/alert-channels', {
        type: 'webhook',
        name: 'ops hook',
        minSeverity: 'warning',
        webhook: { url: `${webhook.url}/ok`, secret: SECRET, timeoutSeconds: 5 },
      });
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({ type: 'webhook', enabled: true, minSeverity: 'warning', webhook: { url: `${webhook.url}/ok`, secretSet: true }, email: null });
      okChannel = ok.body;
      const fail = await api<AlertChannel>('POST', '/api/system/alert-channels', {
        type: 'webhook',
        name: 'broken hook',
        minSeverity: 'critical',
        webhook: { url: `${webhook.url}/fail`, secret: SECRET, timeoutSeconds: 5 },
      });
      failChannel = fail.body;
      const list = await app.request<AlertChannel[]>({ url: '/api/system/alert-channels', token });
      expect(list.body.map((c) => c.name)).toEqual(['broken hook', 'ops hook']);
      expect(list.text).not.toContain(SECRET);
      expect(ok.text).not.toContain(SECRET);
      const dup = await api<{ errors: { field: string }[] }>('POST', '/api/system/alert-channels', { type: 'webhook', name: 'OPS HOOK', webhook: { url: `${webhook.url}/ok`, secret: SECRET } });
      expect(dup.status).toBe(422);
      expect(dup.body.errors[0].field).toBe('name');
    });

    it('sends a signed test message and logs it', async () => {
      const res = await api<ChannelTestResult>('POST', `/api/system/alert-channels/${okChannel.id}/test`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ok: true, status: 200, detail: 'thanks' });
      const got = webhook.on('/ok', 'test');
      expect(got).toHaveLength(1);
      expect(verifySignature(SECRET, got[0].body, got[0].headers['x-moxnas-signature'] as string)).toBe(true);
      expect(got[0].headers['x-moxnas-delivery']).toBe(res.body.deliveryId);
      const log = await deliveries(okChannel.id);
      expect(log[0]).toMatchObject({ id: res.body.deliveryId, event: 'test', status: 'delivered', attempts: 1, log: [{ ok: true, status: 200 }] });
    });

    it('keeps the secret when an update leaves it out, and refuses a type change', async () => {
      const upd = await api<AlertChannel>('PUT', `/api/system/alert-channels/${okChannel.id}`, {
        type: 'webhook',
        name: 'ops hook',
        minSeverity: 'warning',
        webhook: { url: `${webhook.url}/ok`, timeoutSeconds: 5 },
      });
      expect(upd.status).toBe(200);
      expect(upd.body.webhook?.secretSet).toBe(true);
      await api('POST', `/api/system/alert-channels/${okChannel.id}/test`);
      const last = webhook.on('/ok', 'test').pop()!;
      expect(verifySignature(SECRET, last.body, last.headers['x-moxnas-signature'] as string)).toBe(true);
      const typeChange = await api('PUT', `/api/system/alert-channels/${okChannel.id}`, {
        type: 'email',
        name: 'ops hook',
        email: { host: '127.0.0.1', from: 'nas@example.com', to: ['ops@example.com'] },
      });
      expect(typeChange.status).toBe(409);
    });

    it('sends e-mail over SMTP', async () => {
      const mail = await api<AlertChannel>('POST', '/api/system/alert-channels', {
        type: 'email',
        name: 'ops mail',
        minSeverity: 'critical',
        email: { host: '127.0.0.1', port: smtp.port, security: 'none', from: 'nas@example.com', to: ['ops@example.com', 'oncall@example.com'] },
      });
      expect(mail.status).toBe(201);
      expect(mail.body.email).toMatchObject({ host: '127.0.0.1', passwordSet: false, to: ['ops@example.com', 'oncall@example.com'] });
      const res = await api<ChannelTestResult>('POST', `/api/system/alert-channels/${mail.body.id}/test`);
      expect(res.body).toMatchObject({ ok: true, status: null });
      expect(res.body.detail).toContain('250');
      expect(smtp.messages).toHaveLength(1);
      expect(smtp.messages[0]).toMatchObject({ from: 'nas@example.com', to: ['ops@example.com', 'oncall@example.com'] });
      expect(smtp.messages[0].data).toMatch(/^Subject: \[MoxNAS .+\] Test notification$/m);
    });
  });

  describe('lifecycle', () => {
    it('raises a pool usage alert once when the threshold is crossed and delivers it signed', async () => {
      await collector.collectNow();
      expect(await activeOf('pool.usage')).toEqual([]);
      usedBytes = 850;
      await collector.collectNow();
      await collector.collectNow();
      await collector.collectNow();
      const list = await activeOf('pool.usage');
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({ key: 'pool.usage:tank', class: 'pool.usage', severity: 'warning', kind: 'condition', state: 'active', count: 1, source: 'storage' });
      expect(list[0].title).toBe('Pool tank is 85% full');
      expect(list[0].raisedAt).toBe(new Date(now).toISOString());
      expect(seen.filter((e) => e.type === 'alert.raised' && (e.data as Alert).key === 'pool.usage:tank')).toHaveLength(1);

      await waitFor(async () => webhook.on('/ok', 'alert.raised', 'pool.usage:tank').length, (n) => n >= 1, 10_000);
      await queue.drainNow();
      const got = webhook.on('/ok', 'alert.raised', 'pool.usage:tank');
      expect(got).toHaveLength(1);
      expect(verifySignature(SECRET, got[0].body, got[0].headers['x-moxnas-signature'] as string)).toBe(true);
      expect(got[0].headers['x-moxnas-event']).toBe('alert.raised');
      expect(got[0].json.alert).toMatchObject({ id: list[0].id, severity: 'warning' });
      // A warning is below the broken channel's minimum (critical): nothing queued there.
      expect((await deliveries(failChannel.id)).filter((d) => d.alertId === list[0].id)).toEqual([]);
      const log = (await deliveries(okChannel.id)).find((d) => d.alertId === list[0].id);
      expect(log).toMatchObject({ event: 'alert.raised', status: 'delivered', attempts: 1, lastError: null });
    });

    it('escalates to critical past 95 % and notifies again on the same alert', async () => {
      usedBytes = 960;
      await collector.collectNow();
      const list = await activeOf('pool.usage');
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({ key: 'pool.usage:tank', severity: 'critical' });
      await waitFor(async () => webhook.on('/ok', 'alert.raised', 'pool.usage:tank').length, (n) => n >= 2, 10_000);
      expect(webhook.on('/ok', 'alert.raised', 'pool.usage:tank')[1].json.alert?.severity).toBe('critical');
      expect((await app.request({ url: '/metrics' })).text).toMatch(new RegExp(`moxnas_alerts_active\\{severity="critical"\\} ${alerts.counts().critical}\n`));
    });

    it('clears itself when the condition ends, keeps the history and sends the resolution', async () => {
      usedBytes = 400;
      advance(60_000);
      await collector.collectNow();
      expect(await activeOf('pool.usage')).toEqual([]);
      const history = await api<{ items: Alert[] }>('GET', '/api/system/alerts?state=cleared&class=pool.usage');
      expect(history.body.items).toHaveLength(1);
      expect(history.body.items[0]).toMatchObject({ state: 'cleared', clearReason: 'resolved', clearedAt: new Date(now).toISOString() });
      expect(seen.some((e) => e.type === 'alert.cleared' && (e.data as Alert).key === 'pool.usage:tank')).toBe(true);
      await waitFor(async () => webhook.on('/ok', 'alert.cleared', 'pool.usage:tank').length, (n) => n >= 1, 10_000);
      // The broken critical channel got the escalation and must have had its failures logged.
      expect((await deliveries(failChannel.id)).length).toBeGreaterThanOrEqual(1);
      // Crossing again later is a new alert.
      usedBytes = 900;
      await collector.collectNow();
      expect((await activeOf('pool.usage'))[0].id).not.toBe(history.body.items[0].id);
      usedBytes = 100;
      await collector.collectNow();
      await queue.drainNow();
    });

    it('retries a failing webhook with exponential backoff, logs every attempt and gives up after the last', async () => {
      publish('apply.failed', { service: 'nginx', message: 'nginx -t rejected the candidate site configuration.' });
      await waitFor(active, (l) => l.some((a) => a.key === 'apply.failed:nginx'), 10_000);
      const alert = (await active()).find((a) => a.key === 'apply.failed:nginx')!;
      expect(alert).toMatchObject({ severity: 'critical', kind: 'condition', class: 'apply.failed' });
      const row = async () => (await deliveries(failChannel.id)).find((d) => d.alertId === alert.id)!;
      await waitFor(row, (d) => d?.attempts === 1, 10_000);
      let d = await row();
      expect(d).toMatchObject({ status: 'pending', attempts: 1, maxAttempts: 8 });
      expect(d.lastError).toBe('HTTP 500: receiver is broken');
      expect(d.log).toEqual([expect.objectContaining({ ok: false, status: 500 })]);
      expect(Date.parse(d.nextAttemptAt!)).toBe(now + retryDelayMs(1));

      // Not due yet: nothing is sent.
      await queue.drainNow();
      expect((await row()).attempts).toBe(1);
      for (let attempt = 1; attempt < 8; attempt++) {
        advance(retryDelayMs(attempt));
        await queue.drainNow();
        d = await row();
        expect(d.attempts).toBe(attempt + 1);
      }
      expect(d).toMatchObject({ status: 'failed', attempts: 8, nextAttemptAt: null });
      expect(d.log).toHaveLength(8);
      const sent = webhook.on('/fail', 'alert.raised', 'apply.failed:nginx');
      expect(sent.map((r) => r.headers['x-moxnas-attempt'])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
      expect(sent.every((r) => verifySignature(SECRET, r.body, r.headers['x-moxnas-signature'] as string))).toBe(true);
      // The healthy channel got it at once.
      expect(webhook.on('/ok', 'alert.raised', 'apply.failed:nginx')).toHaveLength(1);
    });

    it('never makes the API wait for a receiver that does not answer', async () => {
      const hang = await api<AlertChannel>('POST', '/api/system/alert-channels', {
        type: 'webhook',
        name: 'black hole',
        minSeverity: 'info',
        webhook: { url: `${webhook.url}/hang`, secret: SECRET, timeoutSeconds: 1 },
      });
      publish('snapshot-task.failed', { taskId: 'hourly-tank', dataset: 'tank/home', message: 'zfs snapshot: out of space' });
      await waitFor(async () => webhook.on('/hang').length, (n) => n >= 1, 10_000);
      // The delivery is in flight right now; the API answers regardless.
      const started = performance.now();
      const res = await api<{ items: Alert[] }>('GET', '/api/system/alerts?state=active');
      expect(res.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(1000);
      const row = async () => (await deliveries(hang.body.id))[0];
      await waitFor(row, (d) => d?.attempts === 1, 10_000);
      expect((await row()).lastError).toBe('no answer within 1000 ms');
      expect((await api('DELETE', `/api/system/alert-channels/${hang.body.id}`)).status).toBe(204);
      expect((await api('GET', `/api/system/alert-channels/${hang.body.id}`)).status).toBe(404);
    });

    it('acknowledges: a condition stays active, a one-shot is cleared', async () => {
      const list = await active();
      const condition = list.find((a) => a.key === 'apply.failed:nginx')!;
      const oneShot = list.find((a) => a.key === 'snapshot-task.failed:hourly-tank')!;
      expect(oneShot).toMatchObject({ kind: 'one-shot', severity: 'warning', expiresAt: expect.any(String) });

      const ack = await api<Alert>('POST', `/api/system/alerts/${condition.id}/acknowledge`);
      expect(ack.status).toBe(200);
      expect(ack.body).toMatchObject({ state: 'active', acknowledgedBy: 'admin', acknowledgedAt: new Date(now).toISOString() });
      const unacked = await api<{ items: Alert[] }>('GET', '/api/system/alerts?state=active&acknowledged=false');
      expect(unacked.body.items.map((a) => a.key)).not.toContain('apply.failed:nginx');

      const ack2 = await api<Alert>('POST', `/api/system/alerts/${oneShot.id}/acknowledge`);
      expect(ack2.body).toMatchObject({ state: 'cleared', clearReason: 'acknowledged', acknowledgedBy: 'admin' });
      expect((await api('POST', `/api/system/alerts/${oneShot.id}/acknowledge`)).status).toBe(409);
      expect((await api('POST', '/api/system/alerts/00000000-0000-4000-8000-000000000000/acknowledge')).status).toBe(404);
      // Acknowledged by a person: no "resolved" notification for it.
      await queue.drainNow();
      expect(webhook.on('/ok', 'alert.cleared', 'snapshot-task.failed:hourly-tank')).toEqual([]);

      // The next successful apply ends the apply failure.
      publish('service.applied', { service: 'nginx', daemon: 'reloaded', revisionIds: [] });
      await waitFor(active, (l) => !l.some((a) => a.key === 'apply.failed:nginx'), 10_000);
    });

    it('filters and pages the history', async () => {
      const page1 = await api<{ items: Alert[]; total: number }>('GET', '/api/system/alerts?pageSize=2&page=1');
      const page2 = await api<{ items: Alert[]; total: number }>('GET', '/api/system/alerts?pageSize=2&page=2');
      expect(page1.body.items).toHaveLength(2);
      expect(page1.body.total).toBeGreaterThanOrEqual(4);
      expect(page2.body.items[0].id).not.toBe(page1.body.items[1].id);
      const critical = await api<{ items: Alert[] }>('GET', '/api/system/alerts?severity=critical');
      expect(critical.body.items.every((a) => a.severity === 'critical')).toBe(true);
      expect((await api('GET', '/api/system/alerts?severity=fatal')).status).toBe(422);
      const search = await api<{ items: Alert[] }>('GET', '/api/system/alerts?search=candidate%20site');
      expect(search.body.items.map((a) => a.key)).toEqual(['apply.failed:nginx']);
    });
  });

  describe('sources', () => {
    it('raises service down, clears it when the daemon runs, and notices flapping', async () => {
      const mailsBefore = smtp.messages.length;
      for (let i = 0; i < 3; i++) {
        publish('service.status', { id: 'ftp', state: 'running' });
        publish('service.status', { id: 'ftp', state: 'failed' });
        advance(30_000);
      }
      await waitFor(active, (l) => l.some((a) => a.key === 'service.flapping:ftp') && l.some((a) => a.key === 'service.down:ftp'), 10_000);
      const list = await active();
      expect(list.find((a) => a.key === 'service.down:ftp')).toMatchObject({ severity: 'critical', count: 1 });
      expect(list.find((a) => a.key === 'service.flapping:ftp')).toMatchObject({ severity: 'warning' });
      // Critical reaches the e-mail channel too.
      const down = (m: { data: string }) => /^Subject: \[MoxNAS .+\] CRITICAL: Service ftp is down$/m.test(m.data);
      await waitFor(async () => smtp.messages.slice(mailsBefore).filter(down).length, (n) => n >= 1, 15_000);

      publish('service.status', { id: 'ftp', state: 'running' });
      await waitFor(active, (l) => !l.some((a) => a.key === 'service.down:ftp'), 10_000);
      // Ten quiet minutes later it is no longer flapping.
      advance(11 * 60_000);
      await app.app.get(AlertSourcesService).tick();
      expect((await active()).some((a) => a.key === 'service.flapping:ftp')).toBe(false);
    });

    it('turns drift and quota events and degraded-pool figures into alerts and clears them', async () => {
      publish('service.drift', { service: 'ftp', drifted: true, files: [{ path: '/etc/vsftpd.conf', drifted: true, diff: '-a\n+b' }] });
      publish('quota.exceeded', { dataset: 'tank/home', usedBytes: 2048, quotaBytes: 1024 });
      publish('quota.exceeded', { dataset: 42 });
      extraPools = [{ name: 'backup', sizeBytes: 0, usedBytes: 0, freeBytes: 0, healthy: false, status: 'not mounted' }];
      await collector.collectNow();
      extraPools = [];
      await waitFor(active, (l) => ['config.drift:ftp', 'quota.exceeded:tank/home', 'pool.degraded:backup'].every((k) => l.some((a) => a.key === k)), 10_000);
      const list = await active();
      expect(list.find((a) => a.key === 'config.drift:ftp')!.message).toContain('/etc/vsftpd.conf');
      expect(list.find((a) => a.key === 'quota.exceeded:tank/home')!.message).toBe('2.0 KiB used of a 1.0 KiB quota.');
      expect((await app.request({ url: '/metrics' })).text).toContain('moxnas_config_drift{service="ftp"} 1');

      publish('service.drift', { service: 'ftp', drifted: false, files: [] });
      publish('quota.exceeded', { dataset: 'tank/home', usedBytes: 512, quotaBytes: 1024, exceeded: false });
      // `backup` is not among the storage contributor's pools, so the next collection sweeps it away.
      await collector.collectNow();
      await waitFor(active, (l) => !l.some((a) => ['config.drift:ftp', 'quota.exceeded:tank/home', 'pool.degraded:backup'].includes(a.key)), 10_000);
    });

    it('understands the storage module’s own event shapes', async () => {
      const poolId = '00000000-0000-4000-8000-0000000000aa';
      publish('dataset.quota-exceeded', { datasetId: poolId, poolId, path: '/mnt/media/films', usedBytes: 3072, quotaBytes: 1024, quotaKind: 'soft', severity: 'warning' });
      publish('snapshot-task.failed', { taskId: 'task-1', name: 'hourly', jobId: poolId, error: 'zfs: out of space', severity: 'warning', at: new Date(now).toISOString() });
      const keys = ['quota.exceeded:/mnt/media/films', 'snapshot-task.failed:task-1'];
      await waitFor(active, (l) => keys.every((k) => l.some((a) => a.key === k)), 10_000);
      const list = await active();
      expect(list.find((a) => a.key === 'quota.exceeded:/mnt/media/films')!.message).toBe('3.0 KiB used of a 1.0 KiB quota.');
      expect(list.find((a) => a.key === 'snapshot-task.failed:task-1')).toMatchObject({ title: 'Snapshot task hourly failed', message: 'zfs: out of space', kind: 'one-shot' });

      publish('dataset.quota-ok', { datasetId: poolId, poolId, path: '/mnt/media/films', usedBytes: 10, quotaBytes: 1024, severity: 'info' });
      await waitFor(active, (l) => !l.some((a) => a.key === keys[0]), 10_000);
    });

    it('expires a one-shot lockout alert when the lock ends', async () => {
      publish('auth.lockout', { username: 'mallory', retryAfterSeconds: 300, address: '10.0.0.9' });
      await waitFor(active, (l) => l.some((a) => a.key === 'auth.lockout:mallory'), 10_000);
      await alerts.housekeeping();
      expect((await active()).some((a) => a.key === 'auth.lockout:mallory')).toBe(true);
      advance(301_000);
      await alerts.housekeeping();
      expect((await active()).some((a) => a.key === 'auth.lockout:mallory')).toBe(false);
      const cleared = await api<{ items: Alert[] }>('GET', '/api/system/alerts?class=auth.lockout');
      expect(cleared.body.items[0]).toMatchObject({ state: 'cleared', clearReason: 'expired' });
    });

    it('warns before a TLS certificate expires and clears when it is replaced', async () => {
      const dir = app.app.get<HostPaths>(HOST_PATHS).tlsDir;
      await fs.mkdir(dir, { recursive: true });
      const cert = `${dir}/moxnas.crt`;
      const make = (days: number) =>
        execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', String(days), '-subj', '/CN=nas.test', '-keyout', `${dir}/moxnas.key`, '-out', cert], { stdio: 'ignore' });
      make(20);
      const sources = app.app.get(AlertSourcesService);
      await sources.checkCertificates();
      let a = (await active()).find((x) => x.key === `certificate.expiry:${cert}`);
      expect(a).toMatchObject({ severity: 'warning', class: 'certificate.expiry' });
      expect(a!.data).toMatchObject({ subject: 'CN=nas.test' });
      advance(15 * 86_400_000);
      await sources.checkCertificates();
      a = (await active()).find((x) => x.key === `certificate.expiry:${cert}`);
      expect(a).toMatchObject({ severity: 'critical' });
      make(365);
      await sources.checkCertificates();
      expect((await active()).some((x) => x.key === `certificate.expiry:${cert}`)).toBe(false);
    });

    it('counts the active alerts per severity for the dashboard and Prometheus', async () => {
      const counts = alerts.counts();
      const list = await active();
      expect(counts.critical + counts.warning + counts.info).toBe(list.length);
      const snapshot = await collector.collectNow();
      expect(snapshot.alerts).toEqual(counts);
    });
  });

  describe('pool alerts: one source, hysteresis, acknowledgement', () => {
    const pool = (name: string, usedRatio: number, healthy = true): PoolFigures => ({
      name,
      sizeBytes: 1000,
      usedBytes: Math.round(usedRatio * 1000),
      freeBytes: 1000 - Math.round(usedRatio * 1000),
      healthy,
      status: healthy ? null : 'not mounted',
    });
    /** What the storage module publishes when its own (hysteresis-free) level for a pool changes. */
    const storageLevel = (name: string, level: 'ok' | 'warning' | 'critical', usedRatio: number) =>
      publish('pool.usage', { poolId: '00000000-0000-4000-8000-0000000000bb', name, path: `/mnt/${name}`, level, usedRatio, warningPercent: 80, criticalPercent: 95 });
    const historyOf = async (key: string) => (await api<{ items: Alert[] }>('GET', `/api/system/alerts?state=all&pageSize=100&search=${encodeURIComponent(key)}`)).body.items.filter((a) => a.key === key);
    afterEach(async () => {
      extraPools = [];
      await collector.collectNow();
      await queue.drainNow();
    });

    it('raises once and never resolves while the figures swing around the threshold', async () => {
      const key = 'pool.usage:full';
      // Around the 80 % line, as a nearly full pool being written to and cleaned up moves; the
      // storage module's own level follows the line exactly and says so each time.
      const swing = [0.8, 0.795, 0.805, 0.79, 0.81, 0.785, 0.8, 0.79, 0.802, 0.781];
      for (const ratio of swing) {
        extraPools = [pool('full', ratio)];
        storageLevel('full', ratio >= 0.8 ? 'warning' : 'ok', ratio);
        await collector.collectNow();
      }
      await queue.drainNow();
      expect(await historyOf(key)).toEqual([expect.objectContaining({ state: 'active', severity: 'warning' })]);
      expect(webhook.on('/ok', 'alert.raised', key)).toHaveLength(1);
      expect(webhook.on('/ok', 'alert.cleared', key)).toEqual([]);
      expect(seen.filter((e) => e.type === 'alert.cleared' && (e.data as Alert).key === key)).toEqual([]);

      // Below the threshold minus the margin (2 points) it resolves, once.
      extraPools = [pool('full', 0.77)];
      await collector.collectNow();
      await waitFor(async () => webhook.on('/ok', 'alert.cleared', key).length, (n) => n >= 1, 10_000);
      expect(await historyOf(key)).toEqual([expect.objectContaining({ state: 'cleared', clearReason: 'resolved' })]);
    });

    it('decides pool alerts from the storage figures only, so the storage events cannot contradict them', async () => {
      extraPools = [pool('calm', 0.5), pool('busy', 0.85)];
      await collector.collectNow();
      storageLevel('calm', 'critical', 0.97);
      storageLevel('busy', 'ok', 0.1);
      publish('pool.degraded', { pool: 'calm', degraded: true, reason: 'not mounted' });
      publish('pool.degraded', { poolId: '00000000-0000-4000-8000-0000000000bb', name: 'calm', path: '/mnt/calm', severity: 'critical', problems: ['not mounted'] });
      publish('pool.recovered', { name: 'busy' });
      await collector.collectNow();
      // The events went by on the same bus before this collection; the active set is what the figures say.
      const keys = (await active()).map((a) => a.key).filter((k) => /^pool\.(usage|degraded):(calm|busy)$/.test(k));
      expect(keys).toEqual(['pool.usage:busy']);
      // Not even for a moment: calm never had an alert, busy's was never cleared and raised again.
      expect(await historyOf('pool.usage:calm')).toEqual([]);
      expect(await historyOf('pool.degraded:calm')).toEqual([]);
      expect(await historyOf('pool.usage:busy')).toEqual([expect.objectContaining({ state: 'active' })]);

      // The storage module's ratio (used of used + available) is the one judged, not used / size.
      extraPools = [{ ...pool('reserved', 0.77), usedRatio: 0.81 }];
      await collector.collectNow();
      expect((await active()).find((a) => a.key === 'pool.usage:reserved')).toMatchObject({ severity: 'warning', title: 'Pool reserved is 81% full' });
      extraPools = [pool('calm', 0.5), pool('busy', 0.85, false)];
      await collector.collectNow();
      expect((await active()).find((a) => a.key === 'pool.degraded:busy')).toMatchObject({ severity: 'critical', message: 'not mounted' });
    });

    it('sends no resolution for an acknowledged alert, and notifies an escalation, which needs a new acknowledgement', async () => {
      const key = 'pool.usage:acked';
      extraPools = [pool('acked', 0.9)];
      await collector.collectNow();
      const raised = (await active()).find((a) => a.key === key)!;
      const ack = await api<Alert>('POST', `/api/system/alerts/${raised.id}/acknowledge`);
      expect(ack.body).toMatchObject({ state: 'active', acknowledgedBy: 'admin' });
      extraPools = [pool('acked', 0.1)];
      await collector.collectNow();
      await queue.drainNow();
      expect(await historyOf(key)).toEqual([expect.objectContaining({ id: raised.id, state: 'cleared', clearReason: 'resolved', acknowledgedBy: 'admin' })]);
      expect(webhook.on('/ok', 'alert.raised', key)).toHaveLength(1);
      expect(webhook.on('/ok', 'alert.cleared', key)).toEqual([]);
      expect((await deliveries(okChannel.id)).filter((d) => d.alertId === raised.id).map((d) => d.event)).toEqual(['alert.raised']);

      // Acknowledged at warning, then critical: that is news, so it is sent and the acknowledgement goes.
      extraPools = [pool('acked', 0.85)];
      await collector.collectNow();
      const second = (await active()).find((a) => a.key === key)!;
      await api('POST', `/api/system/alerts/${second.id}/acknowledge`);
      extraPools = [pool('acked', 0.97)];
      await collector.collectNow();
      expect((await active()).find((a) => a.key === key)).toMatchObject({ id: second.id, severity: 'critical', acknowledgedAt: null, acknowledgedBy: null });
      extraPools = [pool('acked', 0.1)];
      await collector.collectNow();
      await queue.drainNow();
      expect((await deliveries(okChannel.id)).filter((d) => d.alertId === second.id).map((d) => d.event).sort()).toEqual(['alert.cleared', 'alert.raised', 'alert.raised']);
    });
  });
});
