import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AlertChannel, ConfigDocument, ConfigImportResult, Dataset, Group, NfsShare, Pool, ReplicationTask, SmbShare, SnapshotTask, User } from '@moxnas/contracts';
import { DataSource } from 'typeorm';
import { SettingsStore } from '../../src/modules/services/settings.store';
import { ReplicationTaskEntity } from '../../src/modules/storage/entities/replication.entity';
import { UserEntity } from '../../src/modules/users/entities/user.entity';
import { ConfigBackupRegistry } from '../../src/modules/system/config-backup/config-backup.registry';
import { decryptConfig, encryptConfig } from '../../src/modules/system/config-backup/config-crypto';
import { startTestApp, type TestApp } from '../support/test-app';
import { z } from 'zod';

const ADMIN_PASSWORD = 'backup-test-Admin-pass-1';
const PASSPHRASE = 'a long passphrase for the backup';
const SECRET = 'webhook-secret-kept-in-the-backup';

interface ErrorBody {
  message: string;
  errors?: { field: string; message: string }[];
}

describe('configuration export and import', () => {
  let app: TestApp;
  let token: string;
  const api = <T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) => app.request<T>({ method, url, body, token });
  const channels = async () => (await api<AlertChannel[]>('GET', '/api/system/alert-channels')).body;

  beforeAll(async () => {
    app = await startTestApp({ env: { MOXNAS_ADMIN_PASSWORD: ADMIN_PASSWORD, MOXNAS_HOST_ACCOUNTS: 'off' } });
    const login = await app.request<{ accessToken: string }>({ method: 'POST', url: '/api/auth/login', body: { username: 'admin', password: ADMIN_PASSWORD } });
    token = login.body.accessToken;
    await api('POST', '/api/system/alert-channels', { type: 'webhook', name: 'ops hook', webhook: { url: 'http://127.0.0.1:9/hook', secret: SECRET } });
    await api('POST', '/api/system/alert-channels', {
      type: 'email',
      name: 'ops mail',
      minSeverity: 'critical',
      email: { host: 'smtp.example.com', from: 'nas@example.com', to: ['ops@example.com'], username: 'nas', password: 'smtp-password-1' },
    });
  });
  afterAll(() => app?.close());

  let doc: ConfigDocument;
  let original: AlertChannel[];

  it('exports every section encrypted with the passphrase', async () => {
    const res = await api<ConfigDocument>('POST', '/api/system/config/export', { passphrase: PASSPHRASE });
    expect(res.status).toBe(200);
    doc = res.body;
    expect(doc).toMatchObject({ format: 'moxnas-config', version: 1, encryption: { kdf: 'scrypt', cipher: 'aes-256-gcm' } });
    expect(doc.sections.map((s) => s.name)).toContain('alertChannels');
    expect(res.text).not.toContain(SECRET);
    expect(res.text).not.toContain('smtp-password-1');
    expect(res.text).not.toContain('ops hook');
    const clear = (await decryptConfig(doc, PASSPHRASE)) as { sections: Record<string, { data: unknown }> };
    expect(JSON.stringify(clear.sections['alertChannels'].data)).toContain(SECRET);
    original = await channels();
  });

  it('refuses bad requests field by field', async () => {
    const short = await api<ErrorBody>('POST', '/api/system/config/export', { passphrase: 'short' });
    expect(short.status).toBe(422);
    expect(short.body.errors).toEqual([{ field: 'passphrase', message: 'must be at least 12 characters' }]);
    const unknown = await api<ErrorBody>('POST', '/api/system/config/export', { passphrase: PASSPHRASE, sections: ['alertChannels', 'nope'] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors![0].field).toBe('sections.1');
  });

  it('shows what an import would change without changing anything', async () => {
    const [hook, mail] = original;
    expect((await api('DELETE', `/api/system/alert-channels/${mail.id}`)).status).toBe(204);
    await api('PUT', `/api/system/alert-channels/${hook.id}`, { type: 'webhook', name: 'renamed hook', minSeverity: 'info', webhook: { url: 'http://127.0.0.1:9/hook', secret: 'a-different-secret-value' } });
    await api('POST', '/api/system/alert-channels', { type: 'webhook', name: 'added later', webhook: { url: 'http://127.0.0.1:9/x', secret: SECRET } });
    const before = await channels();

    const res = await api<ConfigImportResult>('POST', '/api/system/config/import?dryRun=true', { document: doc, passphrase: PASSPHRASE });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dryRun: true, applied: false });
    const section = res.body.sections.find((s) => s.name === 'alertChannels')!;
    expect(section.status).toBe('changed');
    expect(section.changes).toEqual(
      expect.arrayContaining([
        { action: 'create', kind: 'alert channel', name: 'ops mail', fields: [] },
        { action: 'update', kind: 'alert channel', name: 'ops hook', fields: ['minSeverity', 'name', 'webhook.secret'] },
        { action: 'delete', kind: 'alert channel', name: 'added later', fields: [] },
      ]),
    );
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
    expect(await channels()).toEqual(before);
  });

  it('refuses a wrong passphrase or an invalid section and changes nothing', async () => {
    const before = await channels();
    const wrong = await api<ErrorBody>('POST', '/api/system/config/import', { document: doc, passphrase: 'not the right passphrase' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors![0].field).toBe('passphrase');

    // A file whose section does not validate (as a hand-edited or corrupted export would).
    const clear = (await decryptConfig(doc, PASSPHRASE)) as { sections: Record<string, { version: number; data: { id: string; channel: { webhook?: { url: string } } }[] }> };
    const broken = structuredClone(clear);
    const hookEntry = broken.sections['alertChannels'].data.find((c) => c.channel.webhook)!;
    hookEntry.channel.webhook!.url = 'gopher://example.com';
    broken.sections['shares.smb'] = { version: 1, data: [] };
    const header = { format: doc.format, version: doc.version, createdAt: doc.createdAt, appVersion: doc.appVersion, hostname: doc.hostname, sections: [...doc.sections, { name: 'shares.smb', version: 1 }] };
    const badDoc = await encryptConfig(header, broken, PASSPHRASE, { N: 16384, r: 8, p: 1 });
    const idx = broken.sections['alertChannels'].data.indexOf(hookEntry);
    const invalid = await api<ErrorBody>('POST', '/api/system/config/import', { document: badDoc, passphrase: PASSPHRASE });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors).toEqual([{ field: `document.sections.alertChannels.${idx}.channel.webhook.url`, message: 'must be an http:// or https:// URL' }]);
    expect(await channels()).toEqual(before);
  });

  it('imports: the channels and their secrets are back as exported; unknown sections are skipped', async () => {
    const registry = app.app.get(ConfigBackupRegistry);
    let afterImport = 0;
    registry.contribute({
      name: 'test.section',
      version: 1,
      order: 1,
      schema: z.array(z.string()),
      export: async () => ['x'],
      plan: async () => [],
      import: async () => undefined,
      afterImport: async () => {
        afterImport++;
      },
    });
    const res = await api<ConfigImportResult>('POST', '/api/system/config/import', { document: doc, passphrase: PASSPHRASE });
    expect(res.status).toBe(200);
    expect(res.body.applied).toBe(true);
    expect(res.body.sections.find((s) => s.name === 'alertChannels')!.status).toBe('changed');
    // `test.section` was not in the file: nothing to do for it.
    expect(res.body.sections.map((s) => s.name)).not.toContain('test.section');
    expect(afterImport).toBe(0);
    const after = await channels();
    expect(after.map(({ updatedAt: _u, createdAt: _c, ...c }) => c)).toEqual(original.map(({ updatedAt: _u, createdAt: _c, ...c }) => c));
    // The re-export carries the original secret again.
    const again = await api<ConfigDocument>('POST', '/api/system/config/export', { passphrase: PASSPHRASE, sections: ['alertChannels'] });
    const clear = (await decryptConfig(again.body, PASSPHRASE)) as { sections: Record<string, { data: unknown }> };
    expect(JSON.stringify(clear.sections['alertChannels'].data)).toContain(SECRET);
    expect(JSON.stringify(clear.sections['alertChannels'].data)).toContain('smtp-password-1');
    // Importing the same file again changes nothing.
    const same = await api<ConfigImportResult>('POST', '/api/system/config/import?dryRun=true', { document: doc, passphrase: PASSPHRASE });
    expect(same.body.sections.find((s) => s.name === 'alertChannels')).toMatchObject({ status: 'unchanged', changes: [] });
  });

  it('is for admins only', async () => {
    expect((await app.request({ method: 'POST', url: '/api/system/config/export', body: { passphrase: PASSPHRASE } })).status).toBe(401);
  });
});

