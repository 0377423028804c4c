import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { GroupChange, TokenResponse, UserChange } from '@moxnas/contracts';
import { FTP_PAM_SERVICE } from '@moxnas/host';
import { hostPaths } from '../../../api/src/core/config/host-paths';
import { HostAccountsService } from '../../../api/src/modules/users/accounts/host-accounts.service';
import { startTestApp, type TestApp } from '../../../api/test/support/test-app';
import { binaryPath, describeHost, exec, freePort, tempDir, waitFor, type ExecResult } from '../host/support/host-test-env';

/**
 * Users as real host accounts, as root: the API creates Linux accounts and Samba passdb entries,
 * and a real smbd and vsftpd (started here on loopback high ports, using the app's smb.conf and
 * MoxNAS's PAM service) accept or refuse their passwords. Every account this test makes starts with
 * "mxt" + random hex and is removed in afterAll, whatever happened.
 */

const ADMIN_PASSWORD = 'E2e-admin-passphrase-1';
const PASSWORD = 'First-secret-phrase-1';
const NEW_PASSWORD = 'Second-secret-phrase-2';

const run = (file: string, args: string[], env: Record<string, string> = {}): Promise<ExecResult> =>
  new Promise((resolve) => {
    const child = spawn(binaryPath(file) ?? file, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.end(env['STDIN'] ?? '');
  });

describeHost('users as Linux, SMB and FTP accounts (root, real smbd and vsftpd)', { root: true, binaries: ['useradd', 'chpasswd', 'smbd', 'smbclient', 'smbpasswd', 'pdbedit', 'vsftpd', 'curl'] }, () => {
  const tag = randomBytes(3).toString('hex');
  const created = new Set<string>();
  const createdGroups = new Set<string>();
  /** Homes live outside /tmp (the home grammar refuses system and temporary directories). */
  const homeBase = `/srv/mxte2e-${tag}`;
  let app: TestApp;
  let admin: string;
  let scratch: string;
  let smbConf: string;
  let shareDir: string;
  let smbPort: number;
  let ftpPort: number;
  const daemons: ChildProcess[] = [];

  const name = (hint: string) => {
    const n = `mxt${tag}${hint}`.slice(0, 32);
    created.add(n);
    return n;
  };
  const api = <T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) => app.request<T & { code?: string; message?: string }>({ method, url, token: admin, ...(body !== undefined ? { body } : {}) });
  const getent = async (db: 'passwd' | 'group', key: string) => {
    const r = await exec('/usr/bin/getent', [db, key]);
    return r.code === 0 ? r.stdout.trim() : null;
  };
  const passdb = async () => (await exec(binaryPath('pdbedit')!, ['--configfile', smbConf, '--list', '--smbpasswd-style'])).stdout;

  const smb = (user: string, password: string, command = 'ls') =>
    run('smbclient', [`//127.0.0.1/e2e`, '-p', String(smbPort), '-U', user, '-m', 'SMB3', '-c', command], { PASSWD: password });
  const smbError = async (user: string, password: string) => {
    const r = await smb(user, password);
    return r.code === 0 ? 'OK' : (/NT_STATUS_[A-Z_]+/.exec(r.stdout + r.stderr)?.[0] ?? `exit ${r.code}`);
  };
  /** Uploads a file over FTP with curl; the credentials go on stdin (curl -K -), never argv. */
  const ftpUpload = async (user: string, password: string, fileName: string) => {
    const local = path.join(scratch, fileName);
    fs.writeFileSync(local, `uploaded by ${user}\n`);
    const r = await run('curl', ['-sS', '--max-time', '15', '-K', '-', '-T', local, `ftp://127.0.0.1:${ftpPort}/${fileName}`], { STDIN: `user = "${user}:${password}"\n` });
    return r.code === 0 ? 'OK' : (/\b(5\d\d)\b/.exec(r.stderr)?.[1] ?? `curl exit ${r.code}: ${r.stderr.trim()}`);
  };

  async function startSmbd(): Promise<void> {
    // The app's smb.conf (passdb and state dirs) plus what only this test needs.
    const appConf = fs.readFileSync(hostPaths(app.config).smbConf, 'utf8');
    const conf = path.join(scratch, 'smb-e2e.conf');
    fs.writeFileSync(
      conf,
      [
        appConf.trimEnd(),
        `\tsmb ports = ${smbPort}`,
        '\tinterfaces = 127.0.0.1',
        '\tbind interfaces only = yes',
        '\tdisable netbios = yes',
        '\tserver role = standalone server',
        '\tload printers = no',
        '',
        '[e2e]',
        `\tpath = ${shareDir}`,
        '\tread only = no',
        '',
      ].join('\n'),
    );
    // detached: its own process group. smbd signals its whole group when it stops, which must not be jest's.
    const smbd = spawn(binaryPath('smbd')!, ['--foreground', '--no-process-group', '--debug-stdout', '-s', conf], { stdio: 'ignore', detached: true });
    daemons.push(smbd);
    await waitFor(async () => (await exec('/usr/bin/bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${smbPort}`])).code === 0, 'smbd to listen', 20_000);
  }

  async function startVsftpd(): Promise<void> {
    const pasv = 30000 + Math.floor(Math.random() * 20000);
    const emptyDir = path.join(scratch, 'vsftpd-empty');
    fs.mkdirSync(emptyDir, { mode: 0o755 });
    const conf = path.join(scratch, 'vsftpd-e2e.conf');
    fs.writeFileSync(
      conf,
      [
        'listen=YES',
        'listen_ipv6=NO',
        'listen_address=127.0.0.1',
        `listen_port=${ftpPort}`,
        'background=NO',
        'anonymous_enable=NO',
        'local_enable=YES',
        'write_enable=YES',
        // MoxNAS's PAM service: no pam_shells, so nologin accounts may log in; FTP group only.
        `pam_service_name=${FTP_PAM_SERVICE}`,
        'pasv_enable=YES',
        `pasv_min_port=${pasv}`,
        `pasv_max_port=${pasv + 20}`,
        'pasv_address=127.0.0.1',
        'seccomp_sandbox=NO',
        `secure_chroot_dir=${emptyDir}`,
        'xferlog_enable=NO',
        `vsftpd_log_file=${path.join(scratch, 'vsftpd.log')}`,
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const vsftpd = spawn(binaryPath('vsftpd')!, [conf], { stdio: 'ignore', detached: true });
    daemons.push(vsftpd);
    await waitFor(async () => (await exec('/usr/bin/bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${ftpPort}`])).code === 0, 'vsftpd to listen', 20_000);
  }

  beforeAll(async () => {
    scratch = await tempDir('users-e2e');
    fs.mkdirSync(homeBase, { mode: 0o755 });
    // Under homeBase, not the 0700 temp dir, so the share users can reach it.
    shareDir = path.join(homeBase, 'share');
    fs.mkdirSync(shareDir);
    fs.chmodSync(shareDir, 0o1777);
    [smbPort, ftpPort] = [await freePort(), await freePort()];
    app = await startTestApp({ env: { MOXNAS_ADMIN_PASSWORD: ADMIN_PASSWORD, MOXNAS_HOST_ACCOUNTS: 'auto' } });
    smbConf = hostPaths(app.config).smbConf;
    const login = await app.request<TokenResponse>({ method: 'POST', url: '/api/auth/login', body: { username: 'admin', password: ADMIN_PASSWORD } });
    admin = login.body.accessToken;
    // The first account prepares the host (the minimal smb.conf the daemons start from, PAM service, FTP group).
    const first = await api<UserChange>('POST', '/api/users', { username: name('first'), password: PASSWORD });
    if (first.status !== 201) throw new Error(`first user: ${first.status} ${first.text}`);
    await startSmbd();
    await startVsftpd();
  });

  afterAll(async () => {
    // Each daemon leads its own process group (detached): stopping the group stops its children too.
    for (const d of daemons) {
      if (d.pid && d.exitCode === null) {
        try {
          process.kill(-d.pid, 'SIGTERM');
        } catch {
          /* already gone */
        }
      }
    }
    // Through the API first (the normal path), then directly for anything a failure left behind.
    if (app) {
      const list = await api<{ items: Array<{ id: string; username: string }> }>('GET', `/api/users?search=mxt${tag}&pageSize=500`);
      for (const u of list.body?.items ?? []) await api('DELETE', `/api/users/${u.id}?keepFiles=false`);
      const groups = await api<{ items: Array<{ id: string }> }>('GET', `/api/groups?search=mxt${tag}&pageSize=500`);
      for (const g of groups.body?.items ?? []) await api('DELETE', `/api/groups/${g.id}`);
    }
    for (const n of created) {
      if (smbConf) await exec(binaryPath('pdbedit')!, ['--configfile', smbConf, '--delete', '--user', n]);
      if (await getent('passwd', n)) await exec(binaryPath('userdel')!, [n]);
    }
    for (const g of createdGroups) if (await getent('group', g)) await exec(binaryPath('groupdel')!, [g]);
    await app?.close();
    fs.rmSync(homeBase, { recursive: true, force: true });
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('creates a Linux account with a Samba entry whose password works over SMB and FTP', async () => {
    const user = name('ann');
    const home = path.join(homeBase, user);
    const res = await api<UserChange>('POST', '/api/users', { username: user, password: PASSWORD, fullName: 'Ann E2E', homeDir: home, ftpEnabled: true });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ hostStatus: 'synced', provisioning: { status: 'applied' } });

    const passwd = (await getent('passwd', user))!.split(':');
    expect(passwd).toEqual([user, 'x', String(res.body.uid), '100', 'Ann E2E', home, '/usr/sbin/nologin']);
    const st = fs.statSync(home);
    expect([st.uid, st.mode & 0o777]).toEqual([res.body.uid, 0o700]);
    expect(await passdb()).toContain(`${user}:${res.body.uid}:`);

    expect(await smbError(user, PASSWORD)).toBe('OK');
    const probe = path.join(scratch, 'share-probe.txt');
    fs.writeFileSync(probe, 'written over SMB\n');
    expect((await smb(user, PASSWORD, `put ${probe} probe-${user}.txt`)).code).toBe(0);
    expect(fs.statSync(path.join(shareDir, `probe-${user}.txt`)).uid).toBe(res.body.uid);
    expect(await ftpUpload(user, PASSWORD, 'hello.txt')).toBe('OK');
    expect(fs.statSync(path.join(home, 'hello.txt')).uid).toBe(res.body.uid);
    expect(await smbError(user, 'wrong password')).toBe('NT_STATUS_LOGON_FAILURE');
    expect(await ftpUpload(user, 'wrong password', 'nope.txt')).toBe('530');
  });

  it('changing the password changes it for SMB and FTP', async () => {
    const user = name('pw');
    const res = await api<UserChange>('POST', '/api/users', { username: user, password: PASSWORD, homeDir: path.join(homeBase, user), ftpEnabled: true });
    expect(res.status).toBe(201);
    const changed = await api<UserChange>('PATCH', `/api/users/${res.body.id}`, { password: NEW_PASSWORD });
    expect(changed.status).toBe(200);
    expect(changed.body.provisioning.status).toBe('applied');
    expect(await smbError(user, PASSWORD)).toBe('NT_STATUS_LOGON_FAILURE');
    expect(await smbError(user, NEW_PASSWORD)).toBe('OK');
    expect(await ftpUpload(user, PASSWORD, 'old.txt')).toBe('530');
    expect(await ftpUpload(user, NEW_PASSWORD, 'new.txt')).toBe('OK');
  });

  it('disabling blocks SMB and FTP; enabling again lets the user back in', async () => {
    const user = name('off');
    const res = await api<UserChange>('POST', '/api/users', { username: user, password: PASSWORD, homeDir: path.join(homeBase, user), ftpEnabled: true });
    expect(await smbError(user, PASSWORD)).toBe('OK');
    expect((await api('PATCH', `/api/users/${res.body.id}`, { disabled: true })).status).toBe(200);
    expect(await smbError(user, PASSWORD)).toBe('NT_STATUS_ACCOUNT_DISABLED');
    expect(await ftpUpload(user, PASSWORD, 'blocked.txt')).toBe('530');
    expect((await api('PATCH', `/api/users/${res.body.id}`, { disabled: false })).status).toBe(200);
    expect(await smbError(user, PASSWORD)).toBe('OK');
    expect(await ftpUpload(user, PASSWORD, 'again.txt')).toBe('OK');
  });

  it('FTP and SMB follow their switches', async () => {
    const user = name('sw');
    const res = await api<UserChange>('POST', '/api/users', { username: user, password: PASSWORD, homeDir: path.join(homeBase, user), ftpEnabled: false });
    // A nologin user without the FTP switch is refused by the PAM service, not by a shell check.
    expect(await ftpUpload(user, PASSWORD, 'x.txt')).toBe('530');
    expect(await smbError(user, PASSWORD)).toBe('OK');
    await api('PATCH', `/api/users/${res.body.id}`, { ftpEnabled: true, smbEnabled: false });
    expect(await ftpUpload(user, PASSWORD, 'x.txt')).toBe('OK');
    expect(await passdb()).not.toContain(`${user}:`);
    expect(await smbError(user, PASSWORD)).not.toBe('OK');
    // Switching SMB back on rebuilds the entry from the stored NT hash: the old password works.
    await api('PATCH', `/api/users/${res.body.id}`, { smbEnabled: true });
    expect(await smbError(user, PASSWORD)).toBe('OK');
  });

  it('deleting removes the Linux account and the Samba entry, keeping the files unless asked', async () => {
    const keep = name('keep');
    const drop = name('drop');
    const a = await api<UserChange>('POST', '/api/users', { username: keep, password: PASSWORD, homeDir: path.join(homeBase, keep) });
    const b = await api<UserChange>('POST', '/api/users', { username: drop, password: PASSWORD, homeDir: path.join(homeBase, drop) });
    const gone = await api<{ provisioning: { status: string } }>('DELETE', `/api/users/${a.body.id}`);
    expect(gone.status).toBe(200);
    expect(gone.body.provisioning.status).toBe('applied');
    expect(await getent('passwd', keep)).toBeNull();
    expect(await passdb()).not.toContain(`${keep}:`);
    expect(fs.existsSync(path.join(homeBase, keep))).toBe(true);
    expect(await smbError(keep, PASSWORD)).not.toBe('OK');

    expect((await api('DELETE', `/api/users/${b.body.id}?keepFiles=false`)).status).toBe(200);
    expect(await getent('passwd', drop)).toBeNull();
    expect(fs.existsSync(path.join(homeBase, drop))).toBe(false);
  });

  it.each(['root', '-x', 'a b', 'a:b', '../x', 'x'.repeat(300), '\u0430dmin', 'mxt\u0430bc'])('refuses the username %j and creates nothing on the host', async (username) => {
    const before = (await exec('/usr/bin/getent', ['passwd'])).stdout;
    const beforeDb = (await api<{ total: number }>('GET', '/api/users')).body.total;
    const res = await api<{ errors: Array<{ field: string; message: string }> }>('POST', '/api/users', { username, password: PASSWORD });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ field: 'username', message: expect.any(String) }]);
    expect((await exec('/usr/bin/getent', ['passwd'])).stdout).toBe(before);
    expect((await api<{ total: number }>('GET', '/api/users')).body.total).toBe(beforeDb);
  });

  it('refuses a name that is already an account on the host, instead of adopting it', async () => {
    // An account made on the host behind MoxNAS's back, as an admin's own useradd would.
    const existing = `hostonly${tag}`;
    const made = await exec(binaryPath('useradd')!, ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', existing]);
    expect(made.code).toBe(0);
    try {
      const res = await api<{ errors: Array<{ field: string; message: string }> }>('POST', '/api/users', { username: existing, password: PASSWORD });
      expect(res.status).toBe(409);
      expect(res.body.errors).toEqual([{ field: 'username', message: 'exists on the host' }]);
      expect((await api<{ total: number }>('GET', `/api/users?search=${existing}`)).body.total).toBe(0);
    } finally {
      await exec(binaryPath('userdel')!, [existing]);
    }
  });

  it('rolls the whole change back when a host step fails', async () => {
    const user = name('fail');
    const blocker = path.join(homeBase, `blocker-${tag}`);
    fs.writeFileSync(blocker, 'a file where a directory is needed');
    const res = await api<{ code: string; message: string }>('POST', '/api/users', { username: user, password: PASSWORD, homeDir: path.join(blocker, 'home') });
    expect(res.status).toBe(502);
    expect(res.body.code).toBe('APPLY_FAILED');
    expect(res.body.message).toMatch(/nothing was saved/);
    expect(await getent('passwd', user)).toBeNull();
    expect(await passdb()).not.toContain(`${user}:`);
    expect((await api<{ total: number }>('GET', `/api/users?search=${user}`)).body.total).toBe(0);
  });

  it('groups are Linux groups with their members', async () => {
    const member = name('gm');
    const u = await api<UserChange>('POST', '/api/users', { username: member, password: PASSWORD });
    const group = `mxt${tag}grp`;
    createdGroups.add(group);
    const g = await api<GroupChange>('POST', '/api/groups', { name: group, memberIds: [u.body.id] });
    expect(g.status).toBe(201);
    expect(g.body.provisioning.status).toBe('applied');
    expect(await getent('group', group)).toBe(`${group}:x:${g.body.gid}:${member}`);
    const renamed = `mxt${tag}grp2`;
    createdGroups.add(renamed);
    expect((await api('PATCH', `/api/groups/${g.body.id}`, { name: renamed, memberIds: [] })).status).toBe(200);
    expect(await getent('group', group)).toBeNull();
    expect(await getent('group', renamed)).toBe(`${renamed}:x:${g.body.gid}:`);
    // A user's supplementary groups are the same membership, seen from the user.
    await api('PATCH', `/api/users/${u.body.id}`, { groupIds: [g.body.id] });
    expect(await getent('group', renamed)).toBe(`${renamed}:x:${g.body.gid}:${member}`);
    expect((await api('DELETE', `/api/groups/${g.body.id}`)).status).toBe(200);
    expect(await getent('group', renamed)).toBeNull();
  });

  it('rebuilds accounts removed behind its back from the database (reconcile)', async () => {
    const user = name('rec');
    // A uid far above where allocation starts (10000): other suites running in parallel, each with
    // its own database, allocate from there and would take this uid while its account is gone.
    let uid = 50_000 + Math.floor(Math.random() * 9_000);
    while ((await exec('/usr/bin/getent', ['passwd', String(uid)])).code === 0) uid++;
    const made = await api<UserChange>('POST', '/api/users', { username: user, password: PASSWORD, uid, homeDir: path.join(homeBase, user), ftpEnabled: true });
    expect(made.status).toBe(201);
    await exec(binaryPath('pdbedit')!, ['--configfile', smbConf, '--delete', '--user', user]);
    await exec(binaryPath('userdel')!, [user]);
    expect(await getent('passwd', user)).toBeNull();

    const report = await app.app.get(HostAccountsService).reconcile();
    expect(report.failures).toEqual([]);
    expect(await getent('passwd', user)).not.toBeNull();
    // Both passwords come back from the stored hashes: SHA-512 crypt for Linux, NT hash for Samba.
    expect(await smbError(user, PASSWORD)).toBe('OK');
    expect(await ftpUpload(user, PASSWORD, 'after-reconcile.txt')).toBe('OK');
  });
});
