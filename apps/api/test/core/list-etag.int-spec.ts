import type { TestApp } from '../support/test-app';
import { adminToken, createUser, startUsersApp, uniqueName } from '../users/users-kit';

/** Conditional GETs on the lists the dashboard polls, through the real app. */
describe('ETag / 304 on list endpoints', () => {
  let app: TestApp;
  let token: string;

  beforeAll(async () => {
    app = await startUsersApp();
    token = await adminToken(app);
  });

  afterAll(async () => {
    await app?.close();
  });

  it.each(['/api/users', '/api/storage/pools', '/api/storage/datasets', '/api/shares/smb?pageSize=100'])(
    'GET %s carries a weak ETag, and If-None-Match with it answers 304 with no body',
    async (url) => {
      const first = await app.request({ url, token });
      expect(first.status).toBe(200);
      const etag = String(first.headers['etag']);
      expect(etag).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
      expect(first.headers['cache-control']).toBe('private, no-cache');

      const again = await app.request({ url, token, headers: { 'if-none-match': etag } });
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
      expect(again.headers['etag']).toBe(etag);

      const other = await app.request({ url, token, headers: { 'if-none-match': 'W/"something-else"' } });
      expect(other.status).toBe(200);
      expect(other.body).toEqual(first.body);
    },
  );

  it('gives a new ETag once the list changed, and the old one then gets the full list', async () => {
    const before = await app.request<{ items: { username: string }[] }>({ url: '/api/users', token });
    const oldTag = String(before.headers['etag']);
    const username = uniqueName('etg');
    await createUser(app, token, { username });

    const after = await app.request<{ items: { username: string }[] }>({ url: '/api/users', token, headers: { 'if-none-match': oldTag } });
    expect(after.status).toBe(200);
    expect(after.body.items.map((u) => u.username)).toContain(username);
    expect(after.headers['etag']).not.toBe(oldTag);
  });

  it('does not tag a list that failed or a GET that is not a list', async () => {
    const denied = await app.request({ url: '/api/users' });
    expect(denied.status).toBe(401);
    expect(denied.headers['etag']).toBeUndefined();
    const live = await app.request({ url: '/api/system/health/live' });
    expect(live.headers['etag']).toBeUndefined();
  });
});
