import type { Group, GroupChange, User, UserChange } from '@moxnas/contracts';
import type { TestApp } from '../support/test-app';
import { testBackend } from '../support/test-db';
import { adminToken, createUser, login, startUsersApp, uniqueName, USER_PASSWORD } from './users-kit';

type ErrorBody = { code: string; message: string; errors?: Array<{ field: string; message: string }>; details?: Record<string, unknown> };
type Page<T> = { items: T[]; total: number; page: number; pageSize: number };

describe(`users and groups (${testBackend()} database, host accounts off)`, () => {
  let app: TestApp;
  let admin: string;

  beforeAll(async () => {
    app = await startUsersApp();
    admin = await adminToken(app);
  });
  afterAll(() => app?.close());

  const post = <T>(url: string, body: unknown) => app.request<T & ErrorBody>({ method: 'POST', url, token: admin, body });
  const patch = <T>(url: string, body: unknown) => app.request<T & ErrorBody>({ method: 'PATCH', url, token: admin, body });
  const countUsers = async () => (await app.request<Page<User>>({ url: '/api/users?pageSize=500', token: admin })).body.total;

  it('creates a user, saying plainly that the host account was not created', async () => {
    const name = uniqueName('ann');
    const res = await post<UserChange>('/api/users', { username: name, password: USER_PASSWORD, fullName: 'Ann Example', email: 'ann@example.org' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      username: name,
      fullName: 'Ann Example',
      shell: '/usr/sbin/nologin',
      smbEnabled: true,
      ftpEnabled: false,
      role: 'none',
      disabled: false,
      builtIn: false,
      hostStatus: 'pending',
      provisioning: { status: 'unavailable' },
    });
    expect(res.body.provisioning.message).toMatch(/NOT applied to the host.*MOXNAS_HOST_ACCOUNTS=off/);
    expect(res.body.uid).toBeGreaterThanOrEqual(10000);
    expect(JSON.stringify(res.body)).not.toMatch(/hash|Sh4red/i);
    const got = await app.request<User>({ url: `/api/users/${res.body.id}`, token: admin });
    expect(got.body.username).toBe(name);
  });

  it.each([
    ['root', /reserved/],
    ['-x', /must start with/],
    ['a b', /only lowercase/],
    ['a:b', /only lowercase/],
    ['../x', /must start with/],
    ['x'.repeat(300), /at most 32/],
    ['Alice', /must start with a lowercase/],
    ['\u0430lice', /plain ASCII/], // Cyrillic "а"
    ['', /required/],
    ['admin', /reserved/],
  ])('refuses the username %j with a field message and creates nothing', async (username, message) => {
    const before = await countUsers();
    const res = await post('/api/users', { username, password: USER_PASSWORD });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ field: 'username', message: expect.stringMatching(message) }]);
    expect(await countUsers()).toBe(before);
  });

  it.each([
    ['short', 'Ab1-xyz', /at least 8/],
    ['common', 'password123', /common/],
    ['one repeated character', 'aaaaaaaaaa', /repeat/],
    ['a line break', 'line\nbreak-secret', /control characters/],
  ])('refuses a password that is %s', async (_what, password, message) => {
    const res = await post('/api/users', { username: uniqueName('pw'), password });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ field: 'password', message: expect.stringMatching(message) }]);
  });

  it('refuses a password containing the username, and reports every bad field at once', async () => {
    const name = uniqueName('bob');
    const res = await post('/api/users', { username: name, password: `${name}-rocks-42` });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ field: 'password', message: 'must not contain the username' }]);
    const many = await post('/api/users', { username: 'root', password: 'x', uid: 5, shell: '/bin/zsh', homeDir: 'relative', email: 'nope', extra: 1 });
    expect(many.status).toBe(422);
    // The unknown key is named like any other field (issue 14, defect 6), not as the whole body.
    expect(many.body.errors?.map((e) => e.field).sort()).toEqual(['email', 'extra', 'homeDir', 'password', 'shell', 'uid', 'username']);
    expect(many.body.errors).toContainEqual({ field: 'extra', message: 'unknown field' });
  });

  it.each([
    ['/etc/x', /system directory/],
    ['/srv/../etc', /"\.\."/],
    ['/srv/a b', /only letters/],
  ])('refuses the home directory %j', async (homeDir, message) => {
    const res = await post('/api/users', { username: uniqueName('h'), password: USER_PASSWORD, homeDir });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ field: 'homeDir', message: expect.stringMatching(message) }]);
  });

  it('refuses duplicates and taken uids with 409, and out-of-range uids with 422', async () => {
    const first = await createUser(app, admin, { username: uniqueName('dup') });
    const dup = await post('/api/users', { username: first.username, password: USER_PASSWORD });
    expect(dup.status).toBe(409);
    expect(dup.body.errors).toEqual([{ field: 'username', message: 'is taken' }]);
    const taken = await post('/api/users', { username: uniqueName('dup'), password: USER_PASSWORD, uid: first.uid });
    expect(taken.status).toBe(409);
    expect(taken.body.errors).toEqual([{ field: 'uid', message: 'is taken' }]);
    for (const uid of [999, 60001, 0, 1.5]) {
      const res = await post('/api/users', { username: uniqueName('uid'), password: USER_PASSWORD, uid });
      expect(res.status).toBe(422);
      expect(res.body.errors?.[0].field).toBe('uid');
    }
    const own = await post<UserChange>('/api/users', { username: uniqueName('uid'), password: USER_PASSWORD, uid: 23456 });
    expect(own.status).toBe(201);
    expect(own.body.uid).toBe(23456);
  });

  it('allocates distinct uids from 10000 up', async () => {
    const a = await createUser(app, admin, { username: uniqueName('al') });
    const b = await createUser(app, admin, { username: uniqueName('al') });
    expect(a.uid).toBeGreaterThanOrEqual(10000);
    expect(b.uid).toBeGreaterThan(a.uid!);
  });

  it('lists with paging, search and a role filter', async () => {
    const tag = uniqueName('pg');
    for (let i = 0; i < 3; i++) await createUser(app, admin, { username: `${tag}${i}`, role: i === 0 ? 'viewer' : 'none', fullName: `Paging ${i}` });
    const page1 = await app.request<Page<User>>({ url: `/api/users?search=${tag}&pageSize=2`, token: admin });
    expect(page1.body).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(page1.body.items.map((u) => u.username)).toEqual([`${tag}0`, `${tag}1`]);
    const page2 = await app.request<Page<User>>({ url: `/api/users?search=${tag}&pageSize=2&page=2`, token: admin });
    expect(page2.body.items.map((u) => u.username)).toEqual([`${tag}2`]);
    const viewers = await app.request<Page<User>>({ url: `/api/users?search=${tag}&role=viewer`, token: admin });
    expect(viewers.body.items.map((u) => u.username)).toEqual([`${tag}0`]);
    const bad = await app.request<ErrorBody>({ url: '/api/users?pageSize=100000', token: admin });
    expect(bad.status).toBe(422);
    expect(bad.body.errors?.[0].field).toBe('query.pageSize');
  });

  it('updates fields; a role change or disable ends the user’s sessions at once', async () => {
    const user = await createUser(app, admin, { username: uniqueName('upd'), role: 'operator' });
    const session = await login(app, user.username, USER_PASSWORD);
    const me = () => app.request({ url: '/api/auth/me', token: session.accessToken });
    expect((await me()).status).toBe(200);

    const named = await patch<UserChange>(`/api/users/${user.id}`, { fullName: 'Renamed', shell: '/bin/bash', ftpEnabled: true });
    expect(named.status).toBe(200);
    expect(named.body).toMatchObject({ fullName: 'Renamed', shell: '/bin/bash', ftpEnabled: true, provisioning: { status: 'unavailable' } });
    expect((await me()).status).toBe(200);

    expect((await patch(`/api/users/${user.id}`, { role: 'viewer' })).status).toBe(200);
    expect((await me()).status).toBe(401);

    const again = await login(app, user.username, USER_PASSWORD);
    expect((await patch(`/api/users/${user.id}`, { disabled: true })).status).toBe(200);
    expect((await app.request({ url: '/api/auth/me', token: again.accessToken })).status).toBe(401);
    expect((await login(app, user.username, USER_PASSWORD)).res.status).toBe(403);

    expect((await patch(`/api/users/${user.id}`, { username: 'renamed' })).status).toBe(422);
  });

  it('an admin’s password reset ends the user’s sessions and the new password works', async () => {
    const user = await createUser(app, admin, { username: uniqueName('rst'), role: 'viewer' });
    const session = await login(app, user.username, USER_PASSWORD);
    const res = await patch<UserChange>(`/api/users/${user.id}`, { password: 'Fresh-secret-phrase-7', mustChangePassword: true });
    expect(res.status).toBe(200);
    expect(res.body.mustChangePassword).toBe(true);
    expect((await app.request({ url: '/api/auth/me', token: session.accessToken })).status).toBe(401);
    expect((await login(app, user.username, USER_PASSWORD)).res.status).toBe(401);
    expect((await login(app, user.username, 'Fresh-secret-phrase-7')).res.body.user.mustChangePassword).toBe(true);
  });

  it('never leaves the box without an enabled admin', async () => {
    const list = await app.request<Page<User>>({ url: '/api/users?search=admin&role=admin', token: admin });
    const builtIn = list.body.items.find((u) => u.builtIn)!;
    expect(builtIn).toMatchObject({ username: 'admin', uid: null, hostStatus: 'none', smbEnabled: false });
    for (const body of [{ role: 'viewer' }, { disabled: true }]) {
      const res = await patch(`/api/users/${builtIn.id}`, body);
      expect(res.status).toBe(409);
      expect(res.body.message).toMatch(/last enabled admin/);
    }
    expect((await app.request({ method: 'DELETE', url: `/api/users/${builtIn.id}`, token: admin })).status).toBe(409);
    const noHost = await patch(`/api/users/${builtIn.id}`, { smbEnabled: true, uid: 12345 });
    expect(noHost.status).toBe(422);
    expect(noHost.body.errors?.map((e) => e.field).sort()).toEqual(['smbEnabled', 'uid']);
  });

  it('deletes a user, keeping files by default', async () => {
    const user = await createUser(app, admin, { username: uniqueName('del') });
    const res = await app.request<{ id: string; provisioning: { status: string; message: string } }>({ method: 'DELETE', url: `/api/users/${user.id}`, token: admin });
    expect(res.status).toBe(200);
    expect(res.body.provisioning.status).toBe('unavailable');
    expect(res.body.provisioning.message).toMatch(/NOT removed/);
    expect((await app.request({ url: `/api/users/${user.id}`, token: admin })).status).toBe(404);
    expect((await app.request({ method: 'DELETE', url: `/api/users/${user.id}`, token: admin })).status).toBe(404);
    expect((await app.request({ method: 'DELETE', url: `/api/users/${user.id}?keepFiles=maybe`, token: admin })).status).toBe(422);
  });

  describe('groups', () => {
    it('creates a group with members and a gid from 10000 up; members see it in their groups', async () => {
      const u1 = await createUser(app, admin, { username: uniqueName('gm') });
      const u2 = await createUser(app, admin, { username: uniqueName('gm') });
      const name = uniqueName('grp');
      const res = await post<GroupChange>('/api/groups', { name, description: 'Media team', memberIds: [u1.id, u2.id] });
      expect(res.status).toBe(201);
      expect(res.body.gid).toBeGreaterThanOrEqual(10000);
      expect(res.body.members.map((m) => m.id).sort()).toEqual([u1.id, u2.id].sort());
      expect(res.body.provisioning.status).toBe('unavailable');
      const user = await app.request<User>({ url: `/api/users/${u1.id}`, token: admin });
      expect(user.body.groups).toEqual([{ id: res.body.id, name, gid: res.body.gid }]);
    });

    it('renames, changes gid and replaces members', async () => {
      const u1 = await createUser(app, admin, { username: uniqueName('gm') });
      const g = (await post<GroupChange>('/api/groups', { name: uniqueName('grp') })).body;
      const newName = uniqueName('grp');
      const res = await patch<GroupChange>(`/api/groups/${g.id}`, { name: newName, gid: 34567, memberIds: [u1.id] });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: newName, gid: 34567, members: [{ id: u1.id, username: u1.username }] });
      const list = await app.request<Page<Group>>({ url: `/api/groups?search=${newName}`, token: admin });
      expect(list.body.items.map((x) => x.id)).toEqual([g.id]);
    });

    it('refuses bad names, reserved groups, unknown members and taken gids', async () => {
      for (const name of ['users', 'sudo', 'Grp', 'g:x']) {
        const res = await post('/api/groups', { name });
        expect(res.status).toBe(422);
        expect(res.body.errors?.[0].field).toBe('name');
      }
      const unknown = await post('/api/groups', { name: uniqueName('grp'), memberIds: ['00000000-0000-4000-8000-000000000000'] });
      expect(unknown.status).toBe(422);
      expect(unknown.body.errors).toEqual([{ field: 'memberIds.0', message: 'no such user' }]);
      const g = (await post<GroupChange>('/api/groups', { name: uniqueName('grp') })).body;
      const taken = await post('/api/groups', { name: uniqueName('grp'), gid: g.gid });
      expect(taken.status).toBe(409);
    });

    it('uses groups as primary and supplementary groups of users, and will not delete a primary group', async () => {
      const primary = (await post<GroupChange>('/api/groups', { name: uniqueName('pri') })).body;
      const extra = (await post<GroupChange>('/api/groups', { name: uniqueName('ext') })).body;
      const user = await createUser(app, admin, { username: uniqueName('pg'), primaryGroupId: primary.id, groupIds: [extra.id] });
      expect(user.primaryGroup).toEqual({ id: primary.id, name: primary.name, gid: primary.gid });
      expect(user.groups.map((g) => g.id)).toEqual([extra.id]);
      const blocked = await app.request<ErrorBody>({ method: 'DELETE', url: `/api/groups/${primary.id}`, token: admin });
      expect(blocked.status).toBe(409);
      expect(blocked.body.details?.['users']).toEqual([user.username]);
      expect((await app.request({ method: 'DELETE', url: `/api/groups/${extra.id}`, token: admin })).status).toBe(200);
      expect((await app.request<User>({ url: `/api/users/${user.id}`, token: admin })).body.groups).toEqual([]);
      const badRef = await post('/api/users', { username: uniqueName('pg'), password: USER_PASSWORD, groupIds: ['00000000-0000-4000-8000-000000000000'] });
      expect(badRef.status).toBe(422);
      expect(badRef.body.errors).toEqual([{ field: 'groupIds.0', message: 'no such group' }]);
    });
  });

  it('lets viewers read users but not change them', async () => {
    const viewer = await createUser(app, admin, { username: uniqueName('vw'), role: 'viewer' });
    const token = (await login(app, viewer.username, USER_PASSWORD)).accessToken;
    expect((await app.request({ url: '/api/users', token })).status).toBe(200);
    expect((await app.request({ method: 'POST', url: '/api/users', token, body: { username: uniqueName('x'), password: USER_PASSWORD } })).status).toBe(403);
  });
});
