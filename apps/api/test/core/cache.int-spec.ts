import { randomUUID } from 'node:crypto';
import { MemoryCacheStore, type CacheStore } from '../../src/core/cache/cache-store';
import { CacheService } from '../../src/core/cache/cache.service';
import { RedisCacheStore } from '../../src/core/cache/redis-cache-store';
import { startTestApp, type TestApp } from '../support/test-app';
import { TcpProxy, waitFor } from '../support/tcp-proxy';
import { describeOnHost } from '../support/host-gate';
import { ADMIN_PASSWORD, adminToken } from '../users/users-kit';

const redisUrl = process.env.REDIS_URL;

function behaviourSuite(name: string, make: () => CacheStore) {
  describe(`cache behaviour: ${name}`, () => {
    let store: CacheStore;
    beforeAll(() => {
      if (name === 'redis' && !redisUrl) throw new Error('REDIS_URL is required for the Redis cache suite');
      store = make();
    });
    afterAll(() => store?.close());
    const k = () => `it:${randomUUID()}`;

    it('stores, reads and deletes values', async () => {
      const key = k();
      expect(await store.get(key)).toBeNull();
      await store.set(key, 'v1');
      expect(await store.get(key)).toBe('v1');
      await store.set(key, 'v2');
      expect(await store.get(key)).toBe('v2');
      await store.del(key);
      expect(await store.get(key)).toBeNull();
      expect(await store.pttl(key)).toBe(-2);
    });

    it('expires keys after their ttl', async () => {
      const key = k();
      await store.set(key, 'x', 1);
      const ttl = await store.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(1000);
      await waitFor(() => store.get(key), (v) => v === null, 3000, 50);
    });

    it('counts atomically and starts the window at the first increment', async () => {
      const key = k();
      const counts = await Promise.all(Array.from({ length: 20 }, () => store.incr(key, 60)));
      expect(counts.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      const ttl = await store.pttl(key);
      expect(ttl).toBeGreaterThan(50_000);
      expect(await store.get(key)).toBe('20');
    });
  });
}

behaviourSuite('memory', () => new MemoryCacheStore());
describeOnHost('Redis cache store', { other: { REDIS_URL: !!redisUrl } }, () =>
  behaviourSuite('redis', () => new RedisCacheStore(redisUrl!, `moxnas-test:${randomUUID()}:`)),
);

describeOnHost('cache with Redis going away', { other: { REDIS_URL: !!redisUrl } }, () => {
  let proxy: TcpProxy;
  let app: TestApp;

  beforeAll(async () => {
    if (!redisUrl) throw new Error('REDIS_URL is required');
    const real = new URL(redisUrl);
    proxy = new TcpProxy({ host: real.hostname, port: Number(real.port || 6379) });
    await proxy.start();
    real.host = `127.0.0.1:${proxy.port}`;
    app = await startTestApp({ env: { REDIS_URL: real.toString(), MOXNAS_ADMIN_PASSWORD: ADMIN_PASSWORD, MOXNAS_HOST_ACCOUNTS: 'off' } });
  });
  afterAll(async () => {
    await app?.close();
    await proxy?.stop();
  });

  it('keeps serving when Redis stops mid-test and returns to Redis when it is back', async () => {
    const cache = app.app.get(CacheService);
    expect(cache.backend).toBe('redis');
    await cache.set('k', 'before');
    expect(await cache.get('k')).toBe('before');

    proxy.cut();
    // Every call still answers: the in-process store stands in.
    await cache.set('k2', 'during');
    expect(await cache.get('k2')).toBe('during');
    expect(await cache.incr('n', 60)).toBe(1);
    expect((await app.request({ url: '/api/system/health/live' })).status).toBe(200);
    // Redis is optional: every request still works, so the box stays ready (a load balancer must
    // not pull it) and the detailed check shows the cache degraded, with a 200.
    const ready = await app.request<{ checks: Record<string, { status: string }> }>({ url: '/api/system/health/ready' });
    expect(ready.status).toBe(200);
    expect(ready.body.checks['redis']).toBeUndefined();
    const detailed = await app.request<{ status: string; checks: { cache: { status: string; backend: string; message?: string } } }>({ url: '/api/system/health/detailed', token: await adminToken(app) });
    expect(detailed.body.checks.cache).toMatchObject({ status: 'degraded', backend: 'redis' });
    expect(detailed.body.checks.cache.message).toBeTruthy();
    expect(detailed.status).toBe(detailed.body.status === 'unhealthy' ? 503 : 200);
    const summary = await app.request<{ status: string }>({ url: '/api/system/health' });
    expect({ status: summary.status, body: summary.body.status }).toEqual({ status: 200, body: 'degraded' });

    proxy.restore();
    await waitFor(() => app.request<{ status: string }>({ url: '/api/system/health' }).then((r) => r.body.status), (s) => s === 'healthy', 15000);
    expect(await cache.get('k')).toBe('before');
  });
});
