import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { AccessListing, AccessReport, FtpShareMutation, Group, UserChange } from '@moxnas/contracts';
import { hostPaths } from '../../../api/src/core/config/host-paths';
import { startTestApp, type InjectResult, type TestApp } from '../../../api/test/support/test-app';
import { describeHost, exec, freePort, tempDir, waitFor } from '../host/support/host-test-env';
import { adminLogin, startSmbAndFtp, tearDownSuite } from '../shares/support/daemon-suite';
import { checkExportsInNamespace, FtpClient, SmbClient, type Credentials } from '../shares/support/share-clients';
import { DIRS, lowest, makeTree, MATRIX_USERS, observeFtp, observeKernel, observeSmb, type KernelIdentity, type MatrixUser, type Names, type Observed } from './support/access-matrix';

/**
 * Effective access proven against the real clients (docs/access.md). A generated matrix — users
 * (in or out of a group, disabled, SMB/FTP off) × share options × POSIX modes and ACL entries — is
 * asked of GET /api/access (the reverse listing: every user at once), then really tried: smbclient
 * ls/get/put against smbd, curl ftp:// list/get/upload against vsftpd, both started by the app's
 * `process` driver on free loopback ports. NFS has no kernel server here: the export options come
 * from the real `exportfs -v` (in a private mount namespace) and the file-system part from the
 * kernel itself, by running ls/cat/touch as the identity those options map a request to.
 *
 * Accounts are `mx` + random hex with uids/gids from 56000, removed in afterAll whatever happened.
 */

const ADMIN_PASSWORD = 'Access-e2e-admin-passphrase-1';
const PASSWORD = 'Access-e2e-user-secret-1';

const SMB_VARIANTS = [
  { key: 'plain', about: 'no user lists', options: (_n: Names) => ({}) },
  { key: 'groups', about: 'valid users = @group', options: (n: Names) => ({ validGroups: [n.group] }) },
  { key: 'rowl', about: 'read only, write list = b', options: (n: Names) => ({ readOnly: true, writeUsers: [n.user.b] }) },
  { key: 'force', about: 'force user = a', options: (n: Names) => ({ forceUser: n.user.a }) },
] as const;

const FTP_VARIANTS = [
  { key: 'group-rw', about: 'allowedGroups = group, writeEnable', options: (n: Names) => ({ allowedUsers: [], allowedGroups: [n.group], writeEnable: true }) },
  { key: 'b-ro', about: 'allowedUsers = b, no writeEnable', options: (n: Names) => ({ allowedUsers: [n.user.b], allowedGroups: [], writeEnable: false }) },
] as const;

const NFS_VARIANTS = [
  { key: 'rw-root', tree: 'smb-plain', about: 'rw, root_squash', options: () => ({ squash: 'root' as const, access: 'rw' as const }) },
  { key: 'ro-all', tree: 'smb-groups', about: 'ro, all_squash to a', options: () => ({ squash: 'all' as const, access: 'ro' as const }) },
] as const;

/** Every combination of `variants`, `DIRS` and `MATRIX_USERS`, with a readable name. */
function matrix<V extends { key: string; about: string }>(protocol: string, variants: readonly V[]) {
  return variants.flatMap((variant) =>
    DIRS.flatMap((dir) => MATRIX_USERS.map((user) => ({ name: `${protocol} ${variant.key} (${variant.about}) / ${dir.name} as ${user.key} (${user.about})`, variant, dir: dir.name, user }))),
  );
}

const chain = (p: AccessReport['smb']) => p.rules.map((r) => `${r.rule}: ${r.verdict}`);

