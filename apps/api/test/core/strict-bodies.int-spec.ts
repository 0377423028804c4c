import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { allEndpoints, type EndpointDef, type ErrorResponse, type Pool } from '@moxnas/contracts';
import type { z } from 'zod';
import type { TestApp } from '../support/test-app';
import { treeDifference, treeSnapshot } from '../shares/shares-kit';
import { adminToken, createUser, startUsersApp, uniqueName } from '../users/users-kit';

/**
 * Issue 14, defect 6: unknown fields were silently dropped from share and dataset bodies, so
 * `{"readonly": true, "valid_users": ["alice"]}` created a writable share open to every user. Every
 * body is strict now. The walk below takes every mutating endpoint of the contracts (apiGroups),
 * sends a body the contract accepts plus one key it does not know, and expects a 422 naming exactly
 * that key, with nothing written. An endpoint added without a body here fails the walk.
 */

const UNKNOWN = 'moxnasUnknownField';
const ID = randomUUID();

/** A body each mutating endpoint's contract accepts (checked below), keyed by endpoint id. */
const VALID_BODIES: Record<string, unknown> = {
  'auth.login': { username: 'admin', password: 'not-the-password' },
  'auth.changePassword': { currentPassword: 'not-the-password', newPassword: 'Another-long-passphrase-7' },
  'auth.totpConfirm': { code: '123456' },
  'auth.totpDisable': { password: 'not-the-password' },
  'users.create': { username: 'strictuser', password: 'Another-long-passphrase-7' },
  'users.update': { fullName: 'Strict User' },
  'groups.create': { name: 'strictgroup' },
  'groups.update': { description: 'strict' },
  'bulk.create': { rows: [{ kind: 'group', data: { name: 'strictbulk' } }, { kind: 'user', data: { username: 'strictbulkuser', password: 'Another-long-passphrase-7', groups: ['strictbulk'] } }] },
  'tokens.create': { name: 'strict', role: 'viewer' },
  'services.updateSettings': { workgroup: 'STRICT' },
  'system.configExport': { passphrase: 'a-long-passphrase' },
  'system.configImport': {
    document: {
      format: 'moxnas-config',
      version: 1,
      createdAt: '2026-01-01T00:00:00.000Z',
      appVersion: '0.0.0',
      hostname: 'nas',
      sections: [],
      encryption: { kdf: 'scrypt', N: 16384, r: 8, p: 1, salt: 'c2FsdA==', cipher: 'aes-256-gcm', iv: 'aXY=', tag: 'dGFn' },
      data: '',
    },
    passphrase: 'a-long-passphrase',
  },
  'alertChannels.create': { name: 'strict', type: 'webhook', webhook: { url: 'https://example.invalid/hook', secret: 'a-secret-of-16-chars' } },
  'alertChannels.update': { name: 'strict', type: 'webhook', webhook: { url: 'https://example.invalid/hook' } },
  'network.updateDns': { nameservers: ['192.0.2.53'] },
  'network.updateHostname': { hostname: 'strict-nas' },
  'storage.pools.create': { name: 'strictpool', path: '/nonexistent/strict' },
  'storage.pools.update': { description: 'strict' },
  'storage.datasets.create': { poolId: ID, name: 'strictds' },
  'storage.datasets.update': { comment: 'strict' },
  'storage.datasets.acl.set': { entries: [{ tag: 'mask', perms: 'r-x' }] },
  'storage.snapshots.create': { datasetId: ID },
  'storage.snapshots.restore': {},
  'storage.snapshots.rescan': {},
  'storage.snapshotTasks.create': { name: 'strict', schedule: '@daily', datasetIds: [ID] },
  'storage.snapshotTasks.update': { enabled: false },
  'storage.replicationTasks.create': { name: 'strict', datasetId: ID, host: 'backup.example.lan', user: 'backup', remotePath: '/backup/strict' },
  'storage.replicationTasks.update': { enabled: false },
  'shares.import': { source: 'upload', smbConf: '# nothing\n' },
  'shares.smb.create': { name: 'strict', path: '/srv/strict' },
  'shares.smb.update': { comment: 'strict' },
  'shares.nfs.create': { path: '/srv/strict', clients: [{ host: '*', access: 'ro' }] },
  'shares.nfs.update': { comment: 'strict' },
  'shares.ftp.create': { name: 'strict', path: '/srv/strict' },
  'shares.ftp.update': { writeEnable: true },
};

