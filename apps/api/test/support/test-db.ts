import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/core/database/data-source-options';
import { EmbeddedPostgres } from '../../src/core/database/embedded-postgres';

/**
 * Test databases. With DATABASE_URL (and MOXNAS_TEST_DB not `embedded`) each test file gets its own
 * PostgreSQL database cloned from a template migrated once per run; otherwise each file gets its own
 * embedded data dir copied from a template migrated once per run.
 */
export function testBackend(): 'postgres' | 'embedded' {
  return process.env.DATABASE_URL && process.env.MOXNAS_TEST_DB !== 'embedded' ? 'postgres' : 'embedded';
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Global setup: migrate one template; returns the env the workers read. */
export async function createTemplate(): Promise<Record<string, string>> {
  const runId = `${process.pid}_${randomBytes(3).toString('hex')}`;
  if (testBackend() === 'postgres') {
    const name = `moxnas_tpl_${runId}`;
    await admin((c) => c.query(`CREATE DATABASE ${name}`));
    const ds = new DataSource(dataSourceOptions({ kind: 'postgres', url: withDatabase(process.env.DATABASE_URL!, name) }, 2));
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await ds.destroy();
    return { MOXNAS_TEST_PG_TEMPLATE: name };
  }
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'moxnas-tpl-'));
  const embedded = new EmbeddedPostgres(path.join(root, 'pglite'), path.join(root, 'run'), 3);
  const endpoint = await embedded.start();
  const ds = new DataSource(dataSourceOptions({ kind: 'embedded', endpoint }, 2));
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  await embedded.stop();
  return { MOXNAS_TEST_PGLITE_TEMPLATE: path.join(root, 'pglite') };
}

export async function dropTemplate(): Promise<void> {
  const pg = process.env.MOXNAS_TEST_PG_TEMPLATE;
  if (pg) await admin((c) => c.query(`DROP DATABASE IF EXISTS ${pg} WITH (FORCE)`));
  const dir = process.env.MOXNAS_TEST_PGLITE_TEMPLATE;
  if (dir) await fs.rm(path.dirname(dir), { recursive: true, force: true });
}

export interface TestDatabase {
  /** Environment for loadConfig: DATABASE_URL for PostgreSQL; nothing extra for embedded. */
  env: Record<string, string>;
  /** For embedded: the data dir holding `pglite/`. */
  dataDir: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one test file. */
export async function createTestDatabase(dataDir: string): Promise<TestDatabase> {
  if (testBackend() === 'postgres') {
    const template = process.env.MOXNAS_TEST_PG_TEMPLATE;
    if (!template) throw new Error('integration global setup did not run (no MOXNAS_TEST_PG_TEMPLATE)');
    const name = `moxnas_t_${process.pid}_${randomBytes(4).toString('hex')}`;
    // CREATE DATABASE … TEMPLATE fails while another session is connected to the template; retry briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
        break;
      } catch (err) {
        if (attempt > 20) throw err;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
    return {
      env: { DATABASE_URL: withDatabase(process.env.DATABASE_URL!, name) },
      dataDir,
      drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
    };
  }
  const template = process.env.MOXNAS_TEST_PGLITE_TEMPLATE;
  if (!template) throw new Error('integration global setup did not run (no MOXNAS_TEST_PGLITE_TEMPLATE)');
  await fs.mkdir(dataDir, { recursive: true });
  await fs.cp(template, path.join(dataDir, 'pglite'), { recursive: true });
  return { env: {}, dataDir, drop: async () => undefined };
}