describeHost(
  'effective access against real clients (root, smbd, vsftpd, exportfs)',
  { root: true, binaries: ['useradd', 'userdel', 'groupdel', 'pdbedit', 'smbd', 'smbclient', 'vsftpd', 'curl', 'exportfs', 'unshare', 'mount', 'setfacl', 'getfacl', 'setpriv'] },
  () => {
    const tag = randomBytes(3).toString('hex');
    const idBase = 56000 + (randomBytes(1)[0] % 90) * 10;
    const names: Names = { user: { a: `mx${tag}a`, b: `mx${tag}b`, c: `mx${tag}c`, d: `mx${tag}d` }, group: `mx${tag}g` };
    const creds = (u: MatrixUser): Credentials => ({ user: names.user[u.key], password: PASSWORD });
    let app: TestApp;
    let token: string;
    let scratch: string;
    let pool: string;
    let smb: SmbClient;
    let ftp: FtpClient;
    let local: { upload: string; download: string };
    const listings = new Map<string, Promise<AccessListing>>();
    let caseNo = 0;
    let ftpShareId: string;

    const api = <T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown): Promise<InjectResult<T>> => app.request<T>({ method, url, token, ...(body !== undefined ? { body } : {}) });
    async function must<T>(what: string, res: Promise<InjectResult<T>>, status: number): Promise<T> {
      const r = await res;
      if (r.status !== status) throw new Error(`${what}: expected ${status}, got ${r.status} ${r.text}`);
      return r.body;
    }
    /** The API's answer for one user at a path, from one reverse listing per path. */
    async function answer(at: string, user: MatrixUser): Promise<AccessReport> {
      let listing = listings.get(at);
      if (!listing) listings.set(at, (listing = must<AccessListing>(`access ${at}`, api('GET', `/api/access?path=${encodeURIComponent(at)}`), 200)));
      const report = (await listing).users.find((u) => u.user === names.user[user.key]);
      if (!report) throw new Error(`the listing of ${at} has no ${names.user[user.key]}`);
      return report;
    }
    const verdict = (o: Observed, p: AccessReport['smb']) => ({ observed: o.level, clients: o.why, chain: chain(p) });

    beforeAll(async () => {
      scratch = await fs.realpath(await tempDir('access-e2e'));
      await fs.chmod(scratch, 0o755);
      pool = path.join(scratch, 'pool');
      await fs.mkdir(pool, { mode: 0o755 });
      local = { upload: path.join(scratch, 'upload.txt'), download: path.join(scratch, 'download.txt') };
      await fs.writeFile(local.upload, 'uploaded by the matrix\n');
      const [smbPort, ftpPort] = [await freePort(), await freePort()];
      smb = new SmbClient(smbPort);
      ftp = new FtpClient(ftpPort);

      app = await startTestApp({ env: { MOXNAS_ADMIN_PASSWORD: ADMIN_PASSWORD, MOXNAS_HOST_ACCOUNTS: 'auto', MOXNAS_TRUST_PROXY: '1' } });
      token = await adminLogin(app, ADMIN_PASSWORD, '198.18.9.1');

      const group = await must<Group>('group', api('POST', '/api/groups', { name: names.group, gid: idBase }), 201);
      for (const [i, u] of MATRIX_USERS.entries()) {
        const body = { username: names.user[u.key], password: PASSWORD, uid: idBase + 1 + i, groupIds: u.inGroup ? [group.id] : [], disabled: u.disabled, smbEnabled: u.smbEnabled, ftpEnabled: u.ftpEnabled };
        const made = await must<UserChange>(`user ${u.key}`, api('POST', '/api/users', body), 201);
        expect({ user: u.key, host: made.hostStatus }).toEqual({ user: u.key, host: 'synced' });
      }
      await must('pool', api('POST', '/api/storage/pools', { name: `mx${tag}`, path: pool }), 201);

      for (const v of SMB_VARIANTS) {
        await makeTree(path.join(pool, `smb-${v.key}`), names);
        await must(`smb ${v.key}`, api('POST', '/api/shares/smb', { name: `mx${tag}${v.key}`, path: path.join(pool, `smb-${v.key}`), ...v.options(names) }), 201);
      }
      await makeTree(path.join(pool, 'ftp'), names);
      ftpShareId = (await must<FtpShareMutation>('ftp', api('POST', '/api/shares/ftp', { name: `mx${tag} ftp`, path: path.join(pool, 'ftp'), chroot: true, ...FTP_VARIANTS[0].options(names) }), 201)).share.id;

      await startSmbAndFtp(api, { smb: smbPort, ftp: ftpPort });
      await waitFor(async () => (await smb.status('IPC$', creds(MATRIX_USERS[0]), 'exit')) === 'OK', `smbd to accept ${names.user.a}`, 20_000);
    }, 240_000);

    afterAll(async () => {
      await tearDownSuite(app, api, { search: `mx${tag}`, accounts: Object.values(names.user), groups: [names.group], scratch });
    }, 120_000);

    describe('SMB: smbclient ls/get/put equals the API, case by case', () => {
      it.each(matrix('smb', SMB_VARIANTS))('$name', async ({ variant, dir, user }) => {
        const said = (await answer(path.join(pool, `smb-${variant.key}`, dir), user)).smb;
        const seen = await observeSmb(smb, `mx${tag}${variant.key}`, dir, creds(user), local, `${tag}-${++caseNo}`);
        expect(verdict(seen, said)).toEqual({ ...verdict(seen, said), observed: said.access });
      });
    });

    describe.each(FTP_VARIANTS)('FTP $key ($about): curl list/get/upload equals the API, case by case', (variant) => {
      beforeAll(async () => {
        listings.clear();
        await must('ftp variant', api('PATCH', `/api/shares/ftp/${ftpShareId}`, variant.options(names)), 200);
      });
      it.each(matrix('ftp', [variant]))('$name', async ({ dir, user }) => {
        const said = (await answer(path.join(pool, 'ftp', dir), user)).ftp;
        const seen = await observeFtp(ftp, dir, creds(user), local, `${tag}-${++caseNo}`);
        expect(verdict(seen, said)).toEqual({ ...verdict(seen, said), observed: said.access });
      });
    });

    describe('NFS: the API equals the exportfs -v options and what the kernel lets the mapped identity do', () => {
      const exported = new Map<string, string[]>();
      beforeAll(async () => {
        listings.clear();
        const a = MATRIX_USERS[0];
        for (const v of NFS_VARIANTS) {
          const { squash, access } = v.options();
          const anon = squash === 'all' ? { anonUid: idBase + 1 + MATRIX_USERS.indexOf(a), anonGid: idBase } : {};
          await must(`nfs ${v.key}`, api('POST', '/api/shares/nfs', { path: path.join(pool, v.tree), clients: [{ host: '127.0.0.1', access }], squash, ...anon }), 201);
        }
        const check = await checkExportsInNamespace(hostPaths(app.config).exports, scratch);
        expect({ code: check.reexport.code, stderr: check.reexport.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
        for (const v of NFS_VARIANTS) exported.set(v.key, check.exports.get(path.join(pool, v.tree))?.get('127.0.0.1') ?? []);
      }, 60_000);

      /** The identity `exportfs -v` options map a request of `user` to: anonuid/anongid under all_squash, else the user's own ids. */
      async function mapped(options: readonly string[], user: MatrixUser): Promise<KernelIdentity> {
        const opt = (k: string) => Number(options.find((o) => o.startsWith(`${k}=`))?.split('=')[1]);
        if (options.includes('all_squash')) return { uid: opt('anonuid'), gids: [opt('anongid')] };
        const id = async (flag: string) => (await exec('/usr/bin/id', [flag, names.user[user.key]])).stdout.trim();
        const primary = Number(await id('-g'));
        return { uid: Number(await id('-u')), gids: [primary, ...(await id('-G')).split(/\s+/).map(Number).filter((g) => g !== primary)] };
      }

      it.each(matrix('nfs', NFS_VARIANTS))('$name', async ({ variant, dir, user }) => {
        const options = exported.get(variant.key)!;
        expect(options).toEqual(expect.arrayContaining([variant.options().access, variant.options().squash === 'all' ? 'all_squash' : 'root_squash']));
        const nfs = (await answer(path.join(pool, variant.tree, dir), user)).nfs;
        const kernel = await observeKernel(path.join(pool, variant.tree, dir), await mapped(options, user), `${tag}-${++caseNo}`);
        const cap = options.includes('rw') ? 'write' : 'read';
        const expected = kernel.level === 'inconsistent' ? kernel.level : lowest(cap, kernel.level);
        expect({ expected, kernel: kernel.why, chain: chain(nfs) }).toEqual({ expected: nfs.access, kernel: kernel.why, chain: chain(nfs) });
        expect(nfs.rules.map((r) => r.rule)).toContain(options.includes('all_squash') ? 'all_squash' : 'root_squash');
      });
    });
  },
);
