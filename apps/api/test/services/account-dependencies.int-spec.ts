import fs from 'node:fs/promises';
import path from 'node:path';
import type { ErrorResponse, Group, Pool, RevisionSummary, SmbShareMutation, User } from '@moxnas/contracts';
import type { HostPaths } from '../../src/core/config/host-paths';
import { HOST_PATHS } from '../../src/core/host/host.module';
import { ApplyEngine } from '../../src/modules/services/apply/apply-engine';
import type { ManagedConfig } from '../../src/modules/services/apply/managed-config';
import { makeGroup, makeUser, registerPool, startSharesApp, uniqueName, type SharesApp } from '../shares/shares-kit';
import { USER_PASSWORD } from '../users/users-kit';

type Page<T> = { items: T[]; total: number };

/**
 * Issue 14, defect 1: the vsftpd files are rendered from users, groups and memberships, so a
 * change to any of them must re-render FTP in the same change (and a group rename must carry into
 * smb.conf). Asserted on the files on disk, through the API only.
 */
describe('account changes re-apply the services rendered from them', () => {
  let app: SharesApp;
  let pool: Pool;
  let paths: HostPaths;
  let engine: ApplyEngine;

  beforeAll(async () => {
    app = await startSharesApp();
    pool = await registerPool(app);
    paths = app.app.get<HostPaths>(HOST_PATHS);
    engine = app.app.get(ApplyEngine);
  });
  afterAll(() => app?.close());

  const dir = async (name: string) => {
    const p = path.join(pool.path, name);
    await fs.mkdir(p, { recursive: true });
    return p;
  };
  const read = (file: string) => fs.readFile(file, 'utf8').catch(() => null);
  const userFile = (user: string) => read(path.join(paths.vsftpdUserDir, user));
  const userList = async () => ((await read(paths.vsftpdUserList)) ?? '').split('\n').filter(Boolean);
  const userId = async (username: string) => (await app.api<Page<User>>('GET', `/api/users?search=${username}`)).body.items.find((u) => u.username === username)!.id;
  const groupId = async (name: string) => (await app.api<Page<Group>>('GET', `/api/groups?search=${name}`)).body.items.find((g) => g.name === name)!.id;
  const ftpShare = async (body: Record<string, unknown>) => {
    const res = await app.api<{ share: { id: string } } & ErrorResponse>('POST', '/api/shares/ftp', { name: uniqueName('f'), ...body });
    expect(res.status).toBe(201);
    return res.body.share.id;
  };
  /** Every managed file equals a fresh render from the database. */
  const inStep = async () => {
    for (const service of ['smb', 'nfs', 'ftp'] as const) {
      const rendered = await engine.renderCurrent(service);
      for (const [file, text] of rendered.files) expect({ file, text: await read(file) }).toEqual({ file, text });
    }
  };

  it('disabling a user removes their FTP login and per-user file; enabling gives them back', async () => {
    const carol = await makeUser(app);
    const team = await makeGroup(app, [carol]);
    const root = await dir('ftp-disable');
    await ftpShare({ path: root, allowedGroups: [team], writeEnable: true });
    expect(await userList()).toContain(carol);
    expect(await userFile(carol)).toContain(`local_root=${root}`);

    const id = await userId(carol);
    expect((await app.api('PATCH', `/api/users/${id}`, { disabled: true })).status).toBe(200);
    expect(await userList()).not.toContain(carol);
    expect(await userFile(carol)).toBeNull();
    await inStep();

    expect((await app.api('PATCH', `/api/users/${id}`, { disabled: false })).status).toBe(200);
    expect(await userList()).toContain(carol);
    expect(await userFile(carol)).toContain(`local_root=${root}`);
  });

  it('a disabled user named on the share directly loses the login too', async () => {
    const erin = await makeUser(app);
    await ftpShare({ path: await dir('ftp-direct'), allowedUsers: [erin] });
    expect(await userList()).toContain(erin);
    expect((await app.api('PATCH', `/api/users/${await userId(erin)}`, { disabled: true })).status).toBe(200);
    expect(await userList()).not.toContain(erin);
    expect(await userFile(erin)).toBeNull();
  });

  it("adding a user to an FTP share's group grants the login, through the user or the group API; removing takes it away", async () => {
    const team = await makeGroup(app);
    const root = await dir('ftp-join');
    await ftpShare({ path: root, allowedGroups: [team] });
    const dave = await makeUser(app);
    expect(await userList()).not.toContain(dave);

    // Through the user: PATCH groupIds.
    const gid = await groupId(team);
    expect((await app.api('PATCH', `/api/users/${await userId(dave)}`, { groupIds: [gid] })).status).toBe(200);
    expect(await userList()).toContain(dave);
    expect(await userFile(dave)).toContain(`local_root=${root}`);

    // Through the group: PATCH memberIds.
    const frank = await makeUser(app);
    expect((await app.api('PATCH', `/api/groups/${gid}`, { memberIds: [await userId(dave), await userId(frank)] })).status).toBe(200);
    expect(await userList()).toEqual(expect.arrayContaining([dave, frank]));
    expect((await app.api('PATCH', `/api/groups/${gid}`, { memberIds: [await userId(frank)] })).status).toBe(200);
    expect(await userList()).not.toContain(dave);
    expect(await userFile(dave)).toBeNull();
    await inStep();
  });

  it('creating a user straight into the group, and deleting them, re-renders FTP', async () => {
    const team = await makeGroup(app);
    await ftpShare({ path: await dir('ftp-create'), allowedGroups: [team] });
    const gina = await makeUser(app, { groupIds: [await groupId(team)] });
    expect(await userList()).toContain(gina);
    expect((await app.api('DELETE', `/api/users/${await userId(gina)}?keepFiles=true`)).status).toBe(200);
    expect(await userList()).not.toContain(gina);
    expect(await userFile(gina)).toBeNull();
    await inStep();
  });

  it('?dryRun=true on user and group changes answers the FTP diffs and writes nothing: no row, no file, no revision', async () => {
    const team = await makeGroup(app);
    const root = await dir('ftp-dry');
    await ftpShare({ path: root, allowedGroups: [team] });
    const hank = await makeUser(app);
    const id = await userId(hank);
    const gid = await groupId(team);
    const files = async () => [await read(paths.vsftpdUserList), await userFile(hank)];
    const revisions = async () => (await app.api<RevisionSummary[] | { items: RevisionSummary[] }>('GET', '/api/services/ftp/revisions')).text;
    const before = { files: await files(), revisions: await revisions(), user: (await app.api('GET', `/api/users/${id}`)).text, group: (await app.api('GET', `/api/groups/${gid}`)).text };
    type Change = { groups?: Array<{ name: string }>; members?: Array<{ username: string }>; provisioning: { message: string }; apply: { dryRun: boolean; diffs: Array<{ path: string; diff: string }> } };

    // Joining the share's group, as the user and as the group: the diff adds hank to the FTP user list.
    for (const [method, url, body] of [
      ['PATCH', `/api/users/${id}?dryRun=true`, { groupIds: [gid] }],
      ['PATCH', `/api/groups/${gid}?dryRun=true`, { memberIds: [id] }],
    ] as const) {
      const res = await app.api<Change>(method, url, body);
      expect(res.status).toBe(200);
      expect(res.body.apply.dryRun).toBe(true);
      expect(res.body.groups?.map((g) => g.name) ?? res.body.members?.map((m) => m.username)).toContain(url.includes('/users/') ? team : hank);
      const list = res.body.apply.diffs.find((d) => d.path === paths.vsftpdUserList);
      expect(list?.diff).toContain(`+${hank}`);
      expect(res.body.provisioning.message).toMatch(/dry run/i);
    }
    // A new user straight into the group, and deleting the group's member: diffs, nothing saved.
    const newName = uniqueName('dry');
    const created = await app.api<Change & { id: string }>('POST', '/api/users?dryRun=true', { username: newName, password: USER_PASSWORD, role: 'none', groupIds: [gid] });
    expect(created.status).toBe(201);
    expect(created.body.apply.diffs.find((d) => d.path === paths.vsftpdUserList)?.diff).toContain(`+${newName}`);
    expect((await app.api<Page<User>>('GET', `/api/users?search=${newName}`)).body.total).toBe(0);
    // (The share's own group cannot be deleted at all: a share names it.)
    const other = await groupId(await makeGroup(app, [hank]));
    const otherBefore = (await app.api('GET', `/api/groups/${other}`)).text;
    expect((await app.api<Change>('DELETE', `/api/groups/${other}?dryRun=true`)).status).toBe(200);
    expect((await app.api('GET', `/api/groups/${other}`)).text).toBe(otherBefore);
    expect((await app.api<Change>('DELETE', `/api/users/${id}?dryRun=true`)).status).toBe(200);

    expect(await files()).toEqual(before.files);
    expect(await revisions()).toBe(before.revisions);
    expect(JSON.parse((await app.api('GET', `/api/users/${id}`)).text).groups.map((g: { name: string }) => g.name)).not.toContain(team);
    expect((await app.api('GET', `/api/groups/${gid}`)).text).toBe(before.group);
    await inStep();
  });

  it('a user change whose FTP re-apply is refused is not saved, and the files stay as they were', async () => {
    const ivan = await makeUser(app);
    const team = await makeGroup(app, [ivan]);
    await ftpShare({ path: await dir('ftp-refused'), allowedGroups: [team] });
    const before = await read(paths.vsftpdUserList);
    const real = (engine as unknown as { configs: Map<string, ManagedConfig> }).configs.get('ftp')!;
    engine.register({ service: 'ftp', dependsOn: real.dependsOn, render: (m) => real.render(m), validate: async () => ({ ok: false, messages: ['refused for the test'] }) });
    try {
      const res = await app.api<ErrorResponse>('PATCH', `/api/users/${await userId(ivan)}`, { disabled: true });
      expect(res.status).toBe(422);
      expect(res.body.message).toMatch(/ftp configuration checker rejected/);
    } finally {
      engine.register(real);
    }
    expect((await app.api<User>('GET', `/api/users/${await userId(ivan)}`)).body.disabled).toBe(false);
    expect(await read(paths.vsftpdUserList)).toBe(before);
    expect(await userList()).toContain(ivan);
  });

  it('the FTP re-apply is recorded as a revision of the user change, with who made it', async () => {
    const team = await makeGroup(app);
    await ftpShare({ path: await dir('ftp-revision'), allowedGroups: [team] });
    const hank = await makeUser(app, { groupIds: [await groupId(team)] });
    const revisions = await app.api<RevisionSummary[]>('GET', '/api/services/ftp/revisions');
    const ofChange = revisions.body.filter((r) => r.message === `user ${hank} created`);
    expect(ofChange.map((r) => r.actor)).toEqual(['admin', 'admin']);
    expect(ofChange.map((r) => `${r.result} ${r.path}`).sort()).toEqual([`applied ${paths.vsftpdUserList}`, `applied ${path.join(paths.vsftpdUserDir, hank)}`].sort());
  });

  it('renaming a group carries into smb.conf and the FTP share; deleting a group a share names is refused and changes nothing', async () => {
    const owner = await makeUser(app);
    const team = await makeGroup(app, [owner]);
    const name = uniqueName('s');
    const smb = await app.api<SmbShareMutation>('POST', '/api/shares/smb', { name, path: await dir('smb-rename'), validGroups: [team], forceGroup: team });
    expect(smb.status).toBe(201);
    const ftpRoot = await dir('ftp-rename');
    await ftpShare({ path: ftpRoot, allowedGroups: [team] });
    expect(await read(paths.smbConf)).toContain(`@${team}`);

    const renamed = uniqueName('g');
    const gid = await groupId(team);
    const res = await app.api<ErrorResponse>('PATCH', `/api/groups/${gid}`, { name: renamed });
    expect(res.status).toBe(200);
    const conf = (await read(paths.smbConf))!;
    expect(conf).toContain(`@${renamed}`);
    expect(conf).toContain(`force group = ${renamed}`);
    expect(conf).not.toContain(team);
    const share = await app.api<{ validGroups: string[]; forceGroup: string }>('GET', `/api/shares/smb/${smb.body.share.id}`);
    expect(share.body).toMatchObject({ validGroups: [renamed], forceGroup: renamed });
    expect(await userFile(owner)).toContain(`local_root=${ftpRoot}`);
    await inStep();

    const before = await read(paths.smbConf);
    const refused = await app.api<ErrorResponse>('DELETE', `/api/groups/${gid}`);
    expect(refused.status).toBe(409);
    expect(await read(paths.smbConf)).toBe(before);
  });
});