describe('configuration backup of users, groups, storage and service settings', () => {
  const USER_PASSWORD = 'Backup-user-Pass-77';
  let source: TestApp;
  let target: TestApp;
  let poolDir: string;
  const as = (app: TestApp, token: string) => <T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown) => app.request<T>({ method, url, body, token });
  const loginAs = async (app: TestApp, username: string, password: string) =>
    app.request<{ accessToken: string }>({ method: 'POST', url: '/api/auth/login', body: { username, password }, headers: { 'x-forwarded-for': `198.19.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` } });
  const settingsOf = (app: TestApp) => app.app.get(SettingsStore).get(app.app.get(DataSource).manager, 'smb');

  /** What must come back: users, groups, pools, datasets and tasks without timestamps or host-derived figures. */
  async function state(app: TestApp, token: string) {
    const api = as(app, token);
    const users = (await api<{ items: User[] }>('GET', '/api/users?pageSize=200')).body.items.map((u) => ({ id: u.id, username: u.username, uid: u.uid, role: u.role, primaryGroup: u.primaryGroup?.name ?? null, groups: u.groups.map((g) => g.name), shell: u.shell, smbEnabled: u.smbEnabled, ftpEnabled: u.ftpEnabled, fullName: u.fullName }));
    const groups = (await api<{ items: Group[] }>('GET', '/api/groups?pageSize=200')).body.items.map((g) => ({ id: g.id, name: g.name, gid: g.gid, description: g.description, members: g.members.map((m) => m.username) }));
    const pools = (await api<Pool[]>('GET', '/api/storage/pools')).body.map((p) => ({ id: p.id, name: p.name, path: p.path, thresholds: p.thresholds, health: p.health.status }));
    const datasets = (await api<Dataset[]>('GET', '/api/storage/datasets')).body.map((d) => ({ id: d.id, poolId: d.poolId, name: d.name, quotaBytes: d.quotaBytes, mode: d.mode, comment: d.comment }));
    const taskList = (await api<SnapshotTask[]>('GET', '/api/storage/snapshot-tasks')).body.map((t) => ({ id: t.id, name: t.name, schedule: t.schedule, retention: t.retention, enabled: t.enabled, datasetIds: t.datasetIds }));
    const replication = (await api<ReplicationTask[]>('GET', '/api/storage/replication-tasks')).body.map((t) => ({
      id: t.id, name: t.name, datasetId: t.datasetId, target: `${t.user}@${t.host}:${t.port}${t.remotePath}`, schedule: t.schedule, timezone: t.timezone,
      bandwidthLimitKiBps: t.bandwidthLimitKiBps, deleteOnTarget: t.deleteOnTarget, excludes: t.excludes, enabled: t.enabled, hostKeys: t.hostKeys,
    }));
    const smbShares = (await api<{ items: SmbShare[] }>('GET', '/api/shares/smb?pageSize=500')).body.items.map((x) => ({ id: x.id, name: x.name, path: x.path, validUsers: x.validUsers, validGroups: x.validGroups, previousVersions: x.previousVersions, readOnly: x.readOnly }));
    const nfsShares = (await api<{ items: NfsShare[] }>('GET', '/api/shares/nfs?pageSize=500')).body.items.map((x) => ({ id: x.id, path: x.path, clients: x.clients, squash: x.squash }));
    return { users, groups, pools, datasets, tasks: taskList, replication, smb: await settingsOf(app), smbShares, nfsShares };
  }

  let doc: ConfigDocument;
  let exported: Awaited<ReturnType<typeof state>>;

  beforeAll(async () => {
    poolDir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'moxnas-backup-pool-')));
    source = await startTestApp({ env: { MOXNAS_ADMIN_PASSWORD: ADMIN_PASSWORD, MOXNAS_HOST_ACCOUNTS: 'off', MOXNAS_TRUST_PROXY: '1' } });
    target = await startTestApp({ env: { MOXNAS_ADMIN_PASSWORD: 'the-other-box-Admin-1', MOXNAS_HOST_ACCOUNTS: 'off', MOXNAS_TRUST_PROXY: '1' } });
  });
  afterAll(async () => {
    await source?.close();
    await target?.close();
    await fs.rm(poolDir, { recursive: true, force: true });
  });

  it('exports users with their credentials, groups, pools, datasets, tasks and settings', async () => {
    const token = (await loginAs(source, 'admin', ADMIN_PASSWORD)).body.accessToken;
    const api = as(source, token);
    const group = await api<Group>('POST', '/api/groups', { name: 'media', gid: 12001, description: 'Media people' });
    expect(group.status).toBe(201);
    const user = await api<User>('POST', '/api/users', { username: 'carol', password: USER_PASSWORD, uid: 12002, primaryGroupId: group.body.id, groupIds: [group.body.id], role: 'viewer', fullName: 'Carol C' });
    expect(user.status).toBe(201);
    const pool = await api<Pool>('POST', '/api/storage/pools', { name: 'tank', path: poolDir, warningPercent: 70, criticalPercent: 85 });
    expect(pool.status).toBe(201);
    const ds = await api<Dataset>('POST', '/api/storage/datasets', { poolId: pool.body.id, name: 'photos', mode: '0750', quotaBytes: 64 * 1024 * 1024, comment: 'family' });
    expect(ds.status).toBe(201);
    const task = await api<SnapshotTask>('POST', '/api/storage/snapshot-tasks', { name: 'hourly photos', schedule: '@hourly', datasetIds: [ds.body.id], retention: { hourly: 24, daily: 7, weekly: 0, monthly: 0, yearly: 0 } });
    expect(task.status).toBe(201);
    const replication = await api<ReplicationTask>('POST', '/api/storage/replication-tasks', {
      name: 'photos offsite', datasetId: ds.body.id, host: 'offsite.example.lan', port: 2222, user: 'backup', remotePath: '/backup/photos',
      schedule: '15 * * * *', bandwidthLimitKiBps: 4096, deleteOnTarget: true, excludes: ['*.tmp', '/cache/'],
    });
    expect(replication.status).toBe(201);
    // As if a run had pinned the target's key: the pin is desired state and travels with the file.
    await source.app.get(DataSource).manager.update(ReplicationTaskEntity, { id: replication.body.id }, { hostKeys: [{ type: 'ssh-ed25519', key: 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl' }], hostKeysPinnedAt: new Date() });
    const share = await api('POST', '/api/shares/smb', { name: 'Photos', path: ds.body.path, validUsers: ['carol'], validGroups: ['media'], previousVersions: true, readOnly: true });
    expect(share.status).toBe(201);
    const exportNfs = await api('POST', '/api/shares/nfs', { path: ds.body.path, clients: [{ host: '192.168.1.0/24', access: 'rw' }], squash: 'all' });
    expect(exportNfs.status).toBe(201);
    const smb = await settingsOf(source);
    await source.app.get(SettingsStore).put(source.app.get(DataSource).manager, 'smb', { ...smb, workgroup: 'BACKUPWG', serverString: 'Backed up NAS' });

    const res = await api<ConfigDocument>('POST', '/api/system/config/export', { passphrase: PASSPHRASE });
    expect(res.status).toBe(200);
    doc = res.body;
    expect(doc.sections.map((s) => s.name)).toEqual(expect.arrayContaining(['users', 'storage', 'services', 'shares', 'alertChannels']));
    // The hashes are in the file, but only inside the ciphertext.
    const dbUser = await source.app.get(DataSource).manager.findOneByOrFail(UserEntity, { username: 'carol' });
    expect(res.text).not.toContain(dbUser.passwordHash);
    expect(res.text).not.toContain(dbUser.ntHash!);
    const clear = (await decryptConfig(doc, PASSPHRASE)) as { sections: Record<string, { data: unknown }> };
    expect(JSON.stringify(clear.sections['users'].data)).toContain(dbUser.passwordHash);
    exported = await state(source, token);
    expect(exported.smb.workgroup).toBe('BACKUPWG');
    expect(exported.smbShares).toEqual([expect.objectContaining({ name: 'Photos', validUsers: ['carol'], previousVersions: true })]);
    expect(exported.nfsShares).toHaveLength(1);
    expect(exported.replication).toEqual([expect.objectContaining({ name: 'photos offsite', hostKeys: [{ type: 'ssh-ed25519', fingerprint: expect.stringMatching(/^SHA256:/) }] })]);
  });

  it('dry-runs on an empty box: lists every change and writes nothing', async () => {
    const token = (await loginAs(target, 'admin', 'the-other-box-Admin-1')).body.accessToken;
    const before = await state(target, token);
    const res = await as(target, token)<ConfigImportResult>('POST', '/api/system/config/import?dryRun=true', { document: doc, passphrase: PASSPHRASE });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dryRun: true, applied: false });
    const byName = Object.fromEntries(res.body.sections.map((s) => [s.name, s]));
    expect(byName['users'].changes).toEqual(
      expect.arrayContaining([
        { action: 'create', kind: 'group', name: 'media', fields: [] },
        { action: 'create', kind: 'user', name: 'carol', fields: [] },
        // The other box's admin has another id: it is replaced by the backup's admin.
        { action: 'create', kind: 'user', name: 'admin', fields: [] },
        { action: 'delete', kind: 'user', name: 'admin', fields: [] },
      ]),
    );
    expect(byName['storage'].changes).toEqual(
      expect.arrayContaining([
        { action: 'create', kind: 'pool', name: 'tank', fields: [] },
        { action: 'create', kind: 'dataset', name: 'tank/photos', fields: [] },
        { action: 'create', kind: 'snapshot task', name: 'hourly photos', fields: [] },
        { action: 'create', kind: 'replication task', name: 'photos offsite', fields: [] },
      ]),
    );
    expect(byName['services'].changes).toEqual([{ action: 'update', kind: 'service settings', name: 'smb', fields: ['serverString', 'workgroup'] }]);
    expect(JSON.stringify(res.body)).not.toMatch(/\$argon2/);
    expect(await state(target, token)).toEqual(before);
  });

  it('imports: the other box has the same users (who log in with their passwords), groups, storage and settings', async () => {
    const token = (await loginAs(target, 'admin', 'the-other-box-Admin-1')).body.accessToken;
    const res = await as(target, token)<ConfigImportResult>('POST', '/api/system/config/import', { document: doc, passphrase: PASSPHRASE });
    expect(res.status).toBe(200);
    expect(res.body.applied).toBe(true);
    for (const name of ['users', 'storage', 'shares']) expect(res.body.sections.find((s) => s.name === name)).toMatchObject({ status: 'changed' });
    // Services are applied through the apply engine; where a daemon's checker is missing that part reports why.
    expect(['changed', 'failed']).toContain(res.body.sections.find((s) => s.name === 'services')!.status);

    // The backup's admin replaced this box's admin: the old password and session are gone.
    expect((await loginAs(target, 'admin', 'the-other-box-Admin-1')).status).toBe(401);
    expect((await target.request({ url: '/api/auth/me', token })).status).toBe(401);
    const admin = await loginAs(target, 'admin', ADMIN_PASSWORD);
    expect(admin.status).toBe(200);
    expect((await loginAs(target, 'carol', USER_PASSWORD)).status).toBe(200);
    const dbUser = await target.app.get(DataSource).manager.findOneByOrFail(UserEntity, { username: 'carol' });
    const srcUser = await source.app.get(DataSource).manager.findOneByOrFail(UserEntity, { username: 'carol' });
    expect({ nt: dbUser.ntHash, unix: dbUser.unixHash }).toEqual({ nt: srcUser.ntHash, unix: srcUser.unixHash });

    expect(await state(target, admin.body.accessToken)).toEqual(exported);
    // Importing the same file again changes nothing.
    const again = await as(target, admin.body.accessToken)<ConfigImportResult>('POST', '/api/system/config/import?dryRun=true', { document: doc, passphrase: PASSPHRASE });
    for (const s of again.body.sections) expect({ name: s.name, changes: s.changes }).toEqual({ name: s.name, changes: [] });
  });

  it('restores a modified box and is all-or-nothing when a section does not validate', async () => {
    const token = (await loginAs(target, 'admin', ADMIN_PASSWORD)).body.accessToken;
    const api = as(target, token);
    const carol = exported.users.find((u) => u.username === 'carol')!;
    const ds = exported.datasets[0];
    expect((await api('PATCH', `/api/users/${carol.id}`, { role: 'operator', fullName: 'Changed' })).status).toBe(200);
    expect((await api('POST', '/api/users', { username: 'dave', password: USER_PASSWORD, role: 'none' })).status).toBe(201);
    expect((await api('DELETE', `/api/storage/snapshot-tasks/${exported.tasks[0].id}`)).status).toBe(204);
    expect((await api('PUT', `/api/storage/replication-tasks/${exported.replication[0].id}`, { remotePath: '/elsewhere', bandwidthLimitKiBps: null })).status).toBe(200);
    expect((await api('PATCH', `/api/storage/datasets/${ds.id}`, { comment: 'edited' })).status).toBe(200);
    const smb = await settingsOf(target);
    await target.app.get(SettingsStore).put(target.app.get(DataSource).manager, 'smb', { ...smb, workgroup: 'OTHER' });
    const modified = await state(target, token);

    // A file whose storage section is broken: the valid users section must not be applied either.
    const clear = (await decryptConfig(doc, PASSPHRASE)) as { sections: Record<string, { version: number; data: { snapshotTasks: { schedule: string }[] } }> };
    const broken = structuredClone(clear);
    broken.sections['storage'].data.snapshotTasks[0].schedule = '* * * * * *';
    const header = { format: doc.format, version: doc.version, createdAt: doc.createdAt, appVersion: doc.appVersion, hostname: doc.hostname, sections: doc.sections };
    const bad = await api<ErrorBody>('POST', '/api/system/config/import', { document: await encryptConfig(header, broken, PASSPHRASE, { N: 16384, r: 8, p: 1 }), passphrase: PASSPHRASE });
    expect(bad.status).toBe(422);
    expect(bad.body.errors![0].field).toBe('document.sections.storage.snapshotTasks.0.schedule');
    expect(await state(target, token)).toEqual(modified);

    const dry = await api<ConfigImportResult>('POST', '/api/system/config/import?dryRun=true', { document: doc, passphrase: PASSPHRASE });
    const changes = dry.body.sections.flatMap((s) => s.changes);
    expect(changes).toEqual(
      expect.arrayContaining([
        { action: 'update', kind: 'user', name: 'carol', fields: ['fullName', 'role'] },
        { action: 'delete', kind: 'user', name: 'dave', fields: [] },
        { action: 'create', kind: 'snapshot task', name: 'hourly photos', fields: [] },
        { action: 'update', kind: 'dataset', name: 'tank/photos', fields: ['comment'] },
        { action: 'update', kind: 'replication task', name: 'photos offsite', fields: ['bandwidthLimitKiBps', 'remotePath'] },
        { action: 'update', kind: 'service settings', name: 'smb', fields: ['workgroup'] },
      ]),
    );
    expect(await state(target, token)).toEqual(modified);

    const res = await api<ConfigImportResult>('POST', '/api/system/config/import', { document: doc, passphrase: PASSPHRASE });
    expect(res.status).toBe(200);
    // carol's role changed back: her sessions ended, the admin's did not.
    expect(await state(target, token)).toEqual(exported);
  });
});
