import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Pool } from '@moxnas/contracts';
import { hostPaths } from '../../src/core/config/host-paths';
import { binaryPath, describeOnHost } from '../support/host-gate';
import type { InjectResult, TestApp } from '../support/test-app';
import { adminToken, startUsersApp } from '../users/users-kit';
import { treeDifference, treeSnapshot } from '../shares/shares-kit';
import { batchRows, desiredState, postBulk, readText } from './bulk-kit';

interface Exec {
  code: number;
  stdout: string;
  stderr: string;
}

const exec = (file: string, args: string[]): Promise<Exec> =>
  new Promise((resolve) => {
    execFile(binaryPath(file) ?? file, args, { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });

/**
 * POST /api/bulk as root with real host accounts: useradd/groupadd/gpasswd/chpasswd, smbpasswd and
 * pdbedit against the app's smb.conf, testparm on the rendered file. Every account this file makes
 * starts with "mxb" + random hex and is removed in afterAll, whatever happened.
 */
describeOnHost(
  'bulk provisioning with real Linux and Samba accounts (root)',
  { root: true, binaries: ['useradd', 'userdel', 'groupadd', 'groupdel', 'gpasswd', 'chpasswd', 'getent', 'smbpasswd', 'pdbedit', 'testparm'] },
  () => {
    const tag = `mxb${randomBytes(3).toString('hex')}`;
    /** Homes must lie outside temporary directories (the home grammar). */
    const homeBase = `/srv/${tag}`;
    let app: TestApp & { api: <T>(method: 'GET' | 'POST', url: string, body?: unknown) => Promise<InjectResult<T>> };
    let pool: Pool;
    let smbConf: string;

    const getent = async (db: 'passwd' | 'group', key: string) => {
      const r = await exec('getent', [db, key]);
      return r.code === 0 ? r.stdout.trim() : null;
    };
    const passdb = async () => (await exec('pdbedit', ['--configfile', smbConf, '--list', '--smbpasswd-style'])).stdout;
    /** Every host account and group of this file, by name. */
    const hostAccounts = async () => {
      const users = (await readText('/etc/passwd')).split('\n').filter((l) => l.startsWith(tag));
      const groups = (await readText('/etc/group')).split('\n').filter((l) => l.startsWith(tag));
      return { users, groups };
    };

    beforeAll(async () => {
      fs.mkdirSync(homeBase, { mode: 0o755 });
      const poolDir = path.join(homeBase, 'pool');
      fs.mkdirSync(poolDir);
      const started = await startUsersApp({ MOXNAS_HOST_ACCOUNTS: 'auto' });
      const token = await adminToken(started);
      app = Object.assign(started, { api: <T>(method: 'GET' | 'POST', url: string, body?: unknown) => started.request<T>({ method, url, body, token }) });
      smbConf = hostPaths(app.config).smbConf;
      const res = await app.api<Pool>('POST', '/api/storage/pools', { name: `${tag}pool`, path: poolDir });
      if (res.status !== 201) throw new Error(`pool: ${res.status} ${res.text}`);
      pool = res.body;
    }, 60_000);

    afterAll(async () => {
      const { users, groups } = await hostAccounts();
      for (const line of users) {
        const name = line.split(':')[0];
        if (smbConf) await exec('pdbedit', ['--configfile', smbConf, '--delete', '--user', name]);
        await exec('userdel', [name]);
      }
      for (const line of groups) await exec('groupdel', [line.split(':')[0]]);
      await app?.close();
      fs.rmSync(homeBase, { recursive: true, force: true });
    }, 300_000);

    it('lands a good batch: Linux groups and accounts with their Samba entries, and the shares in smb.conf', async () => {
      const rows = batchRows({ tag: `${tag}a`, poolDir: path.join(pool.path, 'a'), groups: 3, users: 6, smb: 2, idBase: 52000 });
      const res = await postBulk(app, rows);
      expect(res.status).toBe(200);
      expect(res.body.provisioning.status).toBe('applied');

      const created = new Map(res.body.created.map((c) => [c.name, c]));
      const users = await app.api<{ items: Array<{ username: string; uid: number; hostStatus: string }> }>('GET', `/api/users?search=${tag}a&pageSize=100`);
      expect(users.body.items).toHaveLength(6);
      for (const u of users.body.items) {
        expect(u.hostStatus).toBe('synced');
        expect(created.get(u.username)?.kind).toBe('user');
        const passwd = (await getent('passwd', u.username))!.split(':');
        expect(passwd[2]).toBe(String(u.uid));
      }
      // u0 and u3 are in g0 (by name, created in the same batch).
      expect((await getent('group', `${tag}ag0`))!.split(':')[3].split(',').sort()).toEqual([`${tag}au0`, `${tag}au3`]);
      const entries = await passdb();
      for (let i = 0; i < 6; i++) expect(entries).toContain(`${tag}au${i}:`);

      // The rendered smb.conf holds both shares, and Samba's own checker reads them.
      const testparm = await exec('testparm', ['-s', '--suppress-prompt', smbConf]);
      expect(testparm.code).toBe(0);
      for (let i = 0; i < 2; i++) {
        expect(testparm.stdout).toContain(`[${tag}asmb${i}]`);
        expect(testparm.stdout).toContain(`valid users = @${tag}ag${i}`);
      }
      expect(fs.statSync(path.join(pool.path, 'a', 'smb0')).isDirectory()).toBe(true);
    }, 120_000);

    it('rolls 200 rows back when the last host step fails: no Linux account, no passdb entry, no share, no row', async () => {
      // The last host step is the last user's account: its home lies under a regular file, so the
      // account manager's real mkdir fails after useradd and chpasswd already ran for it.
      const blocker = path.join(homeBase, 'blocker');
      fs.writeFileSync(blocker, 'not a directory\n');
      const rows = batchRows({ tag: `${tag}b`, poolDir: path.join(pool.path, 'b'), groups: 10, users: 185, smb: 5, idBase: 53000 });
      expect(rows).toHaveLength(200);
      const last = 10 + 185 - 1;
      expect(rows[last].kind).toBe('user');
      rows[last].data.homeDir = path.join(blocker, 'home');

      const db = await desiredState(app);
      const etc = await treeSnapshot(app.config.etcRoot);
      const poolTree = await treeSnapshot(pool.path);
      const before = await hostAccounts();
      const passdbBefore = await passdb();

      const res = await postBulk(app, rows);
      expect(res.status).toBe(502);
      expect(res.body.code).toBe('APPLY_FAILED');
      expect(res.body.message).toMatch(new RegExp(`^Row ${last} \\(user ${tag}bu184\\) failed: Could not apply the account "${tag}bu184" to the host`));
      expect(res.body.message).toMatch(/Every row of the batch was rolled back; nothing was changed\.$/);
      expect(res.body.details).toMatchObject({ row: last, rolledBack: true });

      // Nothing of the batch is left: accounts, groups, Samba entries, rows, files, directories.
      expect(await hostAccounts()).toEqual(before);
      expect(await getent('passwd', `${tag}bu0`)).toBeNull();
      expect(await getent('passwd', `${tag}bu184`)).toBeNull();
      expect(await getent('group', `${tag}bg0`)).toBeNull();
      expect(await passdb()).toBe(passdbBefore);
      expect(await desiredState(app)).toBe(db);
      expect(treeDifference(etc, await treeSnapshot(app.config.etcRoot))).toEqual([]);
      expect(await readText(smbConf)).not.toContain(`${tag}bsmb`);
      expect(treeDifference(poolTree, await treeSnapshot(pool.path))).toEqual([]);
    }, 600_000);
  },
);