const MUTATING = allEndpoints.filter((e) => e.method !== 'GET');

function urlOf(e: EndpointDef): string {
  const url = e.path.replace('{revisionId}', ID).replace('{id}', e.path.startsWith('/api/services/') ? 'smb' : ID);
  // Where the route has a dry run, ask for it: should the refusal ever regress, nothing is applied.
  const dry = e.query?.safeParse({ dryRun: 'true' });
  return dry?.success && (dry.data as { dryRun?: unknown }).dryRun === true ? `${url}?dryRun=true` : url;
}

/** Everything the endpoints above could write, as the API lists it. */
const LISTS = [
  '/api/users', '/api/groups', '/api/tokens', '/api/system/alert-channels', '/api/network/dns', '/api/network/hostname',
  '/api/storage/pools', '/api/storage/datasets', '/api/storage/snapshots', '/api/storage/snapshot-tasks', '/api/storage/replication-tasks',
  '/api/shares/smb?pageSize=500', '/api/shares/nfs?pageSize=500', '/api/shares/ftp?pageSize=500', '/api/services/smb/settings',
];

describe('every request body is strict (issue 14, defect 6)', () => {
  let app: TestApp;
  let token: string;
  let root: string;
  let pool: string;

  const api = <T = unknown>(method: string, url: string, body?: unknown) =>
    app.request<T>({ method: method as 'POST', url, token, ...(body !== undefined ? { body } : {}) });

  async function state(): Promise<string> {
    const parts: string[] = [];
    for (const url of LISTS) {
      const res = await api('GET', url);
      parts.push(`${url} ${res.status} ${res.text}`);
    }
    return parts.join('\n');
  }

  beforeAll(async () => {
    app = await startUsersApp();
    token = await adminToken(app);
    root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'moxnas-strict-')));
    pool = path.join(root, 'pool');
    await fs.mkdir(path.join(pool, 'media'), { recursive: true });
    const res = await api<Pool>('POST', '/api/storage/pools', { name: uniqueName('strict'), path: pool });
    if (res.status !== 201) throw new Error(`pool: ${res.status} ${res.text}`);
    await createUser(app, token, { username: 'alice' });
  });

  afterAll(async () => {
    await app?.close();
    if (root) await fs.rm(root, { recursive: true, force: true });
  });

  it('has a valid body for every mutating endpoint that takes one, and each is valid', () => {
    const withBody = MUTATING.filter((e) => e.body).map((e) => e.id);
    expect(withBody.filter((id) => !(id in VALID_BODIES))).toEqual([]);
    for (const e of MUTATING.filter((m) => m.body)) {
      const parsed = (e.body as z.ZodType).safeParse(VALID_BODIES[e.id]);
      expect({ id: e.id, issues: parsed.success ? [] : parsed.error.issues }).toEqual({ id: e.id, issues: [] });
    }
  });

  it('refuses one unknown key on every mutating endpoint with a 422 naming it, and writes nothing', async () => {
    const files = await treeSnapshot(app.config.etcRoot);
    const before = await state();
    const failures: string[] = [];
    for (const e of MUTATING) {
      const body = { ...((VALID_BODIES[e.id] as object | undefined) ?? {}), [UNKNOWN]: true };
      const res = await api<ErrorResponse>(e.method, urlOf(e), body);
      const errors = res.body?.errors ?? [];
      if (res.status !== 422 || JSON.stringify(errors) !== JSON.stringify([{ field: UNKNOWN, message: 'unknown field' }])) {
        failures.push(`${e.id}: ${res.status} ${res.text.slice(0, 300)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(treeDifference(files, await treeSnapshot(app.config.etcRoot))).toEqual([]);
    expect(await state()).toBe(before);
  }, 120_000);

  it('refuses the SMB body that made a writable share open to everyone: readonly and valid_users', async () => {
    const before = await state();
    const conf = await treeSnapshot(app.config.etcRoot);
    const res = await api<ErrorResponse>('POST', '/api/shares/smb', { name: 'media', path: path.join(pool, 'media'), readonly: true, valid_users: ['alice'] });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      { field: 'readonly', message: 'unknown field' },
      { field: 'valid_users', message: 'unknown field' },
    ]);
    expect(await state()).toBe(before);
    expect(treeDifference(conf, await treeSnapshot(app.config.etcRoot))).toEqual([]);
    // The same share with the fields spelled as the contract has them is made read-only for alice only.
    const ok = await api<{ share: { readOnly: boolean; validUsers: string[] } }>('POST', '/api/shares/smb?dryRun=true', { name: 'media', path: path.join(pool, 'media'), readOnly: true, validUsers: ['alice'] });
    expect(ok.status).toBe(201);
    expect(ok.body.share).toMatchObject({ readOnly: true, validUsers: ['alice'] });
  });

  it('refuses a mistyped query key instead of applying for real: ?dryrun=true on every mutating endpoint', async () => {
    const files = await treeSnapshot(app.config.etcRoot);
    const before = await state();
    const failures: string[] = [];
    for (const e of MUTATING) {
      // Without the real dryRun: were the mistyped key dropped, the change would be applied.
      const url = `${urlOf(e).replace(/\?dryRun=true$/, '')}?dryrun=true`;
      const res = await api<ErrorResponse>(e.method, url, VALID_BODIES[e.id]);
      const errors = res.body?.errors ?? [];
      if (res.status !== 422 || !errors.some((x) => x.field === 'query.dryrun' && x.message === 'unknown field')) failures.push(`${e.id}: ${res.status} ${res.text.slice(0, 300)}`);
    }
    expect(failures).toEqual([]);
    expect(treeDifference(files, await treeSnapshot(app.config.etcRoot))).toEqual([]);
    expect(await state()).toBe(before);
  }, 120_000);

  it('refuses the NFS options string that was accepted and dropped (no_root_squash)', async () => {
    const before = await state();
    const res = await api<ErrorResponse>('POST', '/api/shares/nfs', { path: path.join(pool, 'media'), clients: [{ host: '*', access: 'rw' }], options: 'no_root_squash' });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ field: 'options', message: 'unknown field' }]);
    expect(await state()).toBe(before);
  });

  it('names unknown keys inside nested objects and list items, together with the other field errors', async () => {
    const res = await api<ErrorResponse>('POST', '/api/shares/nfs', {
      path: path.join(pool, 'media'),
      clients: [{ host: '*', access: 'rw', squash: 'none' }],
      squash: 'nobody',
    });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'clients.0.squash', message: 'unknown field' },
        expect.objectContaining({ field: 'squash' }),
      ]),
    );
    const smb = await api<ErrorResponse>('POST', '/api/shares/smb', { name: 'media', path: path.join(pool, 'media'), recycleBin: { repository: '.bin', mode: '0777' } });
    expect(smb.status).toBe(422);
    expect(smb.body.errors).toEqual([{ field: 'recycleBin.mode', message: 'unknown field' }]);
    const dataset = await api<ErrorResponse>('POST', '/api/storage/datasets', { poolId: ID, name: 'media2', quota: '1G' });
    expect(dataset.status).toBe(422);
    expect(dataset.body.errors).toEqual([{ field: 'quota', message: 'unknown field' }]);
  });

  it('refuses an unknown service setting instead of storing the others without it', async () => {
    const before = await state();
    const res = await api<ErrorResponse>('PUT', '/api/services/smb/settings', { workgroup: 'STRICT', serverstring: 'typo' });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ field: 'serverstring', message: 'unknown field' }]);
    expect(await state()).toBe(before);
  });

  // Issue 14, defect 11: names that shell tools and config parsers read as options or comments.
  it.each([
    ['#comment', /must not start with - or #/],
    ['-o', /must not start with - or #/],
    ['--help', /must not start with - or #/],
    ['Media (old)', /\( \)/],
  ])('refuses the SMB share name %j with a 422 on name', async (name, message) => {
    const before = await state();
    const res = await api<ErrorResponse>('POST', '/api/shares/smb', { name, path: path.join(pool, 'media') });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ field: 'name', message: expect.stringMatching(message) }]);
    expect(await state()).toBe(before);
  });
});
