import { createHmac } from 'node:crypto';
import { startTestApp, type TestApp } from '../../../api/test/support/test-app';
import { adminToken, ADMIN_PASSWORD, createUser, freshIp, login, uniqueName, USER_PASSWORD } from '../../../api/test/users/users-kit';
import { count } from './support/counts';

const SECRET = 'reliability-suite-jwt-secret-0123456789abcdef';

const b64url = (v: object | string) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const decode = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
function sign(header: object, payload: object, secret = SECRET): string {
  const head = `${b64url(header)}.${b64url(payload)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

describe('auth under attack', () => {
  let app: TestApp;
  let admin: string;
  let sent = 0;

  beforeAll(async () => {
    app = await startTestApp({ env: { MOXNAS_ADMIN_PASSWORD: ADMIN_PASSWORD, MOXNAS_HOST_ACCOUNTS: 'off', MOXNAS_TRUST_PROXY: '1', MOXNAS_JWT_SECRET: SECRET } });
    admin = await adminToken(app);
  });

  afterAll(async () => {
    count('requests', sent);
    await app?.close();
  });

  const me = (token: string) => {
    sent++;
    return app.request({ url: '/api/auth/me', token }).then((r) => r.status);
  };

  it('throttles a brute force on one account, even for the right password, and on one address', async () => {
    const { username } = await createUser(app, admin, { username: uniqueName('bf'), role: 'viewer' });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      sent++;
      statuses.push((await login(app, username, `wrong-password-${i}`)).res.status);
    }
    expect(statuses.slice(0, 4).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(5)).toEqual([423, 423, 423]);
    sent++;
    expect((await login(app, username, USER_PASSWORD)).res.status).toBe(423);
    count('inputs', 9);

    // One address trying many names is limited too.
    const ip = freshIp();
    const fromOneIp: number[] = [];
    for (let i = 0; i < 35; i++) {
      sent++;
      fromOneIp.push((await login(app, uniqueName('guess'), 'x', { ip })).res.status);
    }
    count('inputs', 35);
    expect(fromOneIp).toContain(429);
  });

  it('rejects expired, tampered, alg:none and foreign-key tokens', async () => {
    expect(await me(admin)).toBe(200);
    const [h, , s] = admin.split('.');
    const claims = decode(admin);
    const now = Math.floor(Date.now() / 1000);
    const forged = {
      expired: sign({ alg: 'HS256', typ: 'JWT' }, { ...claims, iat: now - 7200, exp: now - 3600 }),
      tampered: `${h}.${b64url({ ...claims, sub: '00000000-0000-4000-8000-000000000000' })}.${s}`,
      algNone: `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`,
      algNoneUpper: `${b64url({ alg: 'NONE', typ: 'JWT' })}.${b64url(claims)}.`,
      otherSecret: sign({ alg: 'HS256', typ: 'JWT' }, claims, 'some-other-secret-that-is-long-enough-000'),
      hs512: sign({ alg: 'HS512', typ: 'JWT' }, claims),
      refreshType: sign({ alg: 'HS256', typ: 'JWT' }, { ...claims, typ: 'refresh' }),
      garbage: 'not.a.token',
    };
    const results = Object.fromEntries(await Promise.all(Object.entries(forged).map(async ([k, t]) => [k, await me(t)] as const)));
    count('inputs', Object.keys(forged).length);
    expect(results).toEqual(Object.fromEntries(Object.keys(forged).map((k) => [k, 401])));
    // The genuine token still works: forgeries did not lock anyone out.
    expect(await me(admin)).toBe(200);
  });

  it('stops a disabled user’s live token at once', async () => {
    const user = await createUser(app, admin, { username: uniqueName('dis'), role: 'viewer' });
    const { accessToken } = await login(app, user.username, USER_PASSWORD);
    sent += 2;
    expect(await me(accessToken)).toBe(200);
    sent++;
    const res = await app.request({ method: 'PATCH', url: `/api/users/${user.id}`, token: admin, body: { disabled: true } });
    expect(res.status).toBe(200);
    expect(await me(accessToken)).toBe(401);
    sent++;
    expect((await app.request({ url: '/api/shares', token: accessToken })).status).toBe(401);
    count('faults', 1);
  });
});
