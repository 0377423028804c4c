import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ApplyResult, FtpShareMutation, NfsShareMutation, Pool, ServiceStatus, SmbShareMutation, UserChange } from '@moxnas/contracts';
import { hostPaths } from '../../../api/src/core/config/host-paths';
import { startTestApp, type InjectResult, type TestApp } from '../../../api/test/support/test-app';
import { describeHost, freePort, processesMentioning, tempDir, waitFor } from '../host/support/host-test-env';
import { adminLogin, startSmbAndFtp, tearDownSuite } from './support/daemon-suite';
import { checkExportsInNamespace, FtpClient, ftpOutcome, SmbClient, type Credentials } from './support/share-clients';

/**
 * Shares end to end, through the API only: real Linux/Samba/FTP accounts made by the users API, a
 * pool registered on a temp dir, shares created by the shares API, and the daemons started by the
 * app's own `process` driver (smbd and vsftpd on free loopback ports). Real clients (smbclient,
 * curl) then use the shares the way an admin's users would; the generated /etc/exports is checked
 * by the real exportfs in a private mount namespace (this kernel has no nfsd).
 *
 * Every account starts with "mxs" + random hex and is removed in afterAll, whatever happened; the
 * daemons are stopped through the API and any left over (found by the app's unique temp root in
 * their command line) are killed by pid.
 */

const ADMIN_PASSWORD = 'Shares-e2e-admin-passphrase-1';
const PASSWORD = 'Shares-e2e-user-secret-1';
const NO_NFSD = async () => !(await fs.readFile('/proc/filesystems', 'utf8')).includes('nfsd') && !(await fs.stat('/proc/fs/nfsd/exports').catch(() => null));

