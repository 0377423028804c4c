import fs from 'node:fs/promises';
import type { AlertChannel, AuditEntry, Dataset, Pool } from '@moxnas/contracts';
import type { HostPaths } from '../../src/core/config/host-paths';
import { HOST_PATHS } from '../../src/core/host/host.module';
import { tempDir, startStorageApp, type StorageApp } from '../storage/storage-kit';
import { waitFor } from '../support/tcp-proxy';
import { testBackend } from '../support/test-db';

type Page<T> = { items: T[]; total: number };

const USER_PASSWORD = 'Audit-hidden-passw0rd-7';
const WEBHOOK_SECRET = 'audit-webhook-secret-0123456789';

/**
 * What the audit log keeps of each kind of mutation: entries that used to be lost (a U+0000 in the
 * input), before/after of the storage, alert channel and service settings changes, the dry-run
 * mark, and redaction by schema (FTP passive ports shown, passwords and secrets never).
 */
describe(`audit records (${testBackend()} database)`, () => {
  let app: StorageApp;
  let seq = 0;

  beforeAll(async () => {
    app = await startStorageApp();
  });
  afterAll(() => app?.close());

  /** Sends a request with its own request id and returns the audit entry written for it. */
  const audited = async (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, token: string | null = app.token) => {
    const requestId = `audit-records-${++seq}`;
    const res = await app.request<Record<string, unknown>>({ method, url, body, headers: { 'x-request-id': requestId }, ...(token ? { token } : {}) });
    const found = await waitFor(
      () => app.request<Page<AuditEntry>>({ url: '/api/system/audit?pageSize=500', token: app.token }),
      (r) => r.body.items.some((e) => e.requestId === requestId),
      10_000,
    );
    return { res, entry: found.body.items.find((e) => e.requestId === requestId)! };
  };

  it('stores and shows requests whose input holds a NUL character instead of losing them', async () => {
    const login = await audited('POST', '/api/auth/login', { username: 'admin\u0000hidden', password: 'wrong\u0000password' }, null);
    expect(login.res.status).toBeGreaterThanOrEqual(400);
    expect(login.entry).toMatchObject({ action: 'auth.login', status: login.res.status, after: { username: 'admin\u2400hidden', password: '[redacted]' } });

    const group = await audited('POST', '/api/groups', { name: 'ops\u0000; rm -rf /' });
    expect(group.res.status).toBe(422);
    expect(group.entry).toMatchObject({ action: 'groups.create', result: 'failure', status: 422, after: { name: 'ops\u2400; rm -rf /' } });
    expect(JSON.stringify(group.entry)).not.toContain('\\u0000');
  });

  it('records before and after of pool, dataset and snapshot changes', async () => {
    const dir = await tempDir('audit');
    const pool = await audited('POST', '/api/storage/pools', { name: `audit${Date.now() % 100000}`, path: dir });
    expect(pool.res.status).toBe(201);
    const created = pool.res.body as unknown as Pool;
    expect(pool.entry).toMatchObject({ action: 'storage.pools.create', before: null, after: { id: created.id, name: created.name, path: dir, thresholds: { warningPercent: 80 } }, dryRun: false });

    const update = await audited('PATCH', `/api/storage/pools/${created.id}`, { warningPercent: 70 });
    expect(update.res.status).toBe(200);
    expect(update.entry).toMatchObject({ target: `pool:${created.name}`, before: { thresholds: { warningPercent: 80 } }, after: { thresholds: { warningPercent: 70 } } });

    const ds = await audited('POST', '/api/storage/datasets', { poolId: created.id, name: 'docs', mode: '0750' });
    expect(ds.res.status).toBe(201);
    const dataset = ds.res.body as unknown as Dataset;
    expect(ds.entry).toMatchObject({ action: 'storage.datasets.create', before: null, after: { id: dataset.id, relativePath: 'docs', mode: '0750' } });

    const dsUpdate = await audited('PATCH', `/api/storage/datasets/${dataset.id}`, { comment: 'audited' });
    expect(dsUpdate.res.status).toBe(200);
    expect(dsUpdate.entry).toMatchObject({ target: `dataset:${created.name}/docs`, before: { comment: null }, after: { comment: 'audited' } });

    const snap = await audited('POST', '/api/storage/snapshots', { datasetId: dataset.id });
    expect(snap.res.status).toBe(202);
    expect(snap.entry).toMatchObject({ action: 'storage.snapshots.create', before: null, after: { snapshot: { datasetId: dataset.id } } });

    const task = await audited('POST', '/api/storage/snapshot-tasks', { name: 'audit-hourly', schedule: '0 * * * *', datasetIds: [dataset.id] });
    expect(task.res.status).toBe(201);
    expect(task.entry).toMatchObject({ before: null, after: { name: 'audit-hourly', schedule: '0 * * * *' } });
    const taskId = (task.res.body as { id: string }).id;
    const taskUpdate = await audited('PATCH', `/api/storage/snapshot-tasks/${taskId}`, { schedule: '30 * * * *' });
    expect(taskUpdate.entry).toMatchObject({ target: 'snapshot-task:audit-hourly', before: { schedule: '0 * * * *' }, after: { schedule: '30 * * * *' } });
    const taskRemove = await audited('DELETE', `/api/storage/snapshot-tasks/${taskId}`);
    expect(taskRemove.entry).toMatchObject({ before: { id: taskId, schedule: '30 * * * *' }, after: null });
  });

  it('records before and after of a DNS change', async () => {
    const dns = await audited('PUT', '/api/network/dns', { nameservers: ['192.0.2.53'], search: ['audit.lan'] });
    expect(dns.res.status).toBe(200);
    expect(dns.entry).toMatchObject({ target: 'network:dns', before: { nameservers: expect.any(Array) }, after: { nameservers: ['192.0.2.53'], search: ['audit.lan'] } });
  });

  it('records alert channel changes with before and after, and never the channel secret', async () => {
    const body = { type: 'webhook', name: 'audit hook', webhook: { url: 'http://127.0.0.1:9/hook', secret: WEBHOOK_SECRET } };
    const created = await audited('POST', '/api/system/alert-channels', body);
    expect(created.res.status).toBe(201);
    const channel = created.res.body as unknown as AlertChannel;
    expect(created.entry).toMatchObject({ target: 'alert-channel:audit hook', before: null, after: { id: channel.id, minSeverity: 'warning', webhook: { secretSet: true } } });

    const updated = await audited('PUT', `/api/system/alert-channels/${channel.id}`, { ...body, minSeverity: 'critical' });
    expect(updated.res.status).toBe(200);
    expect(updated.entry).toMatchObject({ before: { minSeverity: 'warning' }, after: { minSeverity: 'critical' } });

    // Refused (a bad URL): the body is recorded, its secret redacted.
    const refused = await audited('POST', '/api/system/alert-channels', { ...body, name: 'bad hook', webhook: { url: 'ftp://x', secret: WEBHOOK_SECRET } });
    expect(refused.res.status).toBe(422);
    expect(refused.entry.after).toMatchObject({ webhook: { url: 'ftp://x', secret: '[redacted]' } });

    const removed = await audited('DELETE', `/api/system/alert-channels/${channel.id}`);
    expect(removed.entry).toMatchObject({ before: { id: channel.id, name: 'audit hook' }, after: null });
    expect(JSON.stringify([created.entry, updated.entry, refused.entry, removed.entry])).not.toContain(WEBHOOK_SECRET);
  });

  it('shows FTP passive ports, marks a dry run, and records settings before and after', async () => {
    const dry = await audited('PUT', '/api/services/ftp/settings?dryRun=true', { passivePortMin: 50010, passivePortMax: 50020 });
    expect(dry.res.status).toBe(200);
    expect(dry.entry).toMatchObject({ action: 'services.updateSettings', target: 'service:ftp', dryRun: true, before: { passivePortMin: 50000, passivePortMax: 50100 }, after: { passivePortMin: 50010, passivePortMax: 50020 } });

    const real = await audited('PUT', '/api/services/ftp/settings', { passivePortMin: 50010, passivePortMax: 50020 });
    expect(real.res.status).toBe(200);
    expect(real.entry).toMatchObject({ dryRun: false, before: { passivePortMin: 50000 }, after: { passivePortMin: 50010, passivePortMax: 50020 } });
    expect(JSON.stringify(real.entry)).not.toContain('[redacted]');
  });

  it('records a daemon control and a drift overwrite or adoption with before and after', async () => {
    const enable = await audited('POST', '/api/services/ftp/enable');
    expect(enable.res.status).toBe(200);
    expect(enable.entry).toMatchObject({ action: 'services.enable', target: 'service:ftp', before: { enabled: false }, after: { enabled: true } });
    const disable = await audited('POST', '/api/services/ftp/disable');
    expect(disable.entry).toMatchObject({ action: 'services.disable', target: 'service:ftp', before: { enabled: true }, after: { enabled: false, pid: null } });

    // A hand edit of vsftpd.conf: overwriting it is recorded as drifted → not drifted, and so is adopting one.
    const conf = app.app.get<HostPaths>(HOST_PATHS).vsftpdConf;
    await app.api('PUT', '/api/services/ftp/settings', { passivePortMin: 50030, passivePortMax: 50040 });
    await fs.appendFile(conf, '# a hand edit\n');
    const overwrite = await audited('POST', '/api/services/ftp/drift/overwrite');
    expect(overwrite.res.status).toBe(200);
    expect(overwrite.entry).toMatchObject({ action: 'services.overwriteDrift', before: { drifted: true, files: [conf] }, after: { drifted: false, files: [] } });
    await fs.appendFile(conf, '# kept this time\n');
    const adopt = await audited('POST', '/api/services/ftp/drift/adopt');
    expect(adopt.res.status).toBe(200);
    expect(adopt.entry).toMatchObject({ action: 'services.adoptDrift', before: { drifted: true, files: [conf] }, after: { drifted: false, files: [] } });
  });

  it('never shows a password, under whatever name the schema gives it', async () => {
    const user = await audited('POST', '/api/users', { username: `aud${Date.now() % 100000}`, password: USER_PASSWORD });
    expect(user.res.status).toBe(201);
    const weak = await audited('POST', '/api/users', { username: `aud${Date.now() % 100000}x`, password: 'short' });
    expect(weak.res.status).toBe(422);
    expect(weak.entry.after).toMatchObject({ password: '[redacted]' });
    const change = await audited('POST', '/api/auth/password', { currentPassword: USER_PASSWORD, newPassword: USER_PASSWORD });
    expect(JSON.stringify([user.entry, weak.entry, change.entry])).not.toMatch(/Audit-hidden-passw0rd-7|"short"/);
  });
});
