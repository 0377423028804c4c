import fs from 'node:fs/promises';
import path from 'node:path';
import type { BulkResult, ErrorResponse } from '@moxnas/contracts';
import { DataSource } from 'typeorm';
import type { InjectResult, TestApp } from '../support/test-app';
import { USER_PASSWORD } from '../users/users-kit';

export type BulkResponse = InjectResult<BulkResult & ErrorResponse>;

export function postBulk(app: TestApp & { api: <T>(method: 'POST', url: string, body?: unknown) => Promise<InjectResult<T>> }, rows: unknown[], dryRun = false): Promise<BulkResponse> {
  return app.api<BulkResult & ErrorResponse>('POST', `/api/bulk${dryRun ? '?dryRun=true' : ''}`, { rows });
}

export interface BatchOptions {
  /** Prefix of every name in the batch (unique per test). */
  tag: string;
  /** A directory in a registered pool; each share gets a subdirectory, made by the batch. */
  poolDir: string;
  groups: number;
  users: number;
  smb: number;
  nfs?: number;
  ftp?: number;
  /** Extra fields for the user rows, by index among the users. */
  user?: (i: number) => Record<string, unknown>;
  /**
   * Explicit ids: groups get gid idBase + i, users uid idBase + 500 + i. Host suites run in parallel
   * on one machine with their own databases; allocating from 10000 up, two of them could pick the
   * same free uid at once and one useradd would refuse it.
   */
  idBase?: number;
}

/**
 * Rows of a realistic batch: groups first, then users (each in one of the groups, by name), then
 * shares naming those users and groups. Row order: groups, users, SMB, NFS, FTP.
 */
export function batchRows(o: BatchOptions): Array<{ kind: string; data: Record<string, unknown> }> {
  const group = (i: number) => `${o.tag}g${i}`;
  const user = (i: number) => `${o.tag}u${i}`;
  const rows: Array<{ kind: string; data: Record<string, unknown> }> = [];
  for (let i = 0; i < o.groups; i++) rows.push({ kind: 'group', data: { name: group(i), description: `bulk group ${i}`, ...(o.idBase ? { gid: o.idBase + i } : {}) } });
  for (let i = 0; i < o.users; i++) {
    rows.push({ kind: 'user', data: { username: user(i), password: USER_PASSWORD, fullName: `Bulk User ${i}`, groups: [group(i % o.groups)], ...(o.idBase ? { uid: o.idBase + 500 + i } : {}), ...(o.user?.(i) ?? {}) } });
  }
  const mkdir = { owner: null, group: null, mode: '0775' };
  for (let i = 0; i < o.smb; i++) {
    rows.push({
      kind: 'smbShare',
      data: { name: `${o.tag}smb${i}`, path: path.join(o.poolDir, `smb${i}`), createDirectory: mkdir, validGroups: [group(i % o.groups)], writeUsers: [user(i % o.users)] },
    });
  }
  for (let i = 0; i < (o.nfs ?? 0); i++) {
    // No createDirectory: exportfs checks that an exported directory exists, and a dry run makes none.
    rows.push({ kind: 'nfsShare', data: { path: path.join(o.poolDir, `nfs${i}`), clients: [{ host: `10.${i}.0.0/16`, access: 'rw' }] } });
  }
  for (let i = 0; i < (o.ftp ?? 0); i++) {
    rows.push({ kind: 'ftpShare', data: { name: `${o.tag}ftp${i}`, path: path.join(o.poolDir, `ftp${i}`), createDirectory: mkdir, allowedUsers: [user(i)] } });
  }
  return rows;
}

/** The directories of the batch's NFS exports (exportfs, the checker, needs them even for a dry run). */
export async function makeNfsDirs(o: Pick<BatchOptions, 'poolDir' | 'nfs'>): Promise<void> {
  for (let i = 0; i < (o.nfs ?? 0); i++) await fs.mkdir(path.join(o.poolDir, `nfs${i}`), { recursive: true });
}

/** Every row of every table a batch writes, for "nothing changed" comparisons. */
export async function desiredState(app: TestApp): Promise<string> {
  const ds = app.app.get(DataSource);
  const q = (sql: string) => ds.query(sql);
  return JSON.stringify({
    users: await q('SELECT * FROM users ORDER BY id'),
    groups: await q('SELECT * FROM groups ORDER BY id'),
    memberships: await q('SELECT * FROM user_groups ORDER BY user_id, group_id'),
    smb: await q('SELECT * FROM smb_shares ORDER BY id'),
    nfs: await q('SELECT * FROM nfs_shares ORDER BY id'),
    ftp: await q('SELECT * FROM ftp_shares ORDER BY id'),
    revisions: await q('SELECT id FROM config_revisions ORDER BY id'),
  });
}

export const readText = (file: string) => fs.readFile(file, 'utf8').catch(() => '');
