import type { AuditEntry, CreatedApiToken, UserChange } from '@moxnas/contracts';
import type { TestApp } from '../support/test-app';
import { waitFor } from '../support/tcp-proxy';
import { testBackend } from '../support/test-db';
import { adminToken, ADMIN_PASSWORD, createUser, freshIp, login, startUsersApp, uniqueName, USER_PASSWORD } from './users-kit';

type Page<T> = { items: T[]; total: number };

describe(`audit log (${testBackend()} database)`, () => {
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    app = await startUsersApp();
    admin = await adminToken(app);
  });
  afterAll(() => app?.close());

  const audit = (query: string) => app.request<Page<AuditEntry>>({ url: `/api/system/audit?${query}`, token: admin });
  /** Entries are written once the response has gone out, so a test waits for its own. */
  const entryFor = async (requestId: string) =>
    (await waitFor(() => audit('pageSize=500'), (r) => r.body.items.some((e) => e.requestId === requestId), 5000)).body.items.find((e) => e.requestId === requestId)!;

  it('records a change with actor, session, address, request id, target and redacted before/after', async () => {
    const name = uniqueName('aud');
    const ip = freshIp();
    const created = await app.request<UserChange>({
      method: 'POST',
      url: '/api/users',
      token: admin,
      body: { username: name, password: USER_PASSWORD },
      headers: { 'x-request-id': `create-${name}`, 'x-forwarded-for': ip },
    });
    expect(created.status).toBe(201);
    const entry = await entryFor(`create-${name}`);
    expect(entry).toMatchObject({
      actor: 'admin',
      authMethod: 'session',
      sourceIp: ip,
      action: 'users.create',
      method: 'POST',
      path: '/api/users',
      target: `user:${name}`,
      result: 'success',
      status: 201,
      message: null,
      before: null,
    });
    expect(entry.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(entry.after).toMatchObject({ username: name, role: 'none' });

    await app.request({ method: 'PATCH', url: `/api/users/${created.body.id}`, token: admin, body: { fullName: 'Audited', password: 'Changed-secret-99' }, headers: { 'x-request-id': `update-${name}` } });
    const update = await entryFor(`update-${name}`);
    expect(update.before).toMatchObject({ fullName: null });
    expect(update.after).toMatchObject({ fullName: 'Audited' });
    expect(JSON.stringify([entry, update])).not.toMatch(/Sh4red|Changed-secret-99/);
  });

  it('records failed logins with the name tried and the password redacted', async () => {
    const res = await app.request({ method: 'POST', url: '/api/auth/login', body: { username: 'admin', password: 'guessing-the-password' }, headers: { 'x-request-id': 'failed-login-1', 'x-forwarded-for': freshIp() } });
    expect(res.status).toBe(401);
    const entry = await entryFor('failed-login-1');
    expect(entry).toMatchObject({ action: 'auth.login', actor: 'admin', authMethod: 'anonymous', result: 'denied', status: 401, message: 'Wrong username or password.' });
    expect(entry.after).toEqual({ username: 'admin', password: '[redacted]' });
  });

  it('records refused and invalid requests too', async () => {
    const viewer = await createUser(app, admin, { username: uniqueName('vw'), role: 'viewer' });
    const token = (await login(app, viewer.username, USER_PASSWORD)).accessToken;
    await app.request({ method: 'POST', url: '/api/groups', token, body: { name: 'nope' }, headers: { 'x-request-id': 'denied-1' } });
    expect(await entryFor('denied-1')).toMatchObject({ actor: viewer.username, action: 'groups.create', result: 'denied', status: 403 });
    await app.request({ method: 'POST', url: '/api/groups', token: admin, body: { name: 'root' }, headers: { 'x-request-id': 'invalid-1' } });
    expect(await entryFor('invalid-1')).toMatchObject({ actor: 'admin', action: 'groups.create', result: 'failure', status: 422, after: { name: 'root' } });
    await app.request({ method: 'DELETE', url: '/api/groups/00000000-0000-4000-8000-000000000000', headers: { 'x-request-id': 'anon-1' } });
    expect(await entryFor('anon-1')).toMatchObject({ actor: null, authMethod: 'anonymous', result: 'denied', status: 401 });
  });

  it('records which API token made a change, and never the token itself', async () => {
    const created = await app.request<CreatedApiToken>({ method: 'POST', url: '/api/tokens', token: admin, body: { name: 'automation', role: 'admin' }, headers: { 'x-request-id': 'token-create-1' } });
    const tokenEntry = await entryFor('token-create-1');
    expect(JSON.stringify(tokenEntry)).not.toContain(created.body.token);
    await app.request({ method: 'POST', url: '/api/groups', token: created.body.token, body: { name: uniqueName('tg') }, headers: { 'x-request-id': 'by-token-1' } });
    expect(await entryFor('by-token-1')).toMatchObject({ actor: 'admin', authMethod: 'token', tokenId: created.body.id, sessionId: null, result: 'success' });
  });

  it('filters by actor, action (or action prefix), result and time, newest first, paged', async () => {
    // Earlier tests' entries are older than this; the entries of this test are newer.
    await new Promise((r) => setTimeout(r, 5));
    const start = new Date().toISOString();
    const name = uniqueName('flt');
    const user = await createUser(app, admin, { username: name, role: 'viewer' });
    await login(app, name, USER_PASSWORD);
    await app.request({ method: 'PATCH', url: `/api/users/${user.id}`, token: admin, body: { fullName: 'F' } });
    await waitFor(() => audit(`actor=${name}`), (r) => r.body.total >= 1, 5000);

    const byActor = await audit(`actor=${name}`);
    expect(byActor.body.items.map((e) => e.action)).toEqual(['auth.login']);
    const byPrefix = await audit(`action=users.&from=${encodeURIComponent(start)}`);
    expect(byPrefix.body.items.map((e) => e.action)).toEqual(['users.update', 'users.create']);
    const exact = await audit(`action=users.update&from=${encodeURIComponent(start)}`);
    expect(exact.body.items).toHaveLength(1);
    const future = await audit(`from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect(future.body.total).toBe(0);
    const denied = await audit('result=denied&pageSize=1');
    expect(denied.body.items).toHaveLength(1);
    expect(denied.body.total).toBeGreaterThanOrEqual(1);
    const until = await audit(`to=${encodeURIComponent(start)}&action=users.create`);
    expect(until.body.items.every((e) => e.at < start)).toBe(true);
    expect((await audit('from=yesterday')).status).toBe(422);
  });

  it('is for admins only', async () => {
    const viewer = await createUser(app, admin, { username: uniqueName('vw'), role: 'operator' });
    const token = (await login(app, viewer.username, USER_PASSWORD)).accessToken;
    expect((await app.request({ url: '/api/system/audit', token })).status).toBe(403);
    expect((await app.request({ url: '/api/system/audit' })).status).toBe(401);
    expect(ADMIN_PASSWORD).toBeTruthy();
  });
});
