import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Group, Pool, ServiceStatus, TokenResponse, UserChange } from '@moxnas/contracts';
import { hostPaths } from '../../../api/src/core/config/host-paths';
import { ApplyEngine } from '../../../api/src/modules/services/apply/apply-engine';
import type { ManagedConfig } from '../../../api/src/modules/services/apply/managed-config';
import { startTestApp, type InjectResult, type TestApp } from '../../../api/test/support/test-app';
import { binaryPath, describeHost, exec, freePort, killProcessesMentioning, tempDir, waitFor } from '../host/support/host-test-env';
import { FtpClient, ftpOutcome, type Credentials } from './support/share-clients';

/**
 * Issue 14, defect 1, with the real vsftpd started by the app's process driver and real Linux
 * accounts: what `curl ftp://` can do follows the user and group changes made through the API.
 * vsftpd checks its user list (`userlist_deny=NO`) right after USER and answers "530 Permission
 * denied" before any password; PAM refusing a locked account answers "530 Login incorrect" after
 * PASS. So the reply says which of the two refused, and "Permission denied" after a disable shows
 * that the user list was re-rendered, not only that the account was locked.
 */

const ADMIN_PASSWORD = 'Deps-e2e-admin-passphrase-1';
const PASSWORD = 'Deps-e2e-user-secret-1';

describeHost('account changes reach the real vsftpd (root, useradd, vsftpd, curl)', { root: true, binaries: ['useradd', 'userdel', 'groupdel', 'vsftpd', 'curl'] }, () => {
  const tag = randomBytes(3).toString('hex');
  const carol: Credentials = { user: `mxd${tag}carol`, password: PASSWORD };
  const team = `mxd${tag}team`;
  let app: TestApp;
  let token: string;
  let scratch: string;
  let ftp: FtpClient;
  let carolId: string;
  let teamId: string;

  const api = <T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown): Promise<InjectResult<T>> =>
    app.request<T>({ method, url, token, ...(body !== undefined ? { body } : {}) });

  async function must<T>(what: string, res: Promise<InjectResult<T>>, status: number): Promise<T> {
    const r = await res;
    if (r.status !== status) throw new Error(`${what}: expected ${status}, got ${r.status} ${r.text}`);
    return r.body;
  }

  const login = async () => ftpOutcome(await ftp.list(carol, ''));

  beforeAll(async () => {
    scratch = await fs.realpath(await tempDir('deps-e2e'));
    await fs.chmod(scratch, 0o755);
    const pool = path.join(scratch, 'pool');
    await fs.mkdir(pool, { mode: 0o755 });
    const ftpPort = await freePort();
    ftp = new FtpClient(ftpPort);

    app = await startTestApp({ env: { MOXNAS_ADMIN_PASSWORD: ADMIN_PASSWORD, MOXNAS_HOST_ACCOUNTS: 'auto', MOXNAS_TRUST_PROXY: '1' } });
    const res = await app.request<TokenResponse>({ method: 'POST', url: '/api/auth/login', body: { username: 'admin', password: ADMIN_PASSWORD }, headers: { 'x-forwarded-for': '198.18.7.2' } });
    if (res.status !== 200) throw new Error(`admin login: ${res.status} ${res.text}`);
    token = res.body.accessToken;

    const user = await must<UserChange>('carol', api('POST', '/api/users', { username: carol.user, password: carol.password, ftpEnabled: true }), 201);
    expect(user.provisioning.status).toBe('applied');
    carolId = user.id;
    teamId = (await must<Group>('team', api('POST', '/api/groups', { name: team }), 201)).id;
    await must<Pool>('pool', api('POST', '/api/storage/pools', { name: `mxd${tag}`, path: pool }), 201);
    const dir = path.join(pool, 'team');
    await fs.mkdir(dir, { mode: 0o777 });
    await fs.chmod(dir, 0o777);
    await must('ftp share', api('POST', '/api/shares/ftp', { name: `team${tag}`, path: dir, allowedGroups: [team] }), 201);

    const pasv = 30000 + Math.floor(Math.random() * 25000);
    await must('ftp settings', api('PUT', '/api/services/ftp/settings', { port: ftpPort, listenAddress: '127.0.0.1', passivePortMin: pasv, passivePortMax: pasv + 20 }), 200);
    const s = await must<ServiceStatus>('start ftp', api('POST', '/api/services/ftp/start'), 200);
    expect(s.state).toBe('running');
    await waitFor(async () => /^(OK|530)/.test(await login()), `vsftpd on ${ftpPort} to answer`, 20_000);
  }, 180_000);

  afterAll(async () => {
    if (app) {
      await api('POST', '/api/services/ftp/stop').catch(() => undefined);
      if (carolId) await api('DELETE', `/api/users/${carolId}?keepFiles=false`).catch(() => undefined);
    }
    for (const name of [carol.user, `mxd${tag}dave`]) {
      if ((await exec('/usr/bin/getent', ['passwd', name])).code === 0) await exec(binaryPath('userdel') as string, [name]);
    }
    const smbConf = app ? hostPaths(app.config).smbConf : undefined;
    if (smbConf && binaryPath('pdbedit')) await exec(binaryPath('pdbedit') as string, ['--configfile', smbConf, '--delete', '--user', carol.user]);
    const appRoot = app?.root;
    await app?.close();
    if ((await exec('/usr/bin/getent', ['group', team])).code === 0) await exec(binaryPath('groupdel') as string, [team]);
    if (appRoot) await killProcessesMentioning(appRoot);
    if (scratch) await fs.rm(scratch, { recursive: true, force: true });
  }, 120_000);

  it("carol gets no FTP login until she joins the share's group, then logs in", async () => {
    expect(await login()).toMatch(/^530\b.*Permission denied/);
    await must('join the group', api('PATCH', `/api/users/${carolId}`, { groupIds: [teamId] }), 200);
    expect(await login()).toBe('OK');
  });

  it('disabling carol takes the login away at the user list; enabling gives it back', async () => {
    await must('disable', api('PATCH', `/api/users/${carolId}`, { disabled: true }), 200);
    expect(await login()).toMatch(/^530\b.*Permission denied/);
    await must('enable', api('PATCH', `/api/users/${carolId}`, { disabled: false }), 200);
    expect(await login()).toBe('OK');
  });

  it('a user change whose FTP re-apply is refused leaves no Linux account behind', async () => {
    // vsftpd's checker stands in for any failure after useradd: the candidate files are refused.
    const engine = app.app.get(ApplyEngine);
    const real = (engine as unknown as { configs: Map<string, ManagedConfig> }).configs.get('ftp')!;
    const refusing: ManagedConfig = {
      service: 'ftp',
      dependsOn: real.dependsOn,
      render: (m) => real.render(m),
      validate: async () => ({ ok: false, messages: ['refused for the test'] }),
    };
    const dave = `mxd${tag}dave`;
    engine.register(refusing);
    try {
      const res = await api<{ code: string }>('POST', '/api/users', { username: dave, password: PASSWORD, ftpEnabled: true, groupIds: [teamId] });
      expect([res.status, res.body.code]).toEqual([422, 'VALIDATION_FAILED']);
    } finally {
      engine.register(real);
    }
    expect((await exec('/usr/bin/getent', ['passwd', dave])).code).not.toBe(0);
    expect((await api<{ total: number }>('GET', `/api/users?search=${dave}`)).body.total).toBe(0);
  });

  it('leaving the group through the group API takes it away again', async () => {
    await must('empty the group', api('PATCH', `/api/groups/${teamId}`, { memberIds: [] }), 200);
    expect(await login()).toMatch(/^530\b.*Permission denied/);
  });
});
