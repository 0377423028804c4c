import fs from 'node:fs/promises';
import path from 'node:path';
import type { AccessListing, AccessReport, ErrorResponse } from '@moxnas/contracts';
import { ACCESS_HOST, type AccessHost } from '../../src/modules/access/access.service';
import { describeOnHost } from '../support/host-gate';
import { makeGroup, makeUser, registerPool, startSharesApp, tempDir, type SharesApp } from '../shares/shares-kit';

/**
 * GET /api/access against the real database and file system: the reverse listing (no `user`)
 * answers for every MoxNAS user in one request, each answer the same as the one-user query, and
 * reads each directory once; bad queries are 422 per field or 404, never a 500.
 */
describeOnHost('effective access: one user and the reverse listing', { binaries: ['getfacl'] }, () => {
  let app: SharesApp;
  let dir: string;
  let media: string;
  let alice: string;
  let bob: string;
  let staff: string;

  beforeAll(async () => {
    app = await startSharesApp();
    dir = await tempDir('access');
    await registerPool(app, dir);
    alice = await makeUser(app);
    bob = await makeUser(app);
    staff = await makeGroup(app, [bob]);
    media = path.join(dir, 'media');
    await fs.mkdir(path.join(media, 'deep/er'), { recursive: true });
    for (const d of [media, path.join(media, 'deep'), path.join(media, 'deep/er')]) await fs.chmod(d, 0o777);
    const share = await app.api('POST', '/api/shares/smb', { name: 'media', path: media, validUsers: [alice], validGroups: [staff], readOnly: true, writeUsers: [alice] });
    if (share.status !== 201) throw new Error(`share: ${share.status} ${share.text}`);
  });
  afterAll(async () => {
    await app?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const ask = <T>(query: string) => app.api<T>('GET', `/api/access?${query}`);

  it('lists every user with their level and deciding rule, each equal to the one-user answer', async () => {
    const target = path.join(media, 'deep/er');
    const res = await ask<AccessListing>(`path=${encodeURIComponent(target)}`);
    expect(res.status).toBe(200);
    expect(res.body.path).toBe(target);
    const byName = new Map(res.body.users.map((u) => [u.user, u]));
    expect([...byName.keys()]).toEqual([...byName.keys()].sort((a, b) => a.localeCompare(b)));
    expect([...byName.keys()]).toEqual(expect.arrayContaining(['admin', alice, bob]));
    expect(byName.get(alice)!.smb.access).toBe('write');
    expect(byName.get(bob)!.smb).toMatchObject({ access: 'read', share: 'media' });
    expect(byName.get(bob)!.smb.rules.find((r) => r.verdict === 'read')!.rule).toBe('read only');
    expect(byName.get('admin')!.smb.rules[0]).toMatchObject({ rule: 'Linux account', verdict: 'none' });

    for (const [user, listed] of byName) {
      const one = await ask<AccessReport>(`user=${user}&path=${encodeURIComponent(target)}`);
      expect({ user, status: one.status, body: one.body }).toEqual({ user, status: 200, body: listed });
    }
  });

  it('reads each directory once for every user, not once per user', async () => {
    const host = app.app.get<AccessHost>(ACCESS_HOST);
    const run = jest.spyOn(host.runner, 'run');
    try {
      const res = await ask<AccessListing>(`path=${encodeURIComponent(path.join(media, 'deep/er'))}`);
      expect(res.status).toBe(200);
      expect(res.body.users.length).toBeGreaterThanOrEqual(3);
      const getfacl = run.mock.calls.filter(([command]) => command === 'getfacl').map(([, args]) => args[args.length - 1]);
      expect(getfacl.sort()).toEqual([media, path.join(media, 'deep'), path.join(media, 'deep/er')].sort());
    } finally {
      run.mockRestore();
    }
  });

  it.each([
    ['a relative path', 'path=media', ['query.path']],
    ['a bad user name and no path', 'user=Bad%20Name', ['query.path', 'query.user']],
    ['an unknown query key', `path=${encodeURIComponent('/tmp')}&users=x`, ['query.users']],
  ])('refuses %s with 422 and a message per field', async (_what, query, fields) => {
    const res = await ask<ErrorResponse>(query);
    expect(res.status).toBe(422);
    expect(res.body.errors!.map((e) => e.field).sort()).toEqual(fields);
    for (const e of res.body.errors!) expect(e.message).not.toBe('');
  });

  it('answers 422 for a path that does not exist and 404 for an unknown user', async () => {
    const missing = await ask<ErrorResponse>(`path=${encodeURIComponent(path.join(media, 'nope'))}`);
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toEqual([{ field: 'query.path', message: `${path.join(media, 'nope')} does not exist` }]);
    const unknown = await ask<ErrorResponse>(`user=nosuchuser&path=${encodeURIComponent(media)}`);
    expect(unknown.status).toBe(404);
  });
});
