import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Alert, SessionUser, TokenResponse } from '@moxnas/contracts';
import { CacheService } from '../../src/core/cache/cache.service';
import { startTestApp, type TestApp } from '../support/test-app';
import { testBackend } from '../support/test-db';
import { adminToken, ADMIN_PASSWORD, cookieOf, createUser, freshIp, login, startUsersApp, uniqueName, USER_PASSWORD } from './users-kit';

type ErrorBody = { code: string; message: string; details?: Record<string, unknown>; errors?: Array<{ field: string; message: string }> };

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function signHs256(payload: Record<string, unknown>, secret: string, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }): string {
  const body = `${b64(header)}.${b64(payload)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe(`authentication (${testBackend()} database)`, () => {
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    app = await startUsersApp();
    admin = await adminToken(app);
  });
  afterAll(() => app?.close());

  const me = (token: string) => app.request<SessionUser & ErrorBody>({ url: '/api/auth/me', token });

  it('logs in with a short-lived JWT and a strict, httpOnly refresh cookie scoped to /api/auth', async () => {
    const { res, setCookie } = await login(app, 'admin', ADMIN_PASSWORD);
    expect(res.status).toBe(200);
    expect(res.body.expiresIn).toBe(900);
    expect(res.body.user).toMatchObject({ username: 'admin', role: 'admin', mustChangePassword: false, authMethod: 'session' });
    const claims = claimsOf(res.body.accessToken);
    expect(Number(claims['exp']) - Number(claims['iat'])).toBe(900);
    expect(setCookie).toMatch(/^moxnas_refresh=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\/api\/auth/);
    expect((await me(res.body.accessToken)).body.username).toBe('admin');
  });

  it('answers every one of many parallel requests right after login, for sessions and API tokens', async () => {
    // Regression: passport bound its callbacks onto the shared strategy, so with a cold session
    // cache one of two concurrent requests never got an answer.
    const { res } = await login(app, 'admin', ADMIN_PASSWORD);
    const fresh = res.body.accessToken;
    const created = await app.request<{ token: string }>({ method: 'POST', url: '/api/tokens', token: fresh, body: { name: uniqueName('par'), role: 'viewer' } });
    expect(created.status).toBe(201);
    const answers = await Promise.all([
      ...Array.from({ length: 8 }, () => me(fresh)),
      ...Array.from({ length: 8 }, () => me(created.body.token)),
    ]);
    expect(answers.map((a) => a.status)).toEqual(Array(16).fill(200));
    expect(answers.map((a) => a.body.authMethod)).toEqual([...Array(8).fill('session'), ...Array(8).fill('token')]);
  });

  it('answers an unknown user exactly like a wrong password, taking similar time', async () => {
    const ip = freshIp();
    const time = async (username: string) => {
      const start = performance.now();
      const { res } = await login(app, username, 'not-the-password', { ip });
      return { ms: performance.now() - start, res };
    };
    const wrong = [await time('admin'), await time('admin')];
    const unknown = [await time(uniqueName('ghost')), await time(uniqueName('ghost'))];
    for (const r of [...wrong, ...unknown]) {
      expect(r.res.status).toBe(401);
      expect(r.res.body).toMatchObject({ code: 'UNAUTHORIZED', message: 'Wrong username or password.' });
    }
    const avg = (xs: Array<{ ms: number }>) => xs.reduce((a, b) => a + b.ms, 0) / xs.length;
    // Both paths verify an argon2id hash; without the dummy hash an unknown user would answer in ~1 ms.
    expect(avg(unknown)).toBeGreaterThan(avg(wrong) * 0.4);
    expect(await login(app, 'admin', ADMIN_PASSWORD).then((r) => r.res.status)).toBe(200);
  });

  it('locks a name for a while after repeated failures (423 with a retry time), even for the right password', async () => {
    const user = await createUser(app, admin, { username: uniqueName('lock'), role: 'viewer' });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await login(app, user.username, 'wrong password!')).res.status);
    expect(statuses).toEqual([401, 401, 401, 401, 423]);
    const locked = await login(app, user.username, USER_PASSWORD);
    expect(locked.res.status).toBe(423);
    expect(locked.res.body.code).toBe('LOCKED');
    expect(locked.res.body.details?.['retryAfterSeconds']).toBeGreaterThan(0);
    expect(Number(locked.res.headers['retry-after'])).toBeGreaterThan(0);
    expect(locked.res.body.message).toMatch(/try again in \d+ seconds/);

    // The lockout is an alert (docs/alerts.md, class auth.lockout): a one-shot warning that expires with the lock.
    const lockAlert = async () => {
      const res = await app.request<{ items: Alert[] }>({ url: `/api/system/alerts?state=active&class=auth.lockout`, token: admin });
      return res.body.items.find((a) => a.key === `auth.lockout:${user.username}`);
    };
    const deadline = Date.now() + 5_000;
    while (!(await lockAlert()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await lockAlert()).toMatchObject({ class: 'auth.lockout', severity: 'warning', kind: 'one-shot', source: 'users', data: { username: user.username, retryAfterSeconds: 300 } });
    expect((await lockAlert())!.expiresAt).not.toBeNull();

    // Unknown names lock the same way, so a lock reveals nothing about which names exist.
    const ghost = uniqueName('ghost');
    for (let i = 0; i < 4; i++) await login(app, ghost, 'wrong password!');
    expect((await login(app, ghost, 'wrong password!')).res.status).toBe(423);
  });

  it('rate-limits attempts per source address (429 with Retry-After)', async () => {
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await app.request({ method: 'POST', url: '/api/auth/login', body: { username: uniqueName('rl'), password: 'x' }, headers: { 'x-forwarded-for': ip } })).status);
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429]);
    const limited = await app.request<ErrorBody>({ method: 'POST', url: '/api/auth/login', body: { username: 'admin', password: ADMIN_PASSWORD }, headers: { 'x-forwarded-for': ip } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('rotates the refresh token; reusing a spent one revokes the whole login', async () => {
    const first = await login(app, 'admin', ADMIN_PASSWORD);
    const refresh = () => (cookie: string) => app.request<TokenResponse & ErrorBody>({ method: 'POST', url: '/api/auth/refresh', headers: { cookie } });
    const second = await refresh()(first.cookie);
    expect(second.status).toBe(200);
    const secondCookie = cookieOf(second);
    expect(secondCookie).not.toBe(first.cookie);
    expect((await me(second.body.accessToken)).status).toBe(200);

    // The first token was spent: presenting it again means it was copied.
    const reuse = await refresh()(first.cookie);
    expect(reuse.status).toBe(401);
    expect(reuse.body.message).toMatch(/already used/);
    expect(String(reuse.headers['set-cookie'])).toMatch(/moxnas_refresh=;/);
    // The whole family is dead: the newest refresh token and both access tokens of this login.
    expect((await refresh()(secondCookie)).status).toBe(401);
    expect((await me(second.body.accessToken)).status).toBe(401);
    expect((await me(first.accessToken)).status).toBe(401);
    // Other logins are untouched.
    expect((await me(admin)).status).toBe(200);
  });

  it('refuses a refresh without a cookie or with a made-up one', async () => {
    expect((await app.request({ method: 'POST', url: '/api/auth/refresh' })).status).toBe(401);
    expect((await app.request({ method: 'POST', url: '/api/auth/refresh', headers: { cookie: 'moxnas_refresh=bm90LWEtcmVhbC10b2tlbg' } })).status).toBe(401);
  });

  it('logout revokes the refresh family and the access token at once', async () => {
    const s = await login(app, 'admin', ADMIN_PASSWORD);
    const out = await app.request({ method: 'POST', url: '/api/auth/logout', token: s.accessToken, headers: { cookie: s.cookie } });
    expect(out.status).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/moxnas_refresh=;/);
    expect((await me(s.accessToken)).status).toBe(401);
    expect((await app.request({ method: 'POST', url: '/api/auth/refresh', headers: { cookie: s.cookie } })).status).toBe(401);
  });

  it('a password change revokes every other token of the user at once, and that survives losing the cache', async () => {
    const name = uniqueName('pw');
    await createUser(app, admin, { username: name, role: 'viewer' });
    const a = await login(app, name, USER_PASSWORD);
    const b = await login(app, name, USER_PASSWORD);
    expect((await me(b.accessToken)).status).toBe(200);

    const change = await app.request<TokenResponse & ErrorBody>({
      method: 'POST',
      url: '/api/auth/password',
      token: a.accessToken,
      body: { currentPassword: USER_PASSWORD, newPassword: 'Another-long-secret-9' },
      headers: { cookie: a.cookie },
    });
    expect(change.status).toBe(200);
    expect((await me(change.body.accessToken)).status).toBe(200);
    for (const token of [a.accessToken, b.accessToken]) {
      const res = await me(token);
      expect(res.status).toBe(401);
      expect(res.body.message).toMatch(/revoked/);
    }
    expect((await app.request({ method: 'POST', url: '/api/auth/refresh', headers: { cookie: b.cookie } })).status).toBe(401);

    // Revocation lives in the database too: with the cached state gone, the old token stays dead.
    const cache = app.app.get(CacheService);
    const claims = claimsOf(b.accessToken);
    await cache.del(`auth:user:${String(claims['sub'])}`);
    await cache.del(`auth:session:${String(claims['sid'])}`);
    expect((await me(b.accessToken)).status).toBe(401);

    expect((await login(app, name, USER_PASSWORD)).res.status).toBe(401);
    expect((await login(app, name, 'Another-long-secret-9')).res.status).toBe(200);
  });

  it('checks the current password and the new password’s rules on a change', async () => {
    const name = uniqueName('pw');
    await createUser(app, admin, { username: name, role: 'viewer' });
    const s = await login(app, name, USER_PASSWORD);
    const change = (body: Record<string, unknown>) => app.request<ErrorBody>({ method: 'POST', url: '/api/auth/password', token: s.accessToken, body });
    const wrong = await change({ currentPassword: 'nope', newPassword: 'Another-long-secret-9' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors).toEqual([{ field: 'currentPassword', message: 'is not correct' }]);
    const weak = await change({ currentPassword: USER_PASSWORD, newPassword: 'password123' });
    expect(weak.status).toBe(422);
    expect(weak.body.errors?.[0].field).toBe('newPassword');
    const same = await change({ currentPassword: USER_PASSWORD, newPassword: USER_PASSWORD });
    expect(same.body.errors).toEqual([{ field: 'newPassword', message: 'must differ from the current password' }]);
  });

  describe('access tokens that were tampered with', () => {
    let secret: string;
    let good: string;
    beforeAll(async () => {
      secret = fs.readFileSync(path.join(app.config.dataDir, 'jwt-secret'), 'utf8').trim();
      good = (await login(app, 'admin', ADMIN_PASSWORD)).accessToken;
    });

    it('accepts the genuine token', async () => {
      expect((await me(good)).status).toBe(200);
    });

    it('refuses alg "none"', async () => {
      const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claimsOf(good))}.`;
      expect((await me(unsigned)).status).toBe(401);
    });

    it('refuses a wrong signature and a changed payload', async () => {
      const [h, p] = good.split('.');
      expect((await me(`${h}.${p}.${createHmac('sha256', 'not-the-secret-at-all-not-the-secret').update(`${h}.${p}`).digest('base64url')}`)).status).toBe(401);
      const changed = b64({ ...claimsOf(good), sub: '00000000-0000-4000-8000-000000000000' });
      expect((await me(`${h}.${changed}.${good.split('.')[2]}`)).status).toBe(401);
    });

    it('refuses another HMAC algorithm even with the right key', async () => {
      const body = `${b64({ alg: 'HS512', typ: 'JWT' })}.${b64(claimsOf(good))}`;
      expect((await me(`${body}.${createHmac('sha512', secret).update(body).digest('base64url')}`)).status).toBe(401);
    });

    it('refuses an expired token, saying so', async () => {
      const now = Math.floor(Date.now() / 1000);
      const expired = signHs256({ ...claimsOf(good), iat: now - 3600, exp: now - 60 }, secret);
      const res = await me(expired);
      expect(res.status).toBe(401);
      expect(res.body.message).toMatch(/expired/);
      // The same claims with a live expiry pass: the signature helper is right, only exp failed.
      expect((await me(signHs256({ ...claimsOf(good), iat: now, exp: now + 60 }, secret))).status).toBe(200);
    });

    it('refuses a token of the wrong audience or type', async () => {
      const now = Math.floor(Date.now() / 1000);
      expect((await me(signHs256({ ...claimsOf(good), aud: 'someone-else', exp: now + 60 }, secret))).status).toBe(401);
      expect((await me(signHs256({ ...claimsOf(good), typ: 'refresh', exp: now + 60 }, secret))).status).toBe(401);
    });
  });

  it('keeps role "none" and disabled accounts out of the dashboard with a clear 403', async () => {
    const none = await createUser(app, admin, { username: uniqueName('none'), role: 'none' });
    const noneLogin = await login(app, none.username, USER_PASSWORD);
    expect(noneLogin.res.status).toBe(403);
    expect(noneLogin.res.body.message).toMatch(/no dashboard access/);
    const off = await createUser(app, admin, { username: uniqueName('off'), role: 'viewer', disabled: true });
    const offLogin = await login(app, off.username, USER_PASSWORD);
    expect(offLogin.res.status).toBe(403);
    expect(offLogin.res.body.message).toMatch(/disabled/);
    // A wrong password still says only "wrong", whatever the account's state.
    expect((await login(app, off.username, 'wrong password!')).res.status).toBe(401);
  });

  it('enrols TOTP with a code, then requires a fresh code at login', async () => {
    const name = uniqueName('totp');
    await createUser(app, admin, { username: name, role: 'viewer' });
    const s = await login(app, name, USER_PASSWORD);
    const enrol = await app.request<{ secret: string; otpauthUrl: string }>({ method: 'POST', url: '/api/auth/totp/enrol', token: s.accessToken });
    expect(enrol.status).toBe(200);
    expect(enrol.body.otpauthUrl).toMatch(new RegExp(`^otpauth://totp/MoxNAS:${name}\\?`));
    const { TotpService } = await import('../../src/modules/users/auth/totp.service');
    const totp = app.app.get(TotpService);
    const bad = await app.request<ErrorBody>({ method: 'POST', url: '/api/auth/totp/confirm', token: s.accessToken, body: { code: '000000' } });
    expect(bad.status).toBe(422);
    const code = await totp.codeFor(enrol.body.secret, new Date(Date.now() - 30_000));
    const ok = await app.request<SessionUser>({ method: 'POST', url: '/api/auth/totp/confirm', token: s.accessToken, body: { code } });
    expect(ok.status).toBe(200);
    expect(ok.body.totpEnabled).toBe(true);

    const noCode = await login(app, name, USER_PASSWORD);
    expect(noCode.res.status).toBe(401);
    expect(noCode.res.body.details?.['totpRequired']).toBe(true);
    const current = await totp.codeFor(enrol.body.secret);
    expect((await login(app, name, USER_PASSWORD, { totp: current })).res.status).toBe(200);
    // The same code cannot be used twice.
    expect((await login(app, name, USER_PASSWORD, { totp: current })).res.status).toBe(401);
  });
});

