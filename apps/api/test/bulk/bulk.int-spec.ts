import path from 'node:path';
import type { Group, Pool, User } from '@moxnas/contracts';
import type { HostPaths } from '../../src/core/config/host-paths';
import { HOST_PATHS } from '../../src/core/host/host.module';
import { makeGroup, registerPool, startSharesApp, tempDir, treeDifference, treeSnapshot, uniqueName, type SharesApp } from '../shares/shares-kit';
import { USER_PASSWORD } from '../users/users-kit';
import { batchRows, desiredState, makeNfsDirs, postBulk, readText } from './bulk-kit';

type Page<T> = { items: T[]; total: number };

/**
 * POST /api/bulk with host accounts off (the database, the rendered files and the daemons'
 * checkers are real; bulk-host.int-spec.ts does the same with real Linux and Samba accounts).
 */
describe('bulk provisioning', () => {
  let app: SharesApp;
  let pool: Pool;
  let paths: HostPaths;

  beforeAll(async () => {
    app = await startSharesApp();
    pool = await registerPool(app, await tempDir('bulk'));
    paths = app.app.get<HostPaths>(HOST_PATHS);
  });
  afterAll(() => app?.close());

  /** Everything a refused batch must leave as it was: the rows, the config tree and the pool. */
  const snapshot = async () => ({ db: await desiredState(app), etc: await treeSnapshot(app.config.etcRoot), pool: await treeSnapshot(pool.path) });
  const expectUnchanged = async (before: Awaited<ReturnType<typeof snapshot>>) => {
    expect(await desiredState(app)).toBe(before.db);
    expect(treeDifference(before.etc, await treeSnapshot(app.config.etcRoot))).toEqual([]);
    expect(treeDifference(before.pool, await treeSnapshot(pool.path))).toEqual([]);
  };

  it('refuses 200 rows with one bad row: a 422 naming the row and field, and nothing written', async () => {
    const tag = uniqueName('b');
    const rows = batchRows({ tag, poolDir: pool.path, groups: 20, users: 160, smb: 20 });
    expect(rows).toHaveLength(200);
    // Row 187 is an SMB share whose valid users name someone who neither exists nor is in the batch.
    (rows[187].data as { validUsers?: string[] }).validUsers = [`${tag}nobody`];
    const before = await snapshot();
    const res = await postBulk(app, rows);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors).toEqual([{ field: 'rows.187.data.validUsers.0', message: `no user named ${tag}nobody (Users)` }]);
    expect(res.body.message).toBe('1 of 200 row(s) are not valid; nothing was written.');
    await expectUnchanged(before);
    // Not even a job: a refused batch never started.
    const jobs = await app.api<{ total: number }>('GET', '/api/system/jobs?type=bulk.provision');
    expect(jobs.body.total).toBe(0);
  }, 120_000);

  it('reports every row’s errors at once, cross-row conflicts included', async () => {
    const tag = uniqueName('c');
    const existingGroup = await makeGroup(app);
    const existing = await app.api<Page<Group>>('GET', `/api/groups?search=${existingGroup}`);
    expect(existing.body.items).toHaveLength(1);
    const rows = [
      { kind: 'group', data: { name: `${tag}g`, gid: 31001 } },
      { kind: 'group', data: { name: `${tag}g`, gid: 31001 } },
      { kind: 'group', data: { name: existingGroup } },
      { kind: 'user', data: { username: `${tag}a`, password: USER_PASSWORD, groups: [`${tag}g`, `${tag}missing`] } },
      { kind: 'user', data: { username: `${tag}a`, password: USER_PASSWORD } },
      { kind: 'user', data: { username: 'root', password: USER_PASSWORD } },
      { kind: 'user', data: { username: `${tag}b`, password: 'short' } },
      { kind: 'smbShare', data: { name: `${tag}Docs`, path: path.join(pool.path, 'docs'), createDirectory: { owner: null, group: null, mode: '0775' }, validGroups: [`${tag}g`] } },
      { kind: 'smbShare', data: { name: `${tag}DOCS`, path: path.join(pool.path, 'docs2'), createDirectory: { owner: null, group: null, mode: '0775' }, validGroups: [`${tag}nogroup`] } },
      { kind: 'nfsShare', data: { path: '/not/in/a/pool', clients: [{ host: '10.0.0.0/8', access: 'rw' }] } },
    ];
    const before = await snapshot();
    const res = await postBulk(app, rows);
    expect(res.status).toBe(422);
    const fields = res.body.errors!.map((e) => e.field);
    // The contract's errors come first and alone (a body that does not parse is not looked at further).
    expect(fields).toEqual(expect.arrayContaining(['rows.5.data.username', 'rows.6.data.password']));
    await expectUnchanged(before);

    // Without the contract errors, the batch's own checks report every other row.
    const checked = rows.filter((_, i) => i !== 5 && i !== 6);
    const res2 = await postBulk(app, checked);
    expect(res2.status).toBe(422);
    expect(res2.body.errors!).toEqual(
      expect.arrayContaining([
        { field: 'rows.1.data.name', message: 'is also created by row 0' },
        { field: 'rows.1.data.gid', message: 'is also given to row 0' },
        { field: 'rows.2.data.name', message: 'is taken' },
        { field: 'rows.3.data.groups.1', message: `no group named ${tag}missing, here or in this batch` },
        { field: 'rows.4.data.username', message: 'is also created by row 3' },
        { field: 'rows.6.data.name', message: 'clashes with row 5 (share names are case-insensitive)' },
        { field: 'rows.6.data.validGroups.0', message: `no group named ${tag}nogroup (Users → Groups)` },
        expect.objectContaining({ field: 'rows.7.data.path' }),
      ]),
    );
    // Row 5's group comes with the batch, so it is no error.
    expect(res2.body.errors!.filter((e) => e.field.startsWith('rows.5.'))).toEqual([]);
    expect(res2.body.errors!.filter((e) => e.field.startsWith('rows.0.'))).toEqual([]);
    await expectUnchanged(before);
  }, 60_000);

  it('refuses a conflict only the transaction sees (one FTP login, two shares) with a 409 naming the row, and keeps nothing', async () => {
    const tag = uniqueName('f');
    const rows = [
      { kind: 'user', data: { username: `${tag}u`, password: USER_PASSWORD, ftpEnabled: true } },
      { kind: 'ftpShare', data: { name: `${tag}one`, path: path.join(pool.path, tag, 'one'), createDirectory: { owner: null, group: null, mode: '0775' }, allowedUsers: [`${tag}u`] } },
      { kind: 'ftpShare', data: { name: `${tag}two`, path: path.join(pool.path, tag, 'two'), createDirectory: { owner: null, group: null, mode: '0775' }, allowedUsers: [`${tag}u`] } },
    ];
    const before = await snapshot();
    const res = await postBulk(app, rows);
    expect(res.status).toBe(409);
    expect(res.body.message).toBe(`Row 2 (FTP share ${tag}two) failed: The share clashes with another FTP share. Every row of the batch was rolled back; nothing was changed.`);
    expect(res.body.errors).toEqual([{ field: 'rows.2.data.allowedUsers.0', message: `${tag}u already has the FTP share "${tag}one"; an FTP login has exactly one root directory` }]);
    expect(res.body.details).toMatchObject({ row: 2, rolledBack: true });
    await expectUnchanged(before);
  }, 60_000);

  it('answers a dry run with byte for byte the diffs the real run then reports, and writes nothing', async () => {
    const tag = uniqueName('d');
    const rows = batchRows({ tag, poolDir: path.join(pool.path, tag), groups: 4, users: 12, smb: 4, nfs: 2, ftp: 2, user: (i) => ({ ftpEnabled: i < 4 }) });
    await makeNfsDirs({ poolDir: path.join(pool.path, tag), nfs: 2 });
    const before = await snapshot();
    const dry = await postBulk(app, rows, true);
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, counts: { group: 4, user: 12, smbShare: 4, nfsShare: 2, ftpShare: 2 }, apply: { dryRun: true, applied: false } });
    expect(Object.keys(dry.body.services).sort()).toEqual(['ftp', 'nfs', 'smb']);
    expect(dry.body.apply.diffs.some((d) => d.diff.includes(`+[${tag}smb0]`))).toBe(true);
    await expectUnchanged(before);

    const real = await postBulk(app, rows);
    expect(real.status).toBe(200);
    expect(real.body.dryRun).toBe(false);
    // The same per-service diffs, byte for byte.
    const diffsOf = (body: typeof real.body) => JSON.stringify(Object.fromEntries(Object.entries(body.services).map(([s, r]) => [s, r?.diffs])));
    expect(diffsOf(real.body)).toBe(diffsOf(dry.body));
    expect(JSON.stringify(real.body.apply.diffs)).toBe(JSON.stringify(dry.body.apply.diffs));
    expect(real.body.apply.revisionIds.length).toBeGreaterThan(0);

    // The real run was a job with its progress; the dry run left none.
    expect(dry.body.jobId).toBeNull();
    const job = await app.api<{ type: string; state: string; progress: number; actor: string | null }>('GET', `/api/system/jobs/${real.body.jobId}`);
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({ type: 'bulk.provision', state: 'succeeded', progress: 100, actor: 'admin' });
  }, 120_000);

  it('lands a good batch of groups, users and shares, and the daemons’ files hold them', async () => {
    const tag = uniqueName('e');
    const rows = batchRows({ tag, poolDir: path.join(pool.path, tag), groups: 3, users: 9, smb: 3, nfs: 2, ftp: 2, user: (i) => ({ ftpEnabled: i < 2 }) });
    await makeNfsDirs({ poolDir: path.join(pool.path, tag), nfs: 2 });
    const res = await postBulk(app, rows);
    expect(res.status).toBe(200);
    expect(res.body.created).toHaveLength(rows.length);
    expect(res.body.created[0]).toMatchObject({ row: 0, kind: 'group', name: `${tag}g0` });
    expect(res.body.provisioning).toMatchObject({ status: 'unavailable' });
    expect(res.body.provisioning.message).toMatch(/NOT applied to the host.*MOXNAS_HOST_ACCOUNTS=off/);

    const users = await app.api<Page<User>>('GET', `/api/users?search=${tag}&pageSize=100`);
    expect(users.body.total).toBe(9);
    const u4 = users.body.items.find((u) => u.username === `${tag}u4`)!;
    expect(u4.groups.map((g) => g.name)).toEqual([`${tag}g1`]);
    expect(u4.uid).toBeGreaterThanOrEqual(10000);
    const groups = await app.api<Page<Group>>('GET', `/api/groups?search=${tag}`);
    expect(groups.body.items.find((g) => g.name === `${tag}g0`)!.members.map((m) => m.username)).toEqual([`${tag}u0`, `${tag}u3`, `${tag}u6`]);

    const smbConf = await readText(paths.smbConf);
    for (let i = 0; i < 3; i++) {
      expect(smbConf).toContain(`[${tag}smb${i}]\n\tpath = ${path.join(pool.path, tag, `smb${i}`)}\n`);
      expect(smbConf).toContain(`\tvalid users = @${tag}g${i}\n`);
    }
    const exportsFile = await readText(paths.exports);
    expect(exportsFile).toContain(path.join(pool.path, tag, 'nfs0'));
    expect(exportsFile).toContain(path.join(pool.path, tag, 'nfs1'));
    const userList = await readText(paths.vsftpdUserList);
    expect(userList.split('\n')).toEqual(expect.arrayContaining([`${tag}u0`, `${tag}u1`]));
    expect(await readText(path.join(paths.vsftpdUserDir, `${tag}u0`))).toContain(`local_root=${path.join(pool.path, tag, 'ftp0')}`);

    // The batch's audit record.
    const audit = await app.api<{ items: Array<{ action: string; target: string | null; result: string }> }>('GET', '/api/system/audit?action=bulk.');
    expect(audit.body.items[0]).toMatchObject({ action: 'bulk.create', target: `bulk:${rows.length} rows`, result: 'success' });
  }, 120_000);
});
