import fs from 'node:fs/promises';
import type { ServiceStatus, TokenResponse } from '@moxnas/contracts';
import { hostPaths } from '../../../../api/src/core/config/host-paths';
import type { InjectResult, TestApp } from '../../../../api/test/support/test-app';
import { binaryPath, exec, killProcessesMentioning } from '../../host/support/host-test-env';

/**
 * The start and the end every suite with real daemons shares: the admin's login, smbd and vsftpd
 * on free loopback ports under the app's `process` driver, and a teardown that removes whatever
 * the suite made even when it failed half way.
 */

type Api = <T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown) => Promise<InjectResult<T>>;

/** Logs `admin` in from `ip` (its own address, so the login rate limit of other suites never counts). */
export async function adminLogin(app: TestApp, password: string, ip: string): Promise<string> {
  const login = await app.request<TokenResponse>({ method: 'POST', url: '/api/auth/login', body: { username: 'admin', password }, headers: { 'x-forwarded-for': ip } });
  if (login.status !== 200) throw new Error(`admin login: ${login.status} ${login.text}`);
  return login.body.accessToken;
}

/** Loopback, the given ports and a passive range of their own; then the app's process driver starts both daemons. */
export async function startSmbAndFtp(api: Api, ports: { smb: number; ftp: number }): Promise<void> {
  const expectStatus = async <T>(what: string, res: Promise<InjectResult<T>>) => {
    const r = await res;
    if (r.status !== 200) throw new Error(`${what}: expected 200, got ${r.status} ${r.text}`);
    return r.body;
  };
  const pasv = 30000 + Math.floor(Math.random() * 25000);
  await expectStatus('smb settings', api('PUT', '/api/services/smb/settings', { port: ports.smb, interfaces: ['127.0.0.1'] }));
  await expectStatus('ftp settings', api('PUT', '/api/services/ftp/settings', { port: ports.ftp, listenAddress: '127.0.0.1', passivePortMin: pasv, passivePortMax: pasv + 30 }));
  for (const id of ['smb', 'ftp']) {
    const s = await expectStatus<ServiceStatus>(`start ${id}`, api('POST', `/api/services/${id}/start`));
    expect({ id, state: s.state, driver: s.driver }).toEqual({ id, state: 'running', driver: 'process' });
  }
}

export interface Leftovers {
  /** The `search` that finds the suite's users in GET /api/users. */
  search: string;
  accounts: readonly string[];
  groups?: readonly string[];
  scratch?: string;
}

/** Stops the daemons, deletes the suite's users through the API, then whatever a failure left behind, directly; closes the app. */
export async function tearDownSuite(app: TestApp | undefined, api: Api, left: Leftovers): Promise<void> {
  if (app) {
    for (const id of ['smb', 'ftp']) await api('POST', `/api/services/${id}/stop`).catch(() => undefined);
    const list = await api<{ items: Array<{ id: string }> }>('GET', `/api/users?search=${left.search}&pageSize=500`).catch(() => undefined);
    for (const u of list?.body?.items ?? []) await api('DELETE', `/api/users/${u.id}?keepFiles=false`);
  }
  const smbConf = app ? hostPaths(app.config).smbConf : undefined;
  for (const n of left.accounts) {
    if (smbConf) await exec(binaryPath('pdbedit') as string, ['--configfile', smbConf, '--delete', '--user', n]);
    if ((await exec('/usr/bin/getent', ['passwd', n])).code === 0) await exec(binaryPath('userdel') as string, [n]);
  }
  for (const g of left.groups ?? []) if ((await exec('/usr/bin/getent', ['group', g])).code === 0) await exec(binaryPath('groupdel') as string, [g]);
  const appRoot = app?.root;
  await app?.close();
  // Daemons of this app only: their command lines name its unique temp root.
  if (appRoot) await killProcessesMentioning(appRoot);
  if (left.scratch) await fs.rm(left.scratch, { recursive: true, force: true });
}
