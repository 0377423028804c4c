import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/bootstrap';
import { loadConfig, type AppConfig } from '../../src/core/config/config';
import { DataDirLockedError, LOCK_FILE } from '../../src/core/database/data-dir-lock';
import { DatabaseService } from '../../src/core/database/database.service';
import { createLogger } from '../../src/core/logging/logger';
import { ApplyEngine } from '../../src/modules/services/apply/apply-engine';
import { ReconcileService } from '../../src/modules/services/reconcile.service';
import { ServicesService } from '../../src/modules/services/services.service';
import { createTestDatabase, testBackend, type TestDatabase } from '../support/test-db';
import { ADMIN_PASSWORD } from '../users/users-kit';

/**
 * What a start promises: one server per data dir (a lock taken before the embedded database is
 * touched), ready only once the host matches the database (the start-up reconcile has run), and a
 * readiness probe that checks the path the data routes use.
 */
interface Started {
  app: NestFastifyApplication;
  config: AppConfig;
  request<T = unknown>(url: string, token?: string): Promise<{ status: number; body: T }>;
}

async function build(root: string, db: TestDatabase): Promise<{ config: AppConfig; app: NestFastifyApplication }> {
  const env: Record<string, string> = {
    MOXNAS_DATA_DIR: path.join(root, 'data'),
    MOXNAS_ETC_ROOT: path.join(root, 'etc'),
    MOXNAS_WEB_ROOT: path.join(root, 'web'),
    MOXNAS_LOG_LEVEL: process.env.MOXNAS_TEST_LOG_LEVEL ?? 'silent',
    MOXNAS_ADMIN_PASSWORD: ADMIN_PASSWORD,
    MOXNAS_HOST_ACCOUNTS: 'off',
    ...db.env,
  };
  const config = loadConfig(env, root);
  return { config, app: await createApp(config, createLogger(config.logLevel)) };
}

function started(app: NestFastifyApplication, config: AppConfig): Started {
  const fastify = app.getHttpAdapter().getInstance();
  return {
    app,
    config,
    async request<T>(url: string, token?: string) {
      const res = await fastify.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });
      return { status: res.statusCode, body: JSON.parse(res.body) as T };
    },
  };
}

async function token(s: Started): Promise<string> {
  const res = await s.app.getHttpAdapter().getInstance().inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: ADMIN_PASSWORD } });
  return (JSON.parse(res.body) as { accessToken: string }).accessToken;
}

