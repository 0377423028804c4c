import fs from 'node:fs/promises';
import path from 'node:path';
import type { ErrorResponse, SmbShare, SmbShareMutation } from '@moxnas/contracts';
import { hostPaths } from '../../src/core/config/host-paths';
import { DatabaseService } from '../../src/core/database/database.service';
import { SmbRecyclePerUser1763774100000 } from '../../src/migrations/1763774100000-smb-recycle-per-user';
import { registerPool, startSharesApp, tempDir, type SharesApp } from './shares-kit';

/**
 * Issue 14, defect 2: the API stored the folder `.recycle` and the renderer wrote it as one bin,
 * which the first user to delete created 0700 for himself; every other user's deletions were
 * lost. Bins are per user by default now, and the shares stored before say so after the migration.
 * (The real deletions by two users over smbclient are in apps/api-e2e/src/shares.)
 */
describe('SMB recycle bins', () => {
  let app: SharesApp;
  let pool: string;
  let smbConf: () => Promise<string>;

  beforeAll(async () => {
    app = await startSharesApp();
    pool = await tempDir();
    await registerPool(app, pool);
    for (const d of ['a', 'b', 'c']) await fs.mkdir(path.join(pool, d));
    smbConf = () => fs.readFile(hostPaths(app.config).smbConf, 'utf8');
  });

  afterAll(async () => {
    await app?.close();
    if (pool) await fs.rm(pool, { recursive: true, force: true });
  });

  const section = (conf: string, name: string) => new RegExp(`\\[${name}\\]\\n(?:\\t[^\\n]*\\n)*`).exec(conf)?.[0] ?? '';

  it('defaults to one bin per user, writable for every user in the folder that holds them', async () => {
    const res = await app.api<SmbShareMutation>('POST', '/api/shares/smb', { name: 'a', path: path.join(pool, 'a'), recycleBin: {} });
    expect(res.status).toBe(201);
    expect(res.body.share.recycleBin).toEqual({ repository: '.recycle', perUser: true, keepTree: true, versions: true });
    expect(section(await smbConf(), 'a')).toContain('\trecycle:repository = .recycle/%u\n\trecycle:directory_mode = 1777\n\trecycle:subdir_mode = 0700\n');
  });

  it('makes a shared bin only when asked, writable for every user at every level', async () => {
    const res = await app.api<SmbShareMutation>('POST', '/api/shares/smb', { name: 'b', path: path.join(pool, 'b'), recycleBin: { repository: 'trash/all', perUser: false } });
    expect(res.status).toBe(201);
    expect(section(await smbConf(), 'b')).toContain('\trecycle:repository = trash/all\n\trecycle:directory_mode = 1777\n\trecycle:subdir_mode = 1777\n');
  });

  it('refuses a nested per-user repository and a % macro, with a message on the field', async () => {
    const nested = await app.api<ErrorResponse>('POST', '/api/shares/smb', { name: 'c', path: path.join(pool, 'c'), recycleBin: { repository: 'trash/all' } });
    expect(nested.status).toBe(422);
    expect(nested.body.errors).toEqual([{ field: 'recycleBin.repository', message: expect.stringMatching(/per-user recycle bin is one folder name/) }]);
    const macro = await app.api<ErrorResponse>('POST', '/api/shares/smb', { name: 'c', path: path.join(pool, 'c'), recycleBin: { repository: '.recycle/%U' } });
    expect(macro.status).toBe(422);
    expect(macro.body.errors).toEqual([{ field: 'recycleBin.repository', message: expect.stringMatching(/%/) }]);
  });

  it('migrates bins stored before perUser: the old default becomes per user, a nested one shared', async () => {
    const ds = app.app.get(DatabaseService).dataSource;
    // The rows as the previous release stored them: no perUser.
    await ds.query(`UPDATE smb_shares SET recycle_bin = recycle_bin - 'perUser' WHERE recycle_bin IS NOT NULL`);
    const runner = ds.createQueryRunner();
    try {
      await new SmbRecyclePerUser1763774100000().up(runner);
    } finally {
      await runner.release();
    }
    const list = await app.api<{ items: SmbShare[] }>('GET', '/api/shares/smb');
    const bins = Object.fromEntries(list.body.items.map((s) => [s.name, s.recycleBin]));
    expect(bins).toEqual({
      a: { repository: '.recycle', perUser: true, keepTree: true, versions: true },
      b: { repository: 'trash/all', perUser: false, keepTree: true, versions: true },
    });
    // The next apply renders them so.
    const id = list.body.items.find((s) => s.name === 'a')!.id;
    expect((await app.api('PATCH', `/api/shares/smb/${id}`, { comment: 'after the migration' })).status).toBe(200);
    const conf = await smbConf();
    expect(section(conf, 'a')).toContain('\trecycle:repository = .recycle/%u\n');
    expect(section(conf, 'b')).toContain('\trecycle:repository = trash/all\n');
  });
});
