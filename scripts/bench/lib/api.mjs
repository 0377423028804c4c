/* global performance, URL, fetch, setTimeout, clearTimeout */
// Starts the built API (dist/api) as its own process on a scratch data dir, etc root and database.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { apiMain, root } from '../ensure-api-build.mjs';
import { rssMiB, sleep } from './proc.mjs';

const require = createRequire(import.meta.url);
const { Client } = require('pg');

export const ADMIN_PASSWORD = 'Bench-admin-passphrase-1';

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function withDatabase(url, name) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function adminQuery(url, sql) {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** A scratch database on the server DATABASE_URL points at (never the one it names). */
export async function createScratchDatabase(serverUrl) {
  const name = `moxnas_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  return { url: withDatabase(serverUrl, name), drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/**
 * @param {{ mode: 'postgres'|'embedded', serverUrl?: string, redisUrl?: string, env?: Record<string,string>, dir?: string, database?: {url:string,drop():Promise<void>} }} o
 */
export async function startApi(o) {
  const dir = o.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'moxnas-bench-'));
  const database = o.mode === 'postgres' ? (o.database ?? (await createScratchDatabase(o.serverUrl))) : null;
  const port = await freePort();
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    MOXNAS_DATA_DIR: path.join(dir, 'data'),
    MOXNAS_ETC_ROOT: path.join(dir, 'etc'),
    MOXNAS_WEB_ROOT: path.join(root, 'dist/web'),
    MOXNAS_ADMIN_PASSWORD: ADMIN_PASSWORD,
    MOXNAS_HOST_ACCOUNTS: 'off',
    MOXNAS_LOG_LEVEL: 'warn',
    MOXNAS_REDIS_PREFIX: `moxnas-bench:${path.basename(dir)}:`,
    ...(o.env ?? {}),
  };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  if (database) env.DATABASE_URL = database.url;
  if (o.redisUrl) env.REDIS_URL = o.redisUrl;
  const started = performance.now();
  // Started as production starts it: the systemd unit, the image and npm start pass this V8 flag.
  // BENCH_API_NODE_FLAGS replaces it for experiments (space-separated; empty = V8's defaults).
  const nodeFlags = process.env.BENCH_API_NODE_FLAGS !== undefined ? process.env.BENCH_API_NODE_FLAGS.split(/\s+/).filter(Boolean) : ['--max-semi-space-size=4'];
  const child = spawn(process.execPath, [...nodeFlags, apiMain], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  let exited = false;
  child.on('exit', () => (exited = true));
  // Cold start = spawn → first 200 from the readiness probe (DB up, migrations applied).
  for (;;) {
    if (exited) throw new Error(`the API exited during start:\n${log.slice(-4000)}`);
    try {
      const res = await fetch(`${url}/api/system/health/ready`);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (performance.now() - started > 120_000) throw new Error(`the API was not ready within 120 s:\n${log.slice(-4000)}`);
    await sleep(20);
  }
  const coldStartMs = Math.round(performance.now() - started);
  const api = {
    url,
    dir,
    pid: child.pid,
    coldStartMs,
    database,
    log: () => log,
    rss: () => rssMiB(child.pid),
    async request(method, p, { token, body } = {}) {
      const res = await fetch(`${url}${p}`, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      let json;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: res.status, body: json, text };
    },
    async login() {
      const r = await api.request('POST', '/api/auth/login', { body: { username: 'admin', password: ADMIN_PASSWORD } });
      if (r.status !== 200) throw new Error(`admin login failed: ${r.status} ${r.text}`);
      return r.body.accessToken;
    },
    /** A SQL client on the API's own database (the embedded server's unix socket in embedded mode). */
    async sql() {
      const c = database
        ? new Client({ connectionString: database.url })
        : new Client({ host: path.join(dir, 'data', 'run'), port: 5432, user: 'postgres', database: 'postgres' });
      await c.connect();
      return c;
    },
    /** Stops the process (SIGTERM, then SIGKILL after 10 s); keeps the database unless drop is set. */
    async stop({ drop = true, keepDir = false } = {}) {
      if (!exited) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await new Promise((r) => (exited ? r() : child.once('exit', r)));
        clearTimeout(t);
      }
      if (drop && database) await database.drop();
      if (!keepDir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return api;
}