describe(`start-up (${testBackend()} database)`, () => {
  let root: string;
  let db: TestDatabase;
  let first: Started;
  let releaseHold!: () => void;

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'moxnas-startup-'));
    db = await createTestDatabase(path.join(root, 'data'));
  });

  afterAll(async () => {
    releaseHold?.();
    await first?.app.close();
    await db?.drop();
    await fs.rm(root, { recursive: true, force: true });
  });

  it('is not ready until the start-up reconcile has put the files back in line with the database', async () => {
    const { app, config } = await build(root, db);
    first = started(app, config);
    // A crash after an apply wrote its files and before it committed: smb.conf serves a share the
    // database does not hold.
    const smbConf = app.get(ServicesService).mainFile('smb');
    await fs.mkdir(path.dirname(smbConf), { recursive: true });
    await fs.writeFile(smbConf, '[global]\n  workgroup = GHOST\n[ghost]\n  path = /tmp\n');
    // A host part of the reconcile that takes its time, and then fails.
    const held = new Promise<void>((resolve) => (releaseHold = resolve));
    app.get(ReconcileService).register('held-part', async () => {
      await held;
      throw new Error('the held part failed');
    });
    await app.init();
    await app.get(DatabaseService).whenReady();

    const waiting = await first.request<{ status: string; checks: Record<string, { status: string; message?: string }> }>('/api/system/health/ready');
    expect(waiting.status).toBe(503);
    expect(waiting.body.checks['database'].status).toBe('ok');
    expect(waiting.body.checks['reconcile'].status).toBe('error');
    expect(waiting.body.checks['reconcile'].message).toMatch(/start-up reconcile has not finished/);
    expect(await fs.readFile(smbConf, 'utf8')).toContain('[ghost]');

    releaseHold();
    await app.get(DatabaseService).settled();
    const ready = await first.request('/api/system/health/ready');
    expect(ready.status).toBe(200);
    expect(await fs.readFile(smbConf, 'utf8')).toBe((await app.get(ApplyEngine).renderCurrent('smb')).files.get(smbConf));
  });

  it('reports a part of the start-up reconcile that failed: alert, detailed health, log — not a silent ready', async () => {
    const admin = await token(first);
    type Alert = { class: string; severity: string; message: string };
    const alerts = await first.request<Alert[] | { items: Alert[] }>('/api/system/alerts', admin);
    const alert = (Array.isArray(alerts.body) ? alerts.body : alerts.body.items).find((a) => a.class === 'reconcile.failed');
    expect(alert).toMatchObject({ severity: 'critical' });
    expect(alert?.message).toContain('held-part: the held part failed');
    const detailed = await first.request<{ checks: { services: { status: string; message?: string } } }>('/api/system/health/detailed', admin);
    expect(detailed.body.checks.services.status).not.toBe('healthy');
    expect(detailed.body.checks.services.message).toContain('start-up reconcile: held-part: the held part failed');
  });

  it('refuses a second server on the same data dir with one line, before touching the database socket', async () => {
    const socket = path.join(first.config.dataDir, 'run', '.s.PGSQL.5432');
    const before = testBackend() === 'embedded' ? (await fs.stat(socket)).ino : null;
    const err = await build(root, db).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DataDirLockedError);
    const message = (err as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toContain(`pid ${process.pid}`);
    expect(message).toContain(first.config.dataDir);
    if (before !== null) expect((await fs.stat(socket)).ino).toBe(before);
    // The first one keeps serving data routes and stays ready.
    const admin = await token(first);
    expect((await first.request('/api/users', admin)).status).toBe(200);
    expect((await first.request('/api/system/health/ready')).status).toBe(200);
  });

  (testBackend() === 'embedded' ? it : it.skip)('turns ready 503 when the socket the pool connects through no longer leads to this server', async () => {
    const socket = path.join(first.config.dataDir, 'run', '.s.PGSQL.5432');
    // What a second start used to do: remove the socket and listen on a new one in its place.
    await fs.rm(socket);
    const impostor = net.createServer((c) => c.destroy());
    await new Promise<void>((resolve) => impostor.listen(socket, resolve));
    try {
      const ready = await first.request<{ checks: Record<string, { status: string; message?: string }> }>('/api/system/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.checks['database'].status).toBe('error');
      expect(ready.body.checks['database'].message).toMatch(/socket .* was replaced/);
    } finally {
      await new Promise((resolve) => impostor.close(resolve));
    }
    const gone = await first.request<{ checks: Record<string, { status: string; message?: string }> }>('/api/system/health/ready');
    expect(gone.status).toBe(503);
    expect(gone.body.checks['database'].message).toMatch(/socket .* is gone/);
  });

  it('takes over a stale lock left by a process that is gone', async () => {
    await first.app.close();
    first = undefined as unknown as Started;
    const lock = path.join(root, 'data', LOCK_FILE);
    await expect(fs.access(lock)).rejects.toThrow();
    // kill -9 leaves the lock behind; its pid no longer runs.
    await fs.writeFile(lock, `${JSON.stringify({ pid: 2 ** 22 + 17, started: '1' })}\n`);
    const { app, config } = await build(root, db);
    first = started(app, config);
    await app.init();
    await app.get(DatabaseService).settled();
    expect(JSON.parse(await fs.readFile(lock, 'utf8'))).toMatchObject({ pid: process.pid });
    expect((await first.request('/api/system/health/ready')).status).toBe(200);
  });
});
