import fs from 'node:fs/promises';
import path from 'node:path';
import type { Dataset, ErrorResponse, Pool, SmbPreset, SmbShare, SmbShareMutation } from '@moxnas/contracts';
import type { HostPaths } from '../../src/core/config/host-paths';
import { HOST_PATHS } from '../../src/core/host/host.module';
import { makeGroup, makeUser, registerPool, shareRows, snapshotFiles, startSharesApp, tempDir, uniqueName, type SharesApp } from './shares-kit';

type Page<T> = { items: T[]; total: number; page: number; pageSize: number };

describe('SMB shares', () => {
  let app: SharesApp;
  let pool: Pool;
  let paths: HostPaths;
  let alice: string;
  let bob: string;
  let staff: string;

  beforeAll(async () => {
    app = await startSharesApp();
    pool = await registerPool(app);
    paths = app.app.get<HostPaths>(HOST_PATHS);
    alice = await makeUser(app);
    bob = await makeUser(app);
    staff = await makeGroup(app);
  });
  afterAll(() => app?.close());

  const dir = async (name: string) => {
    const p = path.join(pool.path, name);
    await fs.mkdir(p, { recursive: true });
    return p;
  };
  const create = (body: Record<string, unknown>, query = '') => app.api<SmbShareMutation & ErrorResponse>('POST', `/api/shares/smb${query}`, body);
  const smbConf = () => fs.readFile(paths.smbConf, 'utf8');

  it('creates, reads, updates and deletes a share, writing smb.conf each time', async () => {
    const p = await dir('media');
    const created = await create({ name: 'Media', path: p, comment: 'Films', validUsers: [alice], validGroups: [staff], writeUsers: [bob], hostsAllow: ['10.0.0.0/8'], createMask: '664' });
    expect(created.status).toBe(201);
    expect(created.body.share).toMatchObject({ name: 'Media', path: p, poolId: pool.id, poolName: pool.name, createMask: '0664', enabled: true, readOnly: false });
    expect(created.body.apply).toMatchObject({ dryRun: false, applied: expect.any(Boolean) });
    expect(created.body.apply.diffs.some((d) => d.diff.includes('+[Media]'))).toBe(true);
    const conf = await smbConf();
    expect(conf).toContain(`[Media]\n\tpath = ${p}\n\tcomment = Films\n`);
    expect(conf).toContain(`\tvalid users = ${alice} @${staff}\n`);
    expect(conf).toContain(`\twrite list = ${bob}\n`);

    const id = created.body.share.id;
    expect((await app.api<SmbShare>('GET', `/api/shares/smb/${id}`)).body).toEqual(created.body.share);

    const updated = await app.api<SmbShareMutation>('PATCH', `/api/shares/smb/${id}`, { readOnly: true, comment: null, recycleBin: { repository: '.bin' } });
    expect(updated.status).toBe(200);
    expect(updated.body.share).toMatchObject({ readOnly: true, comment: null, validUsers: [alice], recycleBin: { repository: '.bin', keepTree: true, versions: true } });
    expect(await smbConf()).toMatch(/\[Media\][^[]*read only = yes[^[]*vfs objects = recycle\n\trecycle:repository = \.bin/);

    const removed = await app.api<{ apply: { diffs: Array<{ diff: string }> } }>('DELETE', `/api/shares/smb/${id}`);
    expect(removed.status).toBe(200);
    expect(removed.body.apply.diffs.some((d) => d.diff.includes('-[Media]'))).toBe(true);
    expect(await smbConf()).not.toContain('[Media]');
    expect((await app.api('GET', `/api/shares/smb/${id}`)).status).toBe(404);
  });

  it('lists with paging, sorting, search and filters', async () => {
    const other = await registerPool(app);
    const tag = uniqueName('ls');
    const names = [`${tag}-c`, `${tag}-A`, `${tag}-b`];
    for (const [i, name] of names.entries()) {
      const p = path.join(i === 2 ? other.path : pool.path, name);
      await fs.mkdir(p);
      expect((await create({ name, path: p, enabled: i !== 1 })).status).toBe(201);
    }
    const page1 = await app.api<Page<SmbShare>>('GET', `/api/shares/smb?search=${tag}&pageSize=2&sort=name`);
    expect(page1.body.total).toBe(3);
    expect(page1.body.items.map((s) => s.name)).toEqual([`${tag}-A`, `${tag}-b`]);
    const page2 = await app.api<Page<SmbShare>>('GET', `/api/shares/smb?search=${tag}&pageSize=2&page=2&sort=name`);
    expect(page2.body.items.map((s) => s.name)).toEqual([`${tag}-c`]);
    const desc = await app.api<Page<SmbShare>>('GET', `/api/shares/smb?search=${tag}&sort=name&order=desc`);
    expect(desc.body.items.map((s) => s.name)).toEqual([`${tag}-c`, `${tag}-b`, `${tag}-A`]);
    const disabled = await app.api<Page<SmbShare>>('GET', `/api/shares/smb?search=${tag}&enabled=false`);
    expect(disabled.body.items.map((s) => s.name)).toEqual([`${tag}-A`]);
    const inOther = await app.api<Page<SmbShare>>('GET', `/api/shares/smb?search=${tag}&poolId=${other.id}`);
    expect(inOther.body.items.map((s) => s.name)).toEqual([`${tag}-b`]);
    // A disabled share is stored, not written.
    expect(await smbConf()).not.toContain(`[${tag}-A]`);
    expect(await smbConf()).toContain(`[${tag}-c]`);
    const summary = await app.api<{ smb: { total: number; enabled: number } }>('GET', '/api/shares');
    expect(summary.body.smb.total - summary.body.smb.enabled).toBeGreaterThanOrEqual(1);
  });

  it('reports every field error at once (contract grammar)', async () => {
    const res = await create({ name: 'bad[name', path: 'relative/path', hostsAllow: ['10.0.0.0/99'], createMask: '999', validUsers: ['ok', 'ok'], comment: 'x\ninclude = /etc/x' });
    expect(res.status).toBe(422);
    const fields = res.body.errors!.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'path', 'hostsAllow.0', 'createMask', 'validUsers.1', 'comment']));
  });

  it('reports every unknown account and the path problem together, per list element', async () => {
    const res = await create({
      name: uniqueName('acc'),
      path: path.join(pool.path, 'does-not-exist'),
      validUsers: [alice, 'nosuchuser'],
      validGroups: ['nosuchgroup'],
      writeGroups: [staff, 'nogroup2'],
      forceUser: 'ghost',
      forceGroup: staff,
    });
    expect(res.status).toBe(422);
    expect(res.body.errors!.map((e) => e.field).sort()).toEqual(['forceUser', 'path', 'validGroups.0', 'validUsers.1', 'writeGroups.1']);
    expect(res.body.errors!.find((e) => e.field === 'validUsers.1')!.message).toContain('nosuchuser');
  });

  it('refuses the built-in admin (no Linux account) as a share user', async () => {
    const res = await create({ name: uniqueName('adm'), path: await dir('adm'), validUsers: ['admin'] });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ field: 'validUsers.0', message: expect.stringContaining('no Linux account') }]);
  });

  it('keeps names unique case-insensitively (409)', async () => {
    const name = uniqueName('Dup');
    expect((await create({ name, path: await dir(`${name}-1`) })).status).toBe(201);
    const again = await create({ name: name.toUpperCase(), path: await dir(`${name}-2`) });
    expect(again.status).toBe(409);
    expect(again.body.errors).toEqual([{ field: 'name', message: expect.stringContaining(name) }]);
    const other = await create({ name: `${name}-x`, path: await dir(`${name}-3`) });
    const rename = await app.api<ErrorResponse>('PATCH', `/api/shares/smb/${other.body.share.id}`, { name: name.toLowerCase() });
    expect(rename.status).toBe(409);
  });

  it('refuses paths outside every pool, with .. and through a symlink leaving the pool', async () => {
    const outside = await tempDir('outside');
    const escape = path.join(pool.path, 'escape');
    await fs.symlink(outside, escape);
    const cases = [outside, `${pool.path}/media/../../etc`, escape, path.join(escape, 'sub'), '/etc'];
    for (const p of cases) {
      const res = await create({ name: uniqueName('esc'), path: p });
      expect({ p, status: res.status }).toEqual({ p, status: 422 });
      expect(res.body.errors!.map((e) => e.field)).toContain('path');
    }
    // A symlink that stays inside the pool resolves to the real path.
    await fs.mkdir(path.join(pool.path, 'real-target'));
    await fs.symlink(path.join(pool.path, 'real-target'), path.join(pool.path, 'alias'));
    const ok = await create({ name: uniqueName('alias'), path: path.join(pool.path, 'alias') });
    expect(ok.status).toBe(201);
    expect(ok.body.share.path).toBe(path.join(pool.path, 'real-target'));
  });

  it('creates the directory when asked, only on a real run, with owner, group and mode', async () => {
    const target = path.join(pool.path, 'made', 'here');
    const name = uniqueName('mk');
    const dry = await create({ name, path: target, createDirectory: { mode: '0750' } }, '?dryRun=true');
    expect(dry.status).toBe(201);
    await expect(fs.stat(path.join(pool.path, 'made'))).rejects.toThrow();
    const res = await create({ name, path: target, createDirectory: { owner: alice, group: staff, mode: '2750' } });
    expect(res.status).toBe(201);
    const st = await fs.stat(target);
    expect(st.isDirectory()).toBe(true);
    expect((st.mode & 0o7777).toString(8)).toBe('2750');
    const missing = await create({ name: uniqueName('mk'), path: path.join(pool.path, 'nope', 'x'), createDirectory: { owner: 'ghost-user' } });
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toEqual([{ field: 'createDirectory.owner', message: expect.any(String) }]);
    await expect(fs.stat(path.join(pool.path, 'nope'))).rejects.toThrow();
  });

  it('dry run changes nothing (rows and files byte-identical) and answers the diff', async () => {
    const existing = await create({ name: uniqueName('dry'), path: await dir('dry-existing') });
    const id = existing.body.share.id;
    const etc = path.join(app.config.etcRoot);
    const beforeFiles = await snapshotFiles(etc);
    const beforeRows = await shareRows(app);
    const name = uniqueName('dryrun');
    const created = await create({ name, path: await dir('dry-new') }, '?dryRun=true');
    expect(created.status).toBe(201);
    expect(created.body.apply).toMatchObject({ dryRun: true, applied: false, revisionIds: [] });
    expect(created.body.apply.diffs.find((d) => d.path === paths.smbConf)!.diff).toContain(`+[${name}]`);
    const updated = await app.api<SmbShareMutation>('PATCH', `/api/shares/smb/${id}?dryRun=true`, { guestOk: true });
    expect(updated.body.share.guestOk).toBe(true);
    expect(updated.body.apply.diffs[0].diff).toContain('+\tguest ok = yes');
    const removed = await app.api<SmbShareMutation>('DELETE', `/api/shares/smb/${id}?dryRun=true`);
    expect(removed.status).toBe(200);
    expect(removed.body.apply.diffs[0].diff).toContain(`-[${existing.body.share.name}]`);
    expect(await snapshotFiles(etc)).toEqual(beforeFiles);
    expect(await shareRows(app)).toEqual(beforeRows);
  });

  it('serves the five presets and fills only the options the body left out', async () => {
    const presets = await app.api<SmbPreset[]>('GET', '/api/shares/smb/presets');
    expect(presets.body.map((p) => p.id)).toEqual(['default', 'private', 'public-read-only', 'time-machine', 'multi-protocol']);
    const pub = await create({ name: uniqueName('pub'), path: await dir('pub'), preset: 'public-read-only', writeUsers: [alice] });
    expect(pub.body.share).toMatchObject({ guestOk: true, readOnly: true, writeUsers: [alice] });
    // Sent explicitly, the default value wins over the preset's.
    const explicit = await create({ name: uniqueName('pub'), path: await dir('pub2'), preset: 'public-read-only', readOnly: false });
    expect(explicit.body.share).toMatchObject({ guestOk: true, readOnly: false });
    const tm = await create({ name: uniqueName('tm'), path: await dir('tm'), preset: 'time-machine', validUsers: [bob] });
    expect(tm.body.share.timeMachine).toEqual({ maxSize: null });
    expect(await smbConf()).toContain('fruit:time machine = yes');
    const multi = await create({ name: uniqueName('mp'), path: await dir('mp'), preset: 'multi-protocol' });
    expect(multi.body.share).toMatchObject({ createMask: '0664', directoryMask: '02775' });
    const priv = await create({ name: uniqueName('priv'), path: await dir('priv'), preset: 'private' });
    expect(priv.status).toBe(422);
    expect(priv.body.errors).toEqual([{ field: 'validUsers', message: expect.stringContaining('private preset') }]);
    const priv2 = await create({ name: uniqueName('priv'), path: await dir('priv'), preset: 'private', validGroups: [staff] });
    expect(priv2.body.share).toMatchObject({ browseable: false, createMask: '0600', directoryMask: '0700', recycleBin: { repository: '.recycle' } });
  });

  it('renders previous versions with the dataset’s shadow_copy2 options, and refuses them without a dataset', async () => {
    const ds = await app.api<Dataset>('POST', '/api/storage/datasets', { poolId: pool.id, name: uniqueName('ds') });
    expect(ds.status).toBe(201);
    const sub = path.join(ds.body.path, 'projects');
    await fs.mkdir(sub);
    const name = uniqueName('pv');
    const res = await create({ name, path: sub, previousVersions: true, audit: true });
    expect(res.status).toBe(201);
    const section = (await smbConf()).split(`[${name}]`)[1].split('\n[')[0];
    // (Apple modules appear when another test's Time Machine share exists: fruit is all or none.)
    expect(section).toMatch(/\tvfs objects = full_audit (catia fruit streams_xattr )?shadow_copy2\n/);
    expect(section).toContain(`\tshadow:mountpoint = ${ds.body.path}\n\tshadow:snapdir = .snapshots\n\tshadow:format = @GMT-%Y.%m.%d-%H.%M.%S\n\tshadow:sort = desc\n\tshadow:localtime = no\n`);
    const none = await create({ name: uniqueName('pv'), path: await dir('no-dataset'), previousVersions: true });
    expect(none.status).toBe(422);
    expect(none.body.errors).toEqual([{ field: 'previousVersions', message: expect.stringContaining('no dataset') }]);
  });

  it('refuses to unregister a pool or delete a dataset that shares use, listing them', async () => {
    const own = await registerPool(app);
    const p = path.join(own.path, 'used');
    await fs.mkdir(p);
    const name = uniqueName('dep');
    const share = await create({ name, path: p });
    const res = await app.api<ErrorResponse>('DELETE', `/api/storage/pools/${own.id}`);
    expect(res.status).toBe(409);
    expect(res.body.details!.dependants).toEqual([{ kind: 'smb-share', id: share.body.share.id, name, path: p }]);
    await app.api('DELETE', `/api/shares/smb/${share.body.share.id}`);
    expect((await app.api('DELETE', `/api/storage/pools/${own.id}`)).status).toBe(204);
  });

  it('refuses to delete a user or group a share names (409 listing where), so a later namesake gets nothing', async () => {
    const carol = await makeUser(app);
    const crew = await makeGroup(app);
    const shared = await create({ name: uniqueName('named'), path: await dir('named'), validUsers: [carol], validGroups: [crew], forceUser: carol });
    expect(shared.status).toBe(201);
    const users = await app.api<{ items: Array<{ id: string; username: string }> }>('GET', `/api/users?search=${carol}`);
    const carolId = users.body.items.find((u) => u.username === carol)!.id;
    const refused = await app.api<ErrorResponse>('DELETE', `/api/users/${carolId}`);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain(shared.body.share.name);
    expect(refused.body.details?.['dependants']).toEqual([{ kind: 'smb-share', id: shared.body.share.id, name: shared.body.share.name, fields: ['validUsers', 'forceUser'] }]);
    const groups = await app.api<{ items: Array<{ id: string; name: string }> }>('GET', `/api/groups?search=${crew}`);
    const crewId = groups.body.items.find((g) => g.name === crew)!.id;
    expect((await app.api<ErrorResponse>('DELETE', `/api/groups/${crewId}`)).status).toBe(409);
    // Once the share no longer names them, both go.
    expect((await app.api('PATCH', `/api/shares/smb/${shared.body.share.id}`, { validUsers: [alice], validGroups: [], forceUser: null })).status).toBe(200);
    expect((await app.api('DELETE', `/api/users/${carolId}`)).status).toBe(200);
    expect((await app.api('DELETE', `/api/groups/${crewId}`)).status).toBe(200);
  });

  it('lets a viewer read but not change shares', async () => {
    const viewer = await makeUser(app, { role: 'viewer' });
    const { login, USER_PASSWORD } = await import('../users/users-kit');
    const token = (await login(app, viewer, USER_PASSWORD)).accessToken;
    expect((await app.api('GET', '/api/shares/smb', undefined, token)).status).toBe(200);
    expect((await app.api('GET', '/api/shares/smb/presets', undefined, token)).status).toBe(200);
    expect((await app.api('POST', '/api/shares/smb', { name: uniqueName('v'), path: pool.path }, token)).status).toBe(403);
  });
});
