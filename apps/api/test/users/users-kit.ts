import { randomBytes } from 'node:crypto';
import type { TokenResponse, UserChange } from '@moxnas/contracts';
import { startTestApp, type InjectResult, type TestApp } from '../support/test-app';

/** The admin password the users tests boot with (the generated one has its own test). */
export const ADMIN_PASSWORD = 'Adm1n-test-passphrase';
export const USER_PASSWORD = 'Sh4red-secret-words';

/**
 * An app for the users tests: host accounts off (the host e2e tests own real accounts), a known
 * admin password, and trusted X-Forwarded-For so each test can log in from its own address.
 */
export function startUsersApp(env: Record<string, string> = {}): Promise<TestApp> {
  return startTestApp({ env: { MOXNAS_HOST_ACCOUNTS: 'off', MOXNAS_ADMIN_PASSWORD: ADMIN_PASSWORD, MOXNAS_TRUST_PROXY: '1', ...env } });
}

/** A fresh documentation-range address, so login rate limits of one test never touch another. */
export function freshIp(): string {
  const b = randomBytes(2);
  return `198.51.${b[0]}.${b[1]}`;
}

/** A username no other test (or host account) uses. */
export function uniqueName(prefix = 'u'): string {
  return `${prefix}${randomBytes(4).toString('hex')}`;
}

export interface LoginResult {
  res: InjectResult<TokenResponse & { code?: string; message?: string; details?: Record<string, unknown> }>;
  accessToken: string;
  /** The refresh cookie value, ready for a `cookie` header. */
  cookie: string;
  setCookie: string;
}

export function setCookieOf(res: InjectResult): string {
  const header = res.headers['set-cookie'];
  return (Array.isArray(header) ? header : [String(header ?? '')]).find((c) => c.startsWith('moxnas_refresh=')) ?? '';
}

export function cookieOf(res: InjectResult): string {
  return setCookieOf(res).split(';')[0];
}

export async function login(app: TestApp, username: string, password: string, options: { ip?: string; totp?: string } = {}): Promise<LoginResult> {
  const res = await app.request<LoginResult['res']['body']>({
    method: 'POST',
    url: '/api/auth/login',
    body: { username, password, ...(options.totp ? { totp: options.totp } : {}) },
    headers: { 'x-forwarded-for': options.ip ?? freshIp() },
  });
  return { res, accessToken: res.body?.accessToken ?? '', cookie: cookieOf(res), setCookie: setCookieOf(res) };
}

export async function adminToken(app: TestApp): Promise<string> {
  const { res, accessToken } = await login(app, 'admin', ADMIN_PASSWORD);
  if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${res.text}`);
  return accessToken;
}

export async function createUser(app: TestApp, token: string, body: Record<string, unknown>): Promise<UserChange> {
  const res = await app.request<UserChange>({ method: 'POST', url: '/api/users', token, body: { password: USER_PASSWORD, ...body } });
  if (res.status !== 201) throw new Error(`creating a user failed: ${res.status} ${res.text}`);
  return res.body;
}

/** Creates a user with a dashboard role and logs it in. */
export async function userSession(app: TestApp, adminAccess: string, role: 'admin' | 'operator' | 'viewer' | 'none'): Promise<{ user: UserChange; token: string }> {
  const user = await createUser(app, adminAccess, { username: uniqueName(role.slice(0, 3)), role });
  if (role === 'none') return { user, token: '' };
  const { res, accessToken } = await login(app, user.username, USER_PASSWORD);
  if (res.status !== 200) throw new Error(`login of ${role} failed: ${res.status} ${res.text}`);
  return { user, token: accessToken };
}
