import os from 'node:os';
import type { SystemInfo } from '@moxnas/contracts';
import { testBackend } from '../support/test-db';
import { startTestApp, type TestApp } from '../support/test-app';

const ADMIN_PASSWORD = 'info-test-Admin-pass-1';

describe('GET /api/system/info', () => {
  let app: TestApp;
  let token: string;
  beforeAll(async () => {
    app = await startTestApp({ env: { MOXNAS_ADMIN_PASSWORD: ADMIN_PASSWORD, MOXNAS_HOST_ACCOUNTS: 'off' } });
    const login = await app.request<{ accessToken: string }>({ method: 'POST', url: '/api/auth/login', body: { username: 'admin', password: ADMIN_PASSWORD } });
    expect(login.status).toBe(200);
    token = login.body.accessToken;
  });
  afterAll(() => app?.close());

  it('needs a login', async () => {
    expect((await app.request({ url: '/api/system/info' })).status).toBe(401);
  });

  it('reports this machine as /proc, /etc and os see it', async () => {
    const res = await app.request<SystemInfo>({ url: '/api/system/info', token });
    expect(res.status).toBe(200);
    const info = res.body;
    expect(info.hostname).toBe(os.hostname());
    expect(info.kernel.release).toBe(os.release());
    expect(info.os.id).toBe('debian');
    expect(info.os.prettyName).toMatch(/Debian/);
    expect(info.cpu.cores).toBeGreaterThan(0);
    expect(info.cpu.model).not.toBe('');
    expect(info.cpu.loadAverage).toHaveLength(3);
    expect(info.memory.totalBytes).toBeGreaterThan(0);
    // /proc/meminfo and os.totalmem() read the same kernel figure.
    expect(info.memory.totalBytes).toBe(os.totalmem());
    expect(info.memory.usedBytes + info.memory.availableBytes).toBe(info.memory.totalBytes);
    expect(info.uptimeSeconds).toBeGreaterThan(0);
    expect(['lxc', 'docker', 'other', 'none']).toContain(info.container.type);
    expect(info.app.node).toBe(process.version);
    expect(info.app.commit).toBe('unknown');
    expect(info.database.backend).toBe(testBackend());
    expect(info.cache.backend).toBe(process.env.REDIS_URL ? 'redis' : 'memory');
  });

  it('serves repeated calls from the cache for a few seconds', async () => {
    const a = await app.request<SystemInfo>({ url: '/api/system/info', token });
    const b = await app.request<SystemInfo>({ url: '/api/system/info', token });
    expect(b.body.collectedAt).toBe(a.body.collectedAt);
  });
});