describe('first boot without MOXNAS_ADMIN_PASSWORD', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { MOXNAS_HOST_ACCOUNTS: 'off' } });
  });
  afterAll(() => app?.close());

  it('creates admin with a random password in a root-only file and a JWT key in a root-only file', () => {
    const file = path.join(app.config.dataDir, 'initial-admin-password');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8').trim()).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(fs.statSync(path.join(app.config.dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);
  });

  it('lets the admin do nothing but change the generated password, then removes the file', async () => {
    const file = path.join(app.config.dataDir, 'initial-admin-password');
    const password = fs.readFileSync(file, 'utf8').trim();
    expect((await login(app, 'admin', 'admin')).res.status).toBe(401);
    const s = await login(app, 'admin', password);
    expect(s.res.status).toBe(200);
    expect(s.res.body.user.mustChangePassword).toBe(true);
    const blocked = await app.request<ErrorBody>({ url: '/api/users', token: s.accessToken });
    expect(blocked.status).toBe(403);
    expect(blocked.body.message).toMatch(/Change the generated password/);
    const changed = await app.request<TokenResponse>({
      method: 'POST',
      url: '/api/auth/password',
      token: s.accessToken,
      body: { currentPassword: password, newPassword: 'My-own-secret-phrase-1' },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.user.mustChangePassword).toBe(false);
    expect((await app.request({ url: '/api/users', token: changed.body.accessToken })).status).toBe(200);
    expect(fs.existsSync(file)).toBe(false);
  });
});
