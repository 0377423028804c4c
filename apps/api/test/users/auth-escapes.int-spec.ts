/**
 * Issue 14, defect 9: ways around the authentication limits. Each test failed on 38b400c.
 */
import { createHash, createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import type { CreatedApiToken, SessionUser } from '@moxnas/contracts';
import { CacheService } from '../../src/core/cache/cache.service';
import { startTestApp, type TestApp } from '../support/test-app';
import { testBackend } from '../support/test-db';
import { adminToken, ADMIN_PASSWORD, createUser, freshIp, login, startUsersApp, uniqueName, USER_PASSWORD } from './users-kit';

type ErrorBody = { code: string; message: string; errors?: Array<{ field: string; message: string }> };

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function signHs256(payload: Record<string, unknown>, secret: string): string {
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

describe(`authentication limits that could be escaped (${testBackend()} database)`, () => {
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    app = await startUsersApp();
    admin = await adminToken(app);
  });
  afterAll(() => app?.close());

  const createToken = (token: string, body: Record<string, unknown>) =>
    app.request<CreatedApiToken & ErrorBody>({ method: 'POST', url: '/api/tokens', token, body });
  const me = (token: string) => app.request<SessionUser & ErrorBody>({ url: '/api/auth/me', token });

  describe('API tokens', () => {
    it('gives a one-day token an expiry of one day', async () => {
      const res = await createToken(admin, { name: uniqueName('day'), role: 'viewer', expiresInDays: 1 });
      expect(res.status).toBe(201);
      expect(res.body.expiresAt).not.toBeNull();
      const left = new Date(res.body.expiresAt!).getTime() - Date.now();
      expect(left).toBeGreaterThan(23 * 3600_000);
      expect(left).toBeLessThanOrEqual(86400_000);
    });

    it('never lets a token mint a token that outlives it', async () => {
      const parent = (await createToken(admin, { name: uniqueName('parent'), role: 'operator', expiresInDays: 1 })).body;
      expect(parent.expiresAt).not.toBeNull();

      const unbounded = await createToken(parent.token, { name: uniqueName('child'), role: 'viewer' });
      expect(unbounded.status).toBe(201);
      expect(unbounded.body.expiresAt).toBe(parent.expiresAt);

      const longer = await createToken(parent.token, { name: uniqueName('child'), role: 'viewer', expiresInDays: 30 });
      expect(longer.status).toBe(201);
      expect(longer.body.expiresAt).toBe(parent.expiresAt);

      // A grandchild is capped the same way, through its parent.
      const grandchild = await createToken(unbounded.body.token, { name: uniqueName('grand'), role: 'viewer' });
      expect(grandchild.body.expiresAt).toBe(parent.expiresAt);

      // A token without an expiry may mint one that asks for none; a dashboard login keeps what it asks for.
      const forever = (await createToken(admin, { name: uniqueName('forever'), role: 'viewer' })).body;
      expect(forever.expiresAt).toBeNull();
      expect((await createToken(forever.token, { name: uniqueName('child'), role: 'viewer' })).body.expiresAt).toBeNull();
    });

    it('caches a token answer no longer than docs/users.md says (30 s)', async () => {
      const created = (await createToken(admin, { name: uniqueName('cache'), role: 'viewer' })).body;
      expect((await me(created.token)).status).toBe(200);
      const key = `auth:apitoken:${createHash('sha256').update(created.token).digest('hex')}`;
      const ttl = await app.app.get(CacheService).pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(30_000);
    });
  });

  it('refuses an access JWT without an expiry', async () => {
    const secret = fs.readFileSync(path.join(app.config.dataDir, 'jwt-secret'), 'utf8').trim();
    const good = (await login(app, 'admin', ADMIN_PASSWORD)).accessToken;
    const { exp: _exp, ...claims } = JSON.parse(Buffer.from(good.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
    const forever = await me(signHs256(claims, secret));
    expect(forever.status).toBe(401);
    // The same claims with an expiry pass: only the missing exp was refused.
    expect((await me(signHs256({ ...claims, exp: Math.floor(Date.now() / 1000) + 60 }, secret))).status).toBe(200);
  });

  it('counts wrong passwords given to confirm an action apart from the login lockout', async () => {
    const user = await createUser(app, admin, { username: uniqueName('reauth'), role: 'viewer' });
    const session = (await login(app, user.username, USER_PASSWORD)).accessToken;
    const disableTotp = (password: string) => app.request<ErrorBody>({ method: 'POST', url: '/api/auth/totp/disable', token: session, body: { password } });

    const statuses: number[] = [];
    for (let i = 0; i < 39; i++) statuses.push((await disableTotp('wrong password!')).status);
    expect(statuses.slice(0, 4)).toEqual([422, 422, 422, 422]);
    expect(statuses.slice(4)).toEqual(Array(35).fill(423));

    // The owner still logs in…
    expect((await login(app, user.username, USER_PASSWORD)).res.status).toBe(200);
    // …while the guessed action stays blocked, even with the right password, and so does a password change.
    const right = await disableTotp(USER_PASSWORD);
    expect(right.status).toBe(423);
    expect(right.body.message).toMatch(/wrong passwords for this action/);
    const change = await app.request<ErrorBody>({
      method: 'POST',
      url: '/api/auth/password',
      token: session,
      body: { currentPassword: USER_PASSWORD, newPassword: 'Another-long-secret-9' },
    });
    expect(change.status).toBe(423);
  });

  describe('client addresses behind a proxy (MOXNAS_TRUST_PROXY=1)', () => {
    /** One login attempt as it arrives over a socket from `remoteAddress`. */
    const attempt = (remoteAddress: string, forwardedFor: string) =>
      app.app
        .getHttpAdapter()
        .getInstance()
        .inject({
          method: 'POST',
          url: '/api/auth/login',
          remoteAddress,
          headers: { 'x-forwarded-for': forwardedFor },
          payload: { username: uniqueName('spoof'), password: 'not the password' },
        })
        .then((r) => r.statusCode);

    it('takes the address the local proxy saw, not one the client added before it', async () => {
      // What nginx with $proxy_add_x_forwarded_for sends: the client's own header, then the client's address.
      const client = freshIp();
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push(await attempt('127.0.0.1', `${freshIp()}, ${client}`));
      expect(statuses.slice(0, 30)).toEqual(Array(30).fill(401));
      expect(statuses.slice(30)).toEqual(Array(10).fill(429));
    });

    it('ignores X-Forwarded-For from a client that is not the local proxy', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push(await attempt('203.0.113.77', freshIp()));
      expect(statuses.slice(30)).toEqual(Array(10).fill(429));
    });
  });
});

describe('first boot without MOXNAS_ADMIN_PASSWORD (issue 14, defect 12)', () => {
  let app: TestApp;
  const logged: string[] = [];
  const printed: string[] = [];
  const spies: jest.SpyInstance[] = [];
  const wasTty = process.stderr.isTTY;

  beforeAll(async () => {
    for (const level of ['log', 'warn', 'error', 'debug', 'verbose'] as const) {
      spies.push(jest.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => void logged.push(JSON.stringify(args))));
    }
    // As when started by hand in a terminal: the password is printed there.
    process.stderr.isTTY = true;
    spies.push(
      jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
        printed.push(String(chunk));
        return true;
      }),
    );
    try {
      app = await startTestApp({ env: { MOXNAS_HOST_ACCOUNTS: 'off' } });
    } finally {
      for (const spy of spies) spy.mockRestore();
      process.stderr.isTTY = wasTty;
    }
  });
  afterAll(() => app?.close());

  it('prints the generated password on the terminal only, never through the logger', () => {
    const password = fs.readFileSync(path.join(app.config.dataDir, 'initial-admin-password'), 'utf8').trim();
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(printed.join('')).toContain(password);
    expect(logged.some((line) => line.includes('initial-admin-password'))).toBe(true);
    expect(logged.filter((line) => line.includes(password))).toEqual([]);
  });
});
