import type { ApiToken, CreatedApiToken, SessionUser } from '@moxnas/contracts';
import { DataSource } from 'typeorm';
import { CacheService } from '../../src/core/cache/cache.service';
import type { TestApp } from '../support/test-app';
import { testBackend } from '../support/test-db';
import { adminToken, createUser, login, startUsersApp, uniqueName, USER_PASSWORD } from './users-kit';

type ErrorBody = { code: string; message: string };

describe(`API tokens (${testBackend()} database)`, () => {
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    app = await startUsersApp();
    admin = await adminToken(app);
  });
  afterAll(() => app?.close());

  const create = (token: string, body: Record<string, unknown>) => app.request<CreatedApiToken & ErrorBody>({ method: 'POST', url: '/api/tokens', token, body });
  const me = (token: string) => app.request<SessionUser & ErrorBody>({ url: '/api/auth/me', token });

  it('shows a new token once, stores only its hash and accepts it as a bearer credential', async () => {
    const res = await create(admin, { name: 'backup script', role: 'operator', expiresInDays: 30 });
    expect(res.status).toBe(201);
    expect(res.body.token).toMatch(/^mxt_[A-Za-z0-9_-]{43}$/);
    expect(res.body.prefix).toBe(res.body.token.slice(0, 12));
    expect(res.body).toMatchObject({ name: 'backup script', role: 'operator', ownerUsername: 'admin', lastUsedAt: null, revokedAt: null });
    expect(new Date(res.body.expiresAt!).getTime() - Date.now()).toBeGreaterThan(29 * 86400_000);

    const list = await app.request<ApiToken[]>({ url: '/api/tokens', token: admin });
    const listed = list.body.find((t) => t.id === res.body.id)!;
    expect(listed).not.toHaveProperty('token');
    expect(JSON.stringify(list.body)).not.toContain(res.body.token);
    const stored = await app.app.get(DataSource).query('SELECT token_hash FROM api_tokens WHERE id = $1', [res.body.id]);
    expect(stored[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored[0].token_hash).not.toContain(res.body.token.slice(4));

    const who = await me(res.body.token);
    expect(who.status).toBe(200);
    expect(who.body).toMatchObject({ username: 'admin', role: 'operator', authMethod: 'token' });
    const after = await app.request<ApiToken[]>({ url: '/api/tokens', token: admin });
    expect(after.body.find((t) => t.id === res.body.id)!.lastUsedAt).not.toBeNull();
  });

  it('acts with the token’s role, not the owner’s', async () => {
    const viewerToken = (await create(admin, { name: 'dashboards', role: 'viewer' })).body.token;
    expect((await app.request({ url: '/api/users', token: viewerToken })).status).toBe(200);
    const denied = await app.request<ErrorBody>({ method: 'POST', url: '/api/users', token: viewerToken, body: { username: uniqueName('t'), password: USER_PASSWORD } });
    expect(denied.status).toBe(403);
  });

  it('never gives a token more than its owner has, now or later', async () => {
    const user = await createUser(app, admin, { username: uniqueName('own'), role: 'operator' });
    const session = (await login(app, user.username, USER_PASSWORD)).accessToken;
    const tooHigh = await create(session, { name: 'escalate', role: 'admin' });
    expect(tooHigh.status).toBe(403);
    const token = (await create(session, { name: 'ops', role: 'operator' })).body.token;
    expect((await me(token)).body.role).toBe('operator');
    // The owner is demoted: the token drops with them at once.
    await app.request({ method: 'PATCH', url: `/api/users/${user.id}`, token: admin, body: { role: 'viewer' } });
    expect((await me(token)).body.role).toBe('viewer');
    // The owner is disabled: the token stops working at once.
    await app.request({ method: 'PATCH', url: `/api/users/${user.id}`, token: admin, body: { disabled: true } });
    expect((await me(token)).status).toBe(401);
    // Listing everyone's tokens is for admins.
    expect((await app.request({ url: '/api/tokens?all=true', token: (await create(admin, { name: 'v', role: 'viewer' })).body.token })).status).toBe(403);
    const all = await app.request<ApiToken[]>({ url: '/api/tokens?all=true', token: admin });
    expect(all.body.some((t) => t.ownerUsername === user.username)).toBe(true);
  });

  it('revokes a token at once', async () => {
    const created = (await create(admin, { name: 'short lived', role: 'viewer' })).body;
    expect((await me(created.token)).status).toBe(200);
    const revoked = await app.request<ApiToken>({ method: 'DELETE', url: `/api/tokens/${created.id}`, token: admin });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    const res = await me(created.token);
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/revoked/);
  });

  it('refuses an expired token', async () => {
    const created = (await create(admin, { name: 'expiring', role: 'viewer', expiresInDays: 1 })).body;
    await app.app.get(DataSource).query(`UPDATE api_tokens SET expires_at = now() - interval '1 minute' WHERE id = $1`, [created.id]);
    // Drop the cached lookup, as its 60 s lifetime would.
    const { createHash } = await import('node:crypto');
    await app.app.get(CacheService).del(`auth:apitoken:${createHash('sha256').update(created.token).digest('hex')}`);
    const res = await me(created.token);
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/expired/);
  });

  it('does not let users see or revoke other users’ tokens', async () => {
    const mine = (await create(admin, { name: 'admin only', role: 'viewer' })).body;
    const user = await createUser(app, admin, { username: uniqueName('oth'), role: 'viewer' });
    const session = (await login(app, user.username, USER_PASSWORD)).accessToken;
    expect((await app.request<ApiToken[]>({ url: '/api/tokens', token: session })).body).toEqual([]);
    expect((await app.request({ method: 'DELETE', url: `/api/tokens/${mine.id}`, token: session })).status).toBe(404);
    expect((await me(mine.token)).status).toBe(200);
  });

  it('refuses made-up and malformed tokens', async () => {
    expect((await me('mxt_thisisnotarealtokenthisisnotarealtokenabcd')).status).toBe(401);
    expect((await app.request({ url: '/api/auth/me', headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } })).status).toBe(401);
    const bad = await create(admin, { name: 'x\ny', role: 'viewer' });
    expect(bad.status).toBe(422);
  });
});
