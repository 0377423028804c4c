import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DestinationStream } from 'pino';
import { createApp } from '../../src/bootstrap';
import { loadConfig, type AppConfig } from '../../src/core/config/config';
import { DatabaseService } from '../../src/core/database/database.service';
import { createLogger } from '../../src/core/logging/logger';
import { createTestDatabase, type TestDatabase } from './test-db';

export interface InjectOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  token?: string;
}

export interface InjectResult<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: T;
  text: string;
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  db: TestDatabase;
  /** Temporary root holding data/ and etc/ of this app. */
  root: string;
  /** In-process HTTP request (no socket) through the whole Fastify + Nest stack. */
  request<T = unknown>(opts: InjectOptions): Promise<InjectResult<T>>;
  /** Base URL when started with `listen: true`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the real API on its own database, data dir and etc root. Redis is used when REDIS_URL is
 * set, with a key prefix of its own so parallel test files never share state.
 */
export async function startTestApp(
  options: { env?: Record<string, string>; listen?: boolean; redis?: boolean; /** where the log lines go (stdout if unset) */ logTo?: DestinationStream } = {},
): Promise<TestApp> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'moxnas-it-'));
  const db = await createTestDatabase(path.join(root, 'data'));
  const env: Record<string, string> = {
    MOXNAS_DATA_DIR: path.join(root, 'data'),
    MOXNAS_ETC_ROOT: path.join(root, 'etc'),
    MOXNAS_WEB_ROOT: path.join(root, 'web'),
    MOXNAS_LOG_LEVEL: process.env.MOXNAS_TEST_LOG_LEVEL ?? 'silent',
    MOXNAS_REDIS_PREFIX: `moxnas-test:${path.basename(root)}:`,
    PORT: '8000',
    ...db.env,
    ...(options.redis !== false && process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...options.env,
  };
  const config = loadConfig(env, root);
  const app = await createApp(config, createLogger(config.logLevel, options.logTo));
  let url = '';
  if (options.listen) {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.getHttpServer().address();
    url = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
  } else {
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  }
  // Seeding and reconcile run once the database is ready; tests start after them, as a client would.
  await app.get(DatabaseService).settled();
  const fastify = app.getHttpAdapter().getInstance();
  return {
    app,
    config,
    db,
    root,
    url,
    async request<T>(opts: InjectOptions): Promise<InjectResult<T>> {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (opts.token) headers['authorization'] = `Bearer ${opts.token}`;
      const res = await fastify.inject({
        method: opts.method ?? 'GET',
        url: opts.url,
        headers,
        ...(opts.body !== undefined ? { payload: opts.body as object } : {}),
      });
      let body: unknown = res.body;
      try {
        body = res.body ? JSON.parse(res.body) : undefined;
      } catch {
        /* not JSON: keep the text */
      }
      return { status: res.statusCode, headers: res.headers, body: body as T, text: res.body };
    },
    async close() {
      await app.close();
      await db.drop();
      await fs.rm(root, { recursive: true, force: true });
    },
  };
}
