import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { EmbeddedPostgres } from '../../src/core/database/embedded-postgres';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestDatabase, testBackend, type TestDatabase } from '../support/test-db';
import { TcpProxy, waitFor } from '../support/tcp-proxy';

/**
 * Kubernetes probe semantics with the database taken away and given back. The app reaches its
 * database through a proxy the test can cut, in front of real PostgreSQL or an embedded server.
 */
describe(`health probes (${testBackend()} database)`, () => {
  let proxy: TcpProxy;
  let app: TestApp;
  let db: TestDatabase;
  let embedded: EmbeddedPostgres | undefined;
  let scratch: string;

  beforeAll(async () => {
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'moxnas-health-'));
    db = await createTestDatabase(path.join(scratch, 'db'));
    let databaseUrl: URL;
    if (testBackend() === 'postgres') {
      const real = new URL(db.env['DATABASE_URL']);
      proxy = new TcpProxy({ host: real.hostname, port: Number(real.port || 5432) });
      await proxy.start();
      real.host = `127.0.0.1:${proxy.port}`;
      databaseUrl = real;
    } else {
      embedded = new EmbeddedPostgres(path.join(db.dataDir, 'pglite'), path.join(scratch, 'run'), 12);
      const endpoint = await embedded.start();
      proxy = new TcpProxy({ path: path.join(endpoint.socketDir, `.s.PGSQL.${endpoint.port}`) });
      await proxy.start();
      databaseUrl = new URL(`postgres://postgres@127.0.0.1:${proxy.port}/postgres`);
    }
    app = await startTestApp({ env: { DATABASE_URL: databaseUrl.toString() } });
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.stop();
    await embedded?.stop();
    await db?.drop();
    await fs.rm(scratch, { recursive: true, force: true });
  });

  const status = (url: string) => app.request({ url }).then((r) => r.status);

  it('is live and ready with the database up', async () => {
    expect(await status('/api/system/health/live')).toBe(200);
    const ready = await app.request<{ status: string; checks: Record<string, { status: string }> }>({ url: '/api/system/health/ready' });
    expect(ready.status).toBe(200);
    expect(ready.body.checks['database'].status).toBe('ok');
    expect(ready.body.checks['migrations'].status).toBe('ok');
  });

  it('turns ready 503 naming the database while it is unreachable, keeps live 200, and recovers without restart', async () => {
    proxy.cut();
    const down = await waitFor(
      () => app.request<{ checks: Record<string, { status: string; message?: string }> }>({ url: '/api/system/health/ready' }),
      (r) => r.status === 503,
      10000,
    );
    expect(down.body.checks['database'].status).toBe('error');
    expect(down.body.checks['database'].message).toBeTruthy();
    expect(await status('/api/system/health/live')).toBe(200);
    const summary = await app.request<{ status: string }>({ url: '/api/system/health' });
    expect(summary.body.status).toBe('unhealthy');

    proxy.restore();
    await waitFor(() => status('/api/system/health/ready'), (s) => s === 200, 15000);
    expect(await status('/api/system/health/live')).toBe(200);
  });

  // The probe pings on a connection of its own, so a pool busy with slow queries (longer than the
  // probe's 2 s deadline) does not make a healthy API unready. Embedded PGlite runs one statement at
  // a time for every connection, so there a busy database is busy for the probe too.
  (testBackend() === 'postgres' ? it : it.skip)('stays ready while every pooled connection is busy', async () => {
    const dataSource = app.app.get(DataSource);
    const busy = Array.from({ length: app.config.database.poolSize }, () => dataSource.query('SELECT pg_sleep(3)'));
    // The pool hands out its connections as the queries queue; give the sleeps a moment to start.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await status('/api/system/health/ready')).toBe(200);
    await Promise.all(busy);
  });

  it('answers every response with a request id, echoing a sane one from the caller', async () => {
    const own = await app.request({ url: '/api/system/health/live', headers: { 'x-request-id': 'trace-123' } });
    expect(own.headers['x-request-id']).toBe('trace-123');
    const hostile = await app.request({ url: '/api/system/health/live', headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