describeHost(
  'shares with real daemons and clients (root, smbd, vsftpd, exportfs)',
  { root: true, binaries: ['useradd', 'userdel', 'pdbedit', 'smbd', 'smbclient', 'testparm', 'vsftpd', 'curl', 'exportfs', 'unshare', 'mount'] },
  () => {
    const tag = randomBytes(3).toString('hex');
    const alice: Credentials = { user: `mxs${tag}alice`, password: PASSWORD };
    const bob: Credentials = { user: `mxs${tag}bob`, password: PASSWORD };
    const accounts = [alice.user, bob.user];
    const uids: Record<string, number> = {};
    let app: TestApp;
    let token: string;
    let scratch: string;
    let pool: string;
    let smbPort: number;
    let ftpPort: number;
    let smb: SmbClient;
    let ftp: FtpClient;

    const api = <T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown): Promise<InjectResult<T & { code?: string; message?: string }>> =>
      app.request<T & { code?: string; message?: string }>({ method, url, token, ...(body !== undefined ? { body } : {}) });

    async function must<T>(what: string, res: Promise<InjectResult<T & { code?: string; message?: string }>>, status: number): Promise<T> {
      const r = await res;
      if (r.status !== status) throw new Error(`${what}: expected ${status}, got ${r.status} ${r.text}`);
      return r.body;
    }

    /** A local file with random content, and its content. */
    async function localFile(name: string, bytes = 64 * 1024): Promise<{ file: string; content: Buffer }> {
      const content = randomBytes(bytes);
      const file = path.join(scratch, name);
      await fs.writeFile(file, content);
      return { file, content };
    }

    /** A directory in the pool any user may write to, so only the share's own rules can refuse. */
    async function openDir(name: string): Promise<string> {
      const dir = path.join(pool, name);
      await fs.mkdir(dir, { recursive: true });
      await fs.chmod(dir, 0o777);
      return dir;
    }

    beforeAll(async () => {
      scratch = await fs.realpath(await tempDir('shares-e2e'));
      // Clients log in as the share users and as the guest account (nobody): they must walk down to the pool.
      await fs.chmod(scratch, 0o755);
      pool = path.join(scratch, 'pool');
      await fs.mkdir(pool, { mode: 0o755 });
      [smbPort, ftpPort] = [await freePort(), await freePort()];
      smb = new SmbClient(smbPort);
      ftp = new FtpClient(ftpPort);

      app = await startTestApp({ env: { MOXNAS_ADMIN_PASSWORD: ADMIN_PASSWORD, MOXNAS_HOST_ACCOUNTS: 'auto', MOXNAS_TRUST_PROXY: '1' } });
      token = await adminLogin(app, ADMIN_PASSWORD, '198.18.7.1');

      for (const who of [alice, bob]) {
        const u = await must<UserChange>(`user ${who.user}`, api('POST', '/api/users', { username: who.user, password: who.password, ftpEnabled: true }), 201);
        expect(u).toMatchObject({ hostStatus: 'synced', provisioning: { status: 'applied' } });
        uids[who.user] = u.uid as number;
      }
      await must<Pool>('pool', api('POST', '/api/storage/pools', { name: `mxs${tag}`, path: pool }), 201);

      await startSmbAndFtp(api, { smb: smbPort, ftp: ftpPort });
      await waitFor(async () => (await smb.status('IPC$', alice, 'exit')) === 'OK', `smbd on ${smbPort} to accept ${alice.user}`, 20_000);
    }, 180_000);

    afterAll(async () => {
      await tearDownSuite(app, api, { search: `mxs${tag}`, accounts, scratch });
    }, 120_000);

    describe('SMB', () => {
      let privateDir: string;
      let privateName: string;

      it('a share for alice only: alice puts and gets a file, bob is denied at connect', async () => {
        privateName = `priv${tag}`;
        privateDir = path.join(pool, 'private');
        const created = await must<SmbShareMutation>(
          'smb create',
          api('POST', '/api/shares/smb', { name: privateName, path: privateDir, validUsers: [alice.user], createDirectory: { owner: alice.user, mode: '0777' } }),
          201,
        );
        expect(created.apply).toMatchObject({ dryRun: false, applied: true, daemon: 'reloaded' });
        expect(created.apply.diffs.map((d) => d.path)).toContain(hostPaths(app.config).smbConf);
        // The directory was made as asked (mode 0777 so that only `valid users` can refuse bob).
        const st = await fs.stat(privateDir);
        expect([st.isDirectory(), st.uid, st.mode & 0o7777]).toEqual([true, uids[alice.user], 0o777]);

        const up = await localFile('alice-up.bin');
        const back = path.join(scratch, 'alice-back.bin');
        const r = await smb.run(privateName, alice, `put ${up.file} hello.bin; get hello.bin ${back}`);
        expect({ code: r.code, err: /NT_STATUS_[A-Z_]+/.exec(r.stdout + r.stderr)?.[0] }).toEqual({ code: 0, err: undefined });
        expect((await fs.readFile(back)).equals(up.content)).toBe(true);
        const onDisk = await fs.stat(path.join(privateDir, 'hello.bin'));
        expect([onDisk.uid, onDisk.size]).toEqual([uids[alice.user], up.content.length]);

        const denied = await smb.run(privateName, bob, 'ls');
        expect(denied.code).not.toBe(0);
        expect(`${denied.stdout}${denied.stderr}`).toMatch(/tree connect failed: NT_STATUS_ACCESS_DENIED/);
        // bob's password is right: he gets into a share that lets every user in (below), so it is
        // `valid users` that refused him here.
        const anyone = await openDir('anyone');
        await must('smb create anyone', api('POST', '/api/shares/smb', { name: `any${tag}`, path: anyone }), 201);
        expect(await smb.status(`any${tag}`, bob)).toBe('OK');
      });

      it('a read-only share serves files but refuses put', async () => {
        const dir = await openDir('readonly');
        await fs.writeFile(path.join(dir, 'readme.txt'), 'read me\n', { mode: 0o644 });
        await must('smb create ro', api('POST', '/api/shares/smb', { name: `ro${tag}`, path: dir, readOnly: true }), 201);
        const got = path.join(scratch, 'ro-readme.txt');
        expect(await smb.status(`ro${tag}`, alice, `get readme.txt ${got}`)).toBe('OK');
        expect(await fs.readFile(got, 'utf8')).toBe('read me\n');
        const up = await localFile('ro-up.bin', 1024);
        const put = await smb.status(`ro${tag}`, alice, `put ${up.file} refused.bin`);
        expect(put).toMatch(/NT_STATUS_(ACCESS_DENIED|MEDIA_WRITE_PROTECTED)/);
        await expect(fs.stat(path.join(dir, 'refused.bin'))).rejects.toThrow(/ENOENT/);

        // Switching readOnly off through the API lets the same put through.
        const patched = await must<SmbShareMutation>('smb ro off', api('PATCH', `/api/shares/smb/${(await shareId('smb', `ro${tag}`))}`, { readOnly: false }), 200);
        expect(patched.apply.daemon).toBe('reloaded');
        expect(await smb.status(`ro${tag}`, alice, `put ${up.file} accepted.bin`)).toBe('OK');
        expect((await fs.stat(path.join(dir, 'accepted.bin'))).size).toBe(1024);
      });

      it('guest access works only while guestOk is on', async () => {
        const dir = await openDir('public');
        await fs.writeFile(path.join(dir, 'public.txt'), 'for everyone\n', { mode: 0o644 });
        const name = `pub${tag}`;
        // Off (the default): anonymous is refused, a user still gets in.
        const created = await must<SmbShareMutation>('smb create pub', api('POST', '/api/shares/smb', { name, path: dir, readOnly: true }), 201);
        expect(created.share.guestOk).toBe(false);
        expect(await smb.status(name, null)).toMatch(/NT_STATUS_(ACCESS_DENIED|LOGON_FAILURE|ACCOUNT_RESTRICTION)/);
        expect(await smb.status(name, alice)).toBe('OK');

        await must('guest on', api('PATCH', `/api/shares/smb/${created.share.id}`, { guestOk: true }), 200);
        const got = path.join(scratch, 'guest-public.txt');
        expect(await smb.status(name, null, `get public.txt ${got}`)).toBe('OK');
        expect(await fs.readFile(got, 'utf8')).toBe('for everyone\n');
        // Guest on one share opens no other: the private share still refuses anonymous.
        expect(await smb.status(privateName, null)).toMatch(/NT_STATUS_(ACCESS_DENIED|LOGON_FAILURE|ACCOUNT_RESTRICTION)/);

        await must('guest off', api('PATCH', `/api/shares/smb/${created.share.id}`, { guestOk: false }), 200);
        expect(await smb.status(name, null)).toMatch(/NT_STATUS_(ACCESS_DENIED|LOGON_FAILURE|ACCOUNT_RESTRICTION)/);
      });

      // Issue 14, defect 2: the first user to delete used to create the bin folder 0700 for
      // himself, and vfs_recycle then deleted every other user's files for good.
      it('recycle bin: alice and bob both delete, and both files are in their own bins', async () => {
        const dir = await openDir('recycled');
        const name = `bin${tag}`;
        const created = await must<SmbShareMutation>('smb create bin', api('POST', '/api/shares/smb', { name, path: dir, recycleBin: {} }), 201);
        expect(created.share.recycleBin).toEqual({ repository: '.recycle', perUser: true, keepTree: true, versions: true });
        const files: Record<string, Buffer> = {};
        for (const who of [alice, bob]) {
          const up = await localFile(`${who.user}-deleted.bin`, 4096);
          files[who.user] = up.content;
          expect(await smb.status(name, who, `put ${up.file} ${who.user}.bin; del ${who.user}.bin`)).toBe('OK');
          await expect(fs.stat(path.join(dir, `${who.user}.bin`))).rejects.toThrow(/ENOENT/);
        }
        for (const who of [alice, bob]) {
          const binned = path.join(dir, '.recycle', who.user, `${who.user}.bin`);
          expect((await fs.readFile(binned)).equals(files[who.user])).toBe(true);
          const bin = await fs.stat(path.dirname(binned));
          // Each bin is its owner's alone; the folder holding them is open to every share user.
          expect([bin.uid, bin.mode & 0o777]).toEqual([uids[who.user], 0o700]);
        }
        expect((await fs.stat(path.join(dir, '.recycle'))).mode & 0o7777).toBe(0o1777);
        // bob cannot open alice's bin.
        expect(await smb.status(name, bob, `ls .recycle/${alice.user}/*`)).toMatch(/NT_STATUS_ACCESS_DENIED/);
      });

      it('a shared recycle bin, chosen deliberately, takes every user’s deletions, folders kept', async () => {
        const dir = await openDir('recycled-shared');
        const name = `sbin${tag}`;
        const body = { name, path: dir, createMask: '0666', directoryMask: '0777', recycleBin: { repository: '.trash', perUser: false, keepTree: true } };
        await must<SmbShareMutation>('smb create shared bin', api('POST', '/api/shares/smb', body), 201);
        const a = await localFile('shared-a.bin', 1024);
        const b = await localFile('shared-b.bin', 1024);
        expect(await smb.status(name, alice, `mkdir docs; put ${a.file} docs/a.bin; del docs/a.bin`)).toBe('OK');
        // alice's delete made .trash and .trash/docs; bob's file must still fit in there.
        expect(await smb.status(name, bob, `put ${b.file} docs/b.bin; del docs/b.bin`)).toBe('OK');
        expect((await fs.readFile(path.join(dir, '.trash/docs/a.bin'))).equals(a.content)).toBe(true);
        expect((await fs.readFile(path.join(dir, '.trash/docs/b.bin'))).equals(b.content)).toBe(true);
        for (const d of ['.trash', '.trash/docs']) expect({ d, mode: (await fs.stat(path.join(dir, d))).mode & 0o7777 }).toEqual({ d, mode: 0o1777 });
      });

      it('a deleted share is gone for clients, and its data stays', async () => {
        const id = await shareId('smb', privateName);
        const gone = await must<{ apply: ApplyResult }>('smb delete', api('DELETE', `/api/shares/smb/${id}`), 200);
        expect(gone.apply.daemon).toBe('reloaded');
        expect(await smb.status(privateName, alice)).toBe('NT_STATUS_BAD_NETWORK_NAME');
        expect((await fs.stat(path.join(privateDir, 'hello.bin'))).isFile()).toBe(true);
      });
    });

    async function shareId(protocol: 'smb' | 'nfs' | 'ftp', name: string): Promise<string> {
      const list = await must<{ items: Array<{ id: string; name?: string; path: string }> }>(`${protocol} list`, api('GET', `/api/shares/${protocol}?pageSize=500`), 200);
      const hit = list.items.find((s) => s.name === name || s.path === name);
      if (!hit) throw new Error(`no ${protocol} share ${name}`);
      return hit.id;
    }

    describe('FTP', () => {
      let ftpDir: string;

      it('alice uploads and downloads in her share, and the chroot holds', async () => {
        ftpDir = path.join(pool, 'ftp-alice');
        const created = await must<FtpShareMutation>(
          'ftp create',
          api('POST', '/api/shares/ftp', { name: 'alice’s files', path: ftpDir, allowedUsers: [alice.user], writeEnable: true, chroot: true, createDirectory: { owner: alice.user, mode: '0755' } }),
          201,
        );
        expect(created.apply).toMatchObject({ dryRun: false, applied: true });
        expect(created.apply.daemon).toMatch(/reloaded|unchanged/);
        const st = await fs.stat(ftpDir);
        expect([st.uid, st.mode & 0o777]).toEqual([uids[alice.user], 0o755]);

        const up = await localFile('ftp-up.bin', 256 * 1024);
        expect(ftpOutcome(await ftp.upload(alice, up.file, 'upload.bin'))).toBe('OK');
        const onDisk = path.join(ftpDir, 'upload.bin');
        expect((await fs.readFile(onDisk)).equals(up.content)).toBe(true);
        expect((await fs.stat(onDisk)).uid).toBe(uids[alice.user]);
        const back = path.join(scratch, 'ftp-back.bin');
        expect(ftpOutcome(await ftp.download(alice, 'upload.bin', back))).toBe('OK');
        expect((await fs.readFile(back)).equals(up.content)).toBe(true);

        // Locked into the share: "/" is the share, and the host's /etc is out of reach.
        const root = await ftp.list(alice, '');
        expect(ftpOutcome(root)).toBe('OK');
        expect(root.names).toEqual(['upload.bin']);
        expect(ftpOutcome(await ftp.quote(alice, ['CWD /etc']))).toMatch(/^550\b/);
        expect(ftpOutcome(await ftp.download(alice, '/etc/passwd', path.join(scratch, 'passwd')))).toMatch(/^(550|curl)\b/);
        expect(ftpOutcome(await ftp.download(alice, '../../../etc/passwd', path.join(scratch, 'passwd2')))).toMatch(/^(550|curl)\b/);
        await expect(fs.stat(path.join(scratch, 'passwd'))).rejects.toThrow(/ENOENT/);
      });

      it('bob, who has no FTP share, cannot write into alice’s', async () => {
        const up = await localFile('bob-ftp.bin', 1024);
        const r = await ftp.upload(bob, up.file, 'from-bob.bin');
        // He may get his own root (or no login at all), but never this share.
        await expect(fs.stat(path.join(ftpDir, 'from-bob.bin'))).rejects.toThrow(/ENOENT/);
        if (ftpOutcome(r) === 'OK') {
          const names = await ftp.list(bob, '');
          expect(names.names).not.toContain('upload.bin');
        }
      });

      it('writeEnable off refuses uploads', async () => {
        const id = await shareId('ftp', ftpDir);
        await must('ftp read-only', api('PATCH', `/api/shares/ftp/${id}`, { writeEnable: false }), 200);
        const up = await localFile('ftp-ro.bin', 1024);
        expect(ftpOutcome(await ftp.upload(alice, up.file, 'refused.bin'))).toMatch(/^550\b/);
        await expect(fs.stat(path.join(ftpDir, 'refused.bin'))).rejects.toThrow(/ENOENT/);
        await must('ftp writable again', api('PATCH', `/api/shares/ftp/${id}`, { writeEnable: true }), 200);
      });
    });

    describe('SMB and FTP at once', () => {
      it('real clients use both protocols concurrently and every byte arrives', async () => {
        const smbDir = await openDir('both-smb');
        await must('smb both', api('POST', '/api/shares/smb', { name: `both${tag}`, path: smbDir, validUsers: [alice.user, bob.user] }), 201);
        const ftpDir = path.join(pool, 'ftp-alice');
        const jobs: Array<Promise<string>> = [];
        const files: Array<{ where: string; content: Buffer }> = [];
        for (let i = 0; i < 3; i++) {
          for (const who of [alice, bob]) {
            const f = await localFile(`smb-${who.user}-${i}.bin`, 2 * 1024 * 1024);
            files.push({ where: path.join(smbDir, `${who.user}-${i}.bin`), content: f.content });
            jobs.push(smb.run(`both${tag}`, who, `put ${f.file} ${who.user}-${i}.bin`).then((r) => `smb ${who.user} ${i}: ${r.code === 0 ? 'OK' : r.stdout + r.stderr}`));
          }
          const g = await localFile(`ftp-${i}.bin`, 2 * 1024 * 1024);
          files.push({ where: path.join(ftpDir, `parallel-${i}.bin`), content: g.content });
          jobs.push(ftp.upload(alice, g.file, `parallel-${i}.bin`).then((r) => `ftp ${i}: ${ftpOutcome(r)}`));
        }
        // Readers at the same time as the writers.
        jobs.push(ftp.download(alice, 'upload.bin', path.join(scratch, 'concurrent-read.bin')).then((r) => `ftp read: ${ftpOutcome(r)}`));
        jobs.push(smb.run(`any${tag}`, bob, 'ls').then((r) => `smb read: ${r.code === 0 ? 'OK' : r.stderr}`));
        const outcomes = await Promise.all(jobs);
        expect(outcomes.filter((o) => !o.endsWith(': OK'))).toEqual([]);
        for (const f of files) expect({ file: f.where, same: (await fs.readFile(f.where)).equals(f.content) }).toEqual({ file: f.where, same: true });
      }, 120_000);
    });

    describe('NFS', () => {
      it('the generated exports pass exportfs -ra in a private namespace with the options asked for per client', async () => {
        const dir = await openDir('nfs-export');
        const created = await must<NfsShareMutation>(
          'nfs create',
          api('POST', '/api/shares/nfs', {
            path: dir,
            comment: 'e2e export',
            clients: [
              { host: '10.20.0.0/16', access: 'rw' },
              { host: '*.example.com', access: 'ro' },
              { host: '192.0.2.7', access: 'rw' },
            ],
            squash: 'all',
            anonUid: 1234,
            anonGid: 4321,
            sync: false,
          }),
          201,
        );
        const exportsFile = hostPaths(app.config).exports;
        const diff = created.apply.diffs.find((d) => d.path === exportsFile);
        expect(diff?.diff).toMatch(new RegExp(`^\\+${dir}\\s`, 'm'));
        if (await NO_NFSD()) {
          // No kernel server here: stored and written, and the answer says why it is not served.
          expect(created.apply.daemon).toBe('unavailable');
          expect(created.apply.message ?? '').toMatch(/\S{3,}/);
          const status = await must<ServiceStatus>('nfs status', api('GET', '/api/services/nfs'), 200);
          expect(status.state).toBe('unavailable');
          expect(status.capability.available).toBe(false);
          expect(status.capability.reason).toBeTruthy();
        }
        const text = await fs.readFile(exportsFile, 'utf8');
        expect(text).toMatch(/^#\s*e2e export$/m);

        const check = await checkExportsInNamespace(exportsFile, scratch);
        expect({ code: check.reexport.code, errors: check.reexport.stderr.split('\n').filter((l) => /error|unknown|bad|invalid|failed/i.test(l)) }).toEqual({ code: 0, errors: [] });
        const clients = check.exports.get(dir);
        expect(clients && [...clients.keys()].sort()).toEqual(['*.example.com', '10.20.0.0/16', '192.0.2.7']);
        const common = ['async', 'all_squash', 'anonuid=1234', 'anongid=4321', 'no_subtree_check', 'sec=sys'];
        expect(clients?.get('10.20.0.0/16')).toEqual(expect.arrayContaining(['rw', ...common]));
        expect(clients?.get('192.0.2.7')).toEqual(expect.arrayContaining(['rw', ...common]));
        expect(clients?.get('*.example.com')).toEqual(expect.arrayContaining(['ro', ...common]));
        expect(clients?.get('*.example.com')).not.toContain('rw');
        // The host's own exports were never touched by the check.
        expect(await fs.readFile('/etc/exports', 'utf8')).not.toContain(dir);

        // An update is applied the same way: ro for the network, root squash only.
        await must('nfs update', api('PATCH', `/api/shares/nfs/${created.share.id}`, { clients: [{ host: '10.20.0.0/16', access: 'ro' }], squash: 'root', anonUid: null, anonGid: null, sync: true }), 200);
        const again = await checkExportsInNamespace(exportsFile, scratch);
        expect(again.reexport.code).toBe(0);
        const after = again.exports.get(dir);
        expect(after && [...after.keys()]).toEqual(['10.20.0.0/16']);
        expect(after?.get('10.20.0.0/16')).toEqual(expect.arrayContaining(['ro', 'sync', 'root_squash', 'no_all_squash']));
      });
    });

    describe('deleting a user named in shares', () => {
      it('refuses to delete a user that shares still name (409 listing them), so no stale grant can outlive him', async () => {
        // bob is a valid user of `both` (with alice) and the only valid user of `onlybob`. Deleting
        // him would leave his name in both; a new account called bob would inherit his access.
        const dir = await openDir('only-bob');
        const onlyBob = await must<{ share: { id: string } }>('smb onlybob', api('POST', '/api/shares/smb', { name: `onlybob${tag}`, path: dir, validUsers: [bob.user] }), 201);
        expect(await smb.status(`onlybob${tag}`, bob)).toBe('OK');
        expect(await smb.status(`onlybob${tag}`, alice)).toMatch(/tree connect failed|NT_STATUS_ACCESS_DENIED/);

        const users = await must<{ items: Array<{ id: string; username: string }> }>('users', api('GET', `/api/users?search=${bob.user}`), 200);
        const bobId = users.items.find((u) => u.username === bob.user)?.id as string;
        const deleted = await api<{ details?: { dependants?: Array<{ name: string }> } }>('DELETE', `/api/users/${bobId}?keepFiles=false`);
        expect(deleted.status).toBe(409);
        expect((deleted.body.details?.dependants ?? []).map((d) => d.name)).toEqual(expect.arrayContaining([`both${tag}`, `onlybob${tag}`]));
        // Nothing changed: bob still works, the account and the share are intact.
        expect(await smb.status(`onlybob${tag}`, bob)).toBe('OK');
        await must('smb onlybob delete', api('DELETE', `/api/shares/smb/${onlyBob.share.id}`), 200);
      });
    });

    describe('teardown', () => {
      it('stopping the services through the API ends the daemons it started', async () => {
        const pids: number[] = [];
        for (const id of ['smb', 'ftp']) {
          const s = await must<ServiceStatus>(`${id} status`, api('GET', `/api/services/${id}`), 200);
          if (s.pid) pids.push(s.pid);
          const stopped = await must<ServiceStatus>(`${id} stop`, api('POST', `/api/services/${id}/stop`), 200);
          expect(stopped.state).toBe('stopped');
        }
        expect(pids.length).toBe(2);
        for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
        expect(await processesMentioning(app.root)).toEqual([]);
      });
    });
  },
);
