import fs from 'node:fs/promises';
import path from 'node:path';
import type { ErrorResponse, FtpShare, FtpShareMutation, NfsShare, NfsShareMutation, Pool } from '@moxnas/contracts';
import type { HostPaths } from '../../src/core/config/host-paths';
import { HOST_PATHS } from '../../src/core/host/host.module';
import { makeGroup, makeUser, registerPool, shareRows, snapshotFiles, startSharesApp, tempDir, uniqueName, type SharesApp } from './shares-kit';

type Page<T> = { items: T[]; total: number; page: number; pageSize: number };

describe('NFS exports and FTP shares', () => {
  let app: SharesApp;
  let pool: Pool;
  let paths: HostPaths;

  beforeAll(async () => {
    app = await startSharesApp();
    pool = await registerPool(app);
    paths = app.app.get<HostPaths>(HOST_PATHS);
  });
  afterAll(() => app?.close());

  const dir = async (name: string) => {
    const p = path.join(pool.path, name);
    await fs.mkdir(p, { recursive: true });
    return p;
  };

  describe('NFS', () => {
    const create = (body: Record<string, unknown>, query = '') => app.api<NfsShareMutation & ErrorResponse>('POST', `/api/shares/nfs${query}`, body);

    it('creates an export, merges duplicate clients, writes and checks /etc/exports, and says when NFS is unavailable', async () => {
      const p = await dir('nfs-a');
      const res = await create({
        path: p,
        comment: 'backups',
        clients: [
          { host: '192.168.1.0/24', access: 'rw' },
          { host: '192.168.1.0/24', access: 'rw' },
          { host: '*.example.com', access: 'ro' },
        ],
      });
      expect(res.status).toBe(201);
      expect(res.body.share).toMatchObject({ path: p, squash: 'root', sync: true, subtreeCheck: false, security: ['sys'], poolName: pool.name });
      expect(res.body.share.clients).toEqual([
        { host: '192.168.1.0/24', access: 'rw' },
        { host: '*.example.com', access: 'ro' },
      ]);
      const exportsText = await fs.readFile(paths.exports, 'utf8');
      expect(exportsText).toContain('# backups\n');
      expect(exportsText).toContain(p);
      expect(exportsText).toMatch(/192\.168\.1\.0\/24\([^)]*rw[^)]*no_subtree_check[^)]*\)/);
      // This machine has no kernel NFS server: stored and written, and the result says why it is not served.
      if (!(await fs.stat('/proc/fs/nfsd').catch(() => null))) {
        expect(res.body.apply).toMatchObject({ daemon: 'unavailable', applied: false });
        expect(res.body.apply.message).toEqual(expect.any(String));
      }

      const updated = await app.api<NfsShareMutation>('PATCH', `/api/shares/nfs/${res.body.share.id}`, { squash: 'all', anonUid: 1000, anonGid: 1000 });
      expect(updated.status).toBe(200);
      expect(await fs.readFile(paths.exports, 'utf8')).toMatch(/all_squash[^)]*anonuid=1000[^)]*anongid=1000|anonuid=1000[^)]*anongid=1000[^)]*all_squash/);
      expect((await app.api('DELETE', `/api/shares/nfs/${res.body.share.id}`)).status).toBe(200);
      expect(await fs.readFile(paths.exports, 'utf8')).not.toContain(p);
    });

    it('refuses one host with both ro and rw, an empty client list, and a second export of a path (409)', async () => {
      const p = await dir('nfs-b');
      const both = await create({ path: p, clients: [{ host: '10.0.0.1', access: 'ro' }, { host: '10.0.0.2', access: 'rw' }, { host: '10.0.0.1', access: 'rw' }] });
      expect(both.status).toBe(422);
      expect(both.body.errors).toEqual([{ field: 'clients.2.host', message: expect.stringContaining('ro') }]);
      const none = await create({ path: p, clients: [] });
      expect(none.status).toBe(422);
      expect((await create({ path: p, clients: [{ host: '*', access: 'ro' }] })).status).toBe(201);
      const again = await create({ path: p, clients: [{ host: '10.1.1.1', access: 'rw' }] });
      expect(again.status).toBe(409);
      expect(again.body.errors).toEqual([{ field: 'path', message: 'is already exported' }]);
    });

    it('lists with paging, sorting, search and filters', async () => {
      const tag = uniqueName('nl');
      for (const [i, n] of ['b', 'a', 'c'].entries()) {
        expect((await create({ path: await dir(`${tag}-${n}`), clients: [{ host: `host${i}.${tag}.lan`, access: 'ro' }], enabled: n !== 'c' })).status).toBe(201);
      }
      const list = await app.api<Page<NfsShare>>('GET', `/api/shares/nfs?search=${tag}&sort=path&order=desc&pageSize=2`);
      expect(list.body.total).toBe(3);
      expect(list.body.items.map((s) => path.basename(s.path))).toEqual([`${tag}-c`, `${tag}-b`]);
      const enabled = await app.api<Page<NfsShare>>('GET', `/api/shares/nfs?search=${tag}&enabled=true`);
      expect(enabled.body.items.map((s) => path.basename(s.path))).toEqual([`${tag}-a`, `${tag}-b`]);
      const byClient = await app.api<Page<NfsShare>>('GET', `/api/shares/nfs?search=host1.${tag}`);
      expect(byClient.body.items.map((s) => path.basename(s.path))).toEqual([`${tag}-a`]);
    });

    it('refuses paths outside the pools and symlink escapes; dry run changes nothing', async () => {
      const outside = await tempDir('nfs-out');
      await fs.symlink(outside, path.join(pool.path, 'nfs-escape'));
      for (const p of [outside, path.join(pool.path, 'nfs-escape')]) {
        const res = await create({ path: p, clients: [{ host: '*', access: 'ro' }] });
        expect(res.status).toBe(422);
        expect(res.body.errors!.map((e) => e.field)).toEqual(['path']);
      }
      const before = { files: await snapshotFiles(app.config.etcRoot), rows: await shareRows(app) };
      const dry = await create({ path: await dir('nfs-dry'), clients: [{ host: '*', access: 'ro' }] }, '?dryRun=true');
      expect(dry.status).toBe(201);
      expect(dry.body.apply.dryRun).toBe(true);
      expect(dry.body.apply.diffs[0].diff).toContain('nfs-dry');
      expect({ files: await snapshotFiles(app.config.etcRoot), rows: await shareRows(app) }).toEqual(before);
    });
  });

  describe('FTP', () => {
    const create = (body: Record<string, unknown>, query = '') => app.api<FtpShareMutation & ErrorResponse>('POST', `/api/shares/ftp${query}`, body);
    const userFile = (user: string) => fs.readFile(path.join(paths.vsftpdUserDir, user), 'utf8');

    it('creates a share whose users get it as their root (per-user local_root), and updates and deletes it', async () => {
      const alice = await makeUser(app);
      const p = await dir('ftp-a');
      const res = await create({ name: 'Team files', path: p, allowedUsers: [alice], writeEnable: true });
      expect(res.status).toBe(201);
      expect(res.body.share).toMatchObject({ name: 'Team files', path: p, allowedUsers: [alice], writeEnable: true, anonymous: false, chroot: true });
      expect(await userFile(alice)).toContain(`local_root=${p}`);
      expect(await fs.readFile(paths.vsftpdUserList, 'utf8')).toContain(alice);
      const updated = await app.api<FtpShareMutation>('PATCH', `/api/shares/ftp/${res.body.share.id}`, { enabled: false });
      expect(updated.status).toBe(200);
      await expect(userFile(alice)).rejects.toThrow();
      expect((await app.api('DELETE', `/api/shares/ftp/${res.body.share.id}`)).status).toBe(200);
    });

    it('expands groups to their members and keeps one share per login (409), naming the clash', async () => {
      const carol = await makeUser(app);
      const dave = await makeUser(app);
      const team = await makeGroup(app, [carol, dave]);
      const first = await create({ name: uniqueName('f'), path: await dir('ftp-g1'), allowedGroups: [team] });
      expect(first.status).toBe(201);
      expect(await userFile(carol)).toContain(`local_root=${first.body.share.path}`);
      expect(await userFile(dave)).toContain(`local_root=${first.body.share.path}`);
      const clashUser = await create({ name: uniqueName('f'), path: await dir('ftp-g2'), allowedUsers: [dave] });
      expect(clashUser.status).toBe(409);
      expect(clashUser.body.errors).toEqual([{ field: 'allowedUsers.0', message: expect.stringContaining(first.body.share.name) }]);
      const clashGroup = await create({ name: uniqueName('f'), path: await dir('ftp-g3'), allowedGroups: [team] });
      expect(clashGroup.status).toBe(409);
      expect(clashGroup.body.errors![0].field).toBe('allowedGroups.0');
    });

    it('needs a confirmation for anonymous access and allows one anonymous share', async () => {
      const p = await dir('ftp-anon');
      const unconfirmed = await create({ name: uniqueName('a'), path: p, anonymous: true });
      expect(unconfirmed.status).toBe(422);
      expect(unconfirmed.body.errors).toEqual([{ field: 'confirmAnonymous', message: expect.any(String) }]);
      expect((await create({ name: uniqueName('a'), path: p, anonymous: true, confirmAnonymous: true })).status).toBe(201);
      const second = await create({ name: uniqueName('a'), path: await dir('ftp-anon2'), anonymous: true, confirmAnonymous: true });
      expect(second.status).toBe(409);
      expect(second.body.errors![0].field).toBe('anonymous');
    });

    it('refuses unknown and anonymous logins, all at once', async () => {
      const res = await create({ name: uniqueName('x'), path: path.join(pool.path, 'missing-ftp'), allowedUsers: ['ftp', 'nobody-here'], allowedGroups: ['nogroup-here'] });
      expect(res.status).toBe(422);
      expect(res.body.errors!.map((e) => e.field).sort()).toEqual(['allowedGroups.0', 'allowedUsers.0', 'allowedUsers.1', 'path']);
    });

    it('lists with paging, sorting and search', async () => {
      const tag = uniqueName('fl');
      for (const n of ['Zeta', 'alpha', 'Beta']) expect((await create({ name: `${tag} ${n}`, path: await dir(`${tag}-${n}`) })).status).toBe(201);
      const list = await app.api<Page<FtpShare>>('GET', `/api/shares/ftp?search=${tag}&sort=name`);
      expect(list.body.items.map((s) => s.name)).toEqual([`${tag} alpha`, `${tag} Beta`, `${tag} Zeta`]);
      const page2 = await app.api<Page<FtpShare>>('GET', `/api/shares/ftp?search=${tag}&sort=name&pageSize=1&page=2`);
      expect(page2.body).toMatchObject({ total: 3, page: 2, pageSize: 1 });
      expect(page2.body.items.map((s) => s.name)).toEqual([`${tag} Beta`]);
    });
  });
});
