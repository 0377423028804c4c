import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Pool } from '@moxnas/contracts';
import { isProbeScratchName } from '@moxnas/host';
import { DataSource } from 'typeorm';
import type { InjectResult, TestApp } from '../support/test-app';
import { adminToken, createUser, startUsersApp, uniqueName } from '../users/users-kit';

export { uniqueName };

export interface SharesApp extends TestApp {
  token: string;
  api<T = unknown>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown, token?: string): Promise<InjectResult<T>>;
}

/** The real API (host accounts off), logged in as admin. */
export async function startSharesApp(): Promise<SharesApp> {
  const app = await startUsersApp();
  const token = await adminToken(app);
  return Object.assign(app, {
    token,
    api: <T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown, as?: string) => app.request<T>({ method, url, body, token: as ?? token }),
  });
}

/** A fresh real directory under the system temp dir. */
export async function tempDir(prefix = 'pool'): Promise<string> {
  return fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), `moxnas-sh-${prefix}-`)));
}

/** Registers a temp directory as a pool. */
export async function registerPool(app: SharesApp, dir?: string): Promise<Pool> {
  const res = await app.api<Pool>('POST', '/api/storage/pools', { name: uniqueName('pool'), path: dir ?? (await tempDir()) });
  if (res.status !== 201) throw new Error(`pool registration failed: ${res.status} ${res.text}`);
  return res.body;
}

export async function makeUser(app: SharesApp, extra: Record<string, unknown> = {}): Promise<string> {
  const user = await createUser(app, app.token, { username: uniqueName('u'), role: 'none', ...extra });
  return user.username;
}

export async function makeGroup(app: SharesApp, members: string[] = []): Promise<string> {
  const name = uniqueName('g');
  const res = await app.api<{ id: string }>('POST', '/api/groups', { name });
  if (res.status !== 201) throw new Error(`group creation failed: ${res.status} ${res.text}`);
  for (const username of members) {
    const users = await app.api<{ items: Array<{ id: string; username: string; groups: Array<{ id: string }> }> }>('GET', `/api/users?search=${username}`);
    const user = users.body.items.find((u) => u.username === username)!;
    const patched = await app.api('PATCH', `/api/users/${user.id}`, { groupIds: [...user.groups.map((g) => g.id), res.body.id] });
    if (patched.status !== 200) throw new Error(`adding ${username} to ${name} failed: ${patched.status} ${patched.text}`);
  }
  return name;
}

/** sha256 of every file under `dir` (missing dir = empty), for byte-comparisons before/after. */
export async function snapshotFiles(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string) => {
    for (const e of await fs.readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out[path.relative(dir, p)] = crypto.createHash('sha256').update(await fs.readFile(p)).digest('hex');
    }
  };
  await walk(dir);
  return out;
}

/** Every row of the share tables and the config revisions, for before/after comparisons. */
export async function shareRows(app: TestApp): Promise<unknown> {
  const ds = app.app.get(DataSource);
  return {
    smb: await ds.query('SELECT * FROM smb_shares ORDER BY id'),
    nfs: await ds.query('SELECT * FROM nfs_shares ORDER BY id'),
    ftp: await ds.query('SELECT * FROM ftp_shares ORDER BY id'),
    revisions: await ds.query('SELECT id FROM config_revisions ORDER BY id'),
  };
}

/**
 * Every directory (`dir/`), symlink (`link@` → its target) and file (its bytes) under `root`, for
 * byte-for-byte before/after comparisons; a missing root is empty.
 */
export async function treeSnapshot(root: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  async function walk(dir: string): Promise<void> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      // The app's own periodic pool probe creates (and removes within milliseconds) a scratch file
      // in each pool root; exactly those names, and nothing else, are not part of the comparison.
      if (isProbeScratchName(e.name)) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        out.set(`${p}/`, Buffer.alloc(0));
        await walk(p);
      } else if (e.isSymbolicLink()) out.set(`${p}@`, Buffer.from(await fs.readlink(p)));
      else out.set(p, await fs.readFile(p));
    }
  }
  await walk(root);
  return out;
}

/** What changed between two tree snapshots: `removed p`, `changed p`, `added p`. */
export function treeDifference(before: Map<string, Buffer>, after: Map<string, Buffer>): string[] {
  const diffs: string[] = [];
  for (const [p, b] of before) {
    const a = after.get(p);
    if (!a) diffs.push(`removed ${p}`);
    else if (!a.equals(b)) diffs.push(`changed ${p}`);
  }
  for (const p of after.keys()) if (!before.has(p)) diffs.push(`added ${p}`);
  return diffs;
}
