import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ApplyResult, FtpShareMutation, NfsShareMutation, Pool, ShareDeletion, SmbShareMutation } from '@moxnas/contracts';
import { hostPaths } from '../../src/core/config/host-paths';
import type { InjectResult, TestApp } from '../support/test-app';
import { adminToken, createUser, startUsersApp, uniqueName } from '../users/users-kit';
import { treeDifference, treeSnapshot } from './shares-kit';

/**
 * `?dryRun=true` on create, update and delete of each protocol: the answer carries the unified diff
 * of each file the change would make, and afterwards the database (list and get responses, the
 * revision history) and every file under the etc root are exactly as before.
 */

type Protocol = 'smb' | 'nfs' | 'ftp';
type Mutation = SmbShareMutation | NfsShareMutation | FtpShareMutation;

/** The added and removed lines of all diffs of an apply result, without the file headers. */
function changedLines(apply: ApplyResult, sign: '+' | '-'): string[] {
  return apply.diffs
    .flatMap((d) => d.diff.split('\n'))
    .filter((l) => l.startsWith(sign) && !l.startsWith(`${sign}${sign}${sign}`))
    .map((l) => l.slice(1).trim());
}

describe('shares: ?dryRun=true changes nothing', () => {
  let app: TestApp;
  let token: string;
  let root: string;
  let pool: string;
  let etcRoot: string;
  let user: string;

  const api = <T = unknown>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown): Promise<InjectResult<T & { code?: string; message?: string }>> =>
    app.request<T & { code?: string; message?: string }>({ method, url, token, ...(body !== undefined ? { body } : {}) });

  /** Everything a dry run must leave alone: files, lists, each share, and the revision history. */
  async function state(protocol: Protocol, id?: string) {
    const list = await api<{ items: unknown[]; total: number }>('GET', `/api/shares/${protocol}?pageSize=500`);
    const one = id ? await api('GET', `/api/shares/${protocol}/${id}`) : undefined;
    const revisions = await api<unknown[]>('GET', `/api/services/${protocol}/revisions`);
    const summary = await api('GET', '/api/shares');
    return {
      files: await treeSnapshot(etcRoot),
      db: JSON.stringify({ list: [list.status, list.body], one: one && [one.status, one.body], revisions: [revisions.status, revisions.body], summary: [summary.status, summary.body] }),
      poolDir: JSON.stringify(await fs.readdir(pool, { recursive: true })),
    };
  }

  async function expectUnchanged(before: Awaited<ReturnType<typeof state>>, protocol: Protocol, id?: string): Promise<void> {
    const after = await state(protocol, id);
    expect(treeDifference(before.files, after.files)).toEqual([]);
    expect(JSON.parse(after.db)).toEqual(JSON.parse(before.db));
    expect(after.poolDir).toBe(before.poolDir);
  }

  beforeAll(async () => {
    app = await startUsersApp();
    token = await adminToken(app);
    root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'moxnas-dry-')));
    pool = path.join(root, 'pool');
    await fs.mkdir(path.join(pool, 'data'), { recursive: true });
    const res = await api<Pool>('POST', '/api/storage/pools', { name: uniqueName('dry'), path: pool });
    if (res.status !== 201) throw new Error(`pool: ${res.status} ${res.text}`);
    user = uniqueName('dry');
    await createUser(app, token, { username: user, ftpEnabled: true });
    etcRoot = app.config.etcRoot;
  });

  afterAll(async () => {
    await app?.close();
    if (root) await fs.rm(root, { recursive: true, force: true });
  });

  interface Case {
    create: Record<string, unknown>;
    /** Lines the create diff must add (trimmed, whitespace-insensitive match). */
    created: (p: string) => RegExp[];
    /** Which file the diff is of. */
    file: () => RegExp;
    update: Record<string, unknown>;
    updated: RegExp[];
    gone: (p: string) => RegExp[];
  }

  const cases: Record<Protocol, () => Case> = {
    smb: () => ({
      create: { name: 'DryShare', path: path.join(pool, 'data'), comment: 'seen only in the diff', validUsers: [user] },
      created: (p) => [/^\[DryShare\]$/, new RegExp(`^path\\s*=\\s*${p}$`), /^comment\s*=\s*seen only in the diff$/, new RegExp(`^valid users\\s*=\\s*${user}$`)],
      file: () => new RegExp(`${hostPaths(app.config).smbConf}$`),
      update: { readOnly: true, comment: 'changed in a dry run' },
      updated: [/^read only\s*=\s*yes$/i, /^comment\s*=\s*changed in a dry run$/],
      gone: () => [/^\[DryShare\]$/],
    }),
    nfs: () => ({
      create: { path: path.join(pool, 'data'), clients: [{ host: '10.9.0.0/16', access: 'rw' }], comment: 'dry export' },
      created: (p) => [new RegExp(`^${p}\\s+10\\.9\\.0\\.0/16\\(rw[,)]`), /^#\s*dry export$/],
      file: () => new RegExp(`${hostPaths(app.config).exports}$`),
      update: { clients: [{ host: '10.9.0.0/16', access: 'ro' }] },
      updated: [/10\.9\.0\.0\/16\(ro[,)]/],
      gone: (p) => [new RegExp(`^${p}\\s`)],
    }),
    ftp: () => ({
      create: { name: 'dry ftp', path: path.join(pool, 'data'), allowedUsers: [user], writeEnable: true },
      created: (p) => [new RegExp(`^local_root=${p}$`), new RegExp(`^${user}$`)],
      file: () => new RegExp(`^${hostPaths(app.config).vsftpdUserDir}/${user}$`),
      update: { writeEnable: false },
      updated: [/^write_enable=NO$/],
      gone: (p) => [new RegExp(`^local_root=${p}$`)],
    }),
  };

  it.each(['smb', 'nfs', 'ftp'] as const)('%s: create, update and delete with ?dryRun=true answer the diff and change nothing', async (protocol) => {
    const c = cases[protocol]();
    const p = path.join(pool, 'data');

    // Create
    let before = await state(protocol);
    const dryCreate = await api<Mutation>('POST', `/api/shares/${protocol}?dryRun=true`, c.create);
    if (dryCreate.status !== 200 && dryCreate.status !== 201) throw new Error(`dry-run create: ${dryCreate.status} ${dryCreate.text}`);
    expect(dryCreate.body.apply).toMatchObject({ dryRun: true, applied: false, revisionIds: [] });
    const added = changedLines(dryCreate.body.apply, '+');
    for (const re of c.created(p)) expect(added).toContainEqual(expect.stringMatching(re));
    expect(dryCreate.body.apply.diffs.some((d) => c.file().test(d.path) && d.diff !== '')).toBe(true);
    expect(dryCreate.body.share).toMatchObject({ path: p });
    await expectUnchanged(before, protocol);
    // A share answered by a dry run does not exist.
    if (dryCreate.body.share.id) expect((await api('GET', `/api/shares/${protocol}/${dryCreate.body.share.id}`)).status).toBe(404);

    // The real create gives the same diff the dry run promised.
    const created = await api<Mutation>('POST', `/api/shares/${protocol}`, c.create);
    if (created.status !== 201) throw new Error(`create: ${created.status} ${created.text}`);
    expect(created.body.apply.dryRun).toBe(false);
    expect(created.body.apply.diffs.map((d) => [d.path, d.diff])).toEqual(dryCreate.body.apply.diffs.map((d) => [d.path, d.diff]));
    const id = created.body.share.id;

    // Update
    before = await state(protocol, id);
    const dryUpdate = await api<Mutation>('PATCH', `/api/shares/${protocol}/${id}?dryRun=true`, c.update);
    if (dryUpdate.status !== 200) throw new Error(`dry-run update: ${dryUpdate.status} ${dryUpdate.text}`);
    expect(dryUpdate.body.apply).toMatchObject({ dryRun: true, applied: false, revisionIds: [] });
    const updated = changedLines(dryUpdate.body.apply, '+');
    for (const re of c.updated) expect(updated).toContainEqual(expect.stringMatching(re));
    expect(dryUpdate.body.share).toMatchObject({ id, ...c.update });
    await expectUnchanged(before, protocol, id);

    // Delete
    const dryDelete = await api<ShareDeletion>('DELETE', `/api/shares/${protocol}/${id}?dryRun=true`);
    if (dryDelete.status !== 200) throw new Error(`dry-run delete: ${dryDelete.status} ${dryDelete.text}`);
    expect(dryDelete.body.apply).toMatchObject({ dryRun: true, applied: false, revisionIds: [] });
    const removed = changedLines(dryDelete.body.apply, '-');
    for (const re of c.gone(p)) expect(removed).toContainEqual(expect.stringMatching(re));
    await expectUnchanged(before, protocol, id);
    expect((await api('GET', `/api/shares/${protocol}/${id}`)).status).toBe(200);

    // dryRun=false is a real change (the flag is parsed, not just present).
    const real = await api<ShareDeletion>('DELETE', `/api/shares/${protocol}/${id}?dryRun=false`);
    expect(real.status).toBe(200);
    expect(real.body.apply.dryRun).toBe(false);
    expect((await api('GET', `/api/shares/${protocol}/${id}`)).status).toBe(404);
  });

  it('a dry run of an invalid change is refused like the real one, and changes nothing', async () => {
    const before = await state('smb');
    const res = await api<{ errors: Array<{ field: string }> }>('POST', '/api/shares/smb?dryRun=true', { name: 'bad]name', path: path.join(pool, 'data') });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e) => e.field)).toEqual(['name']);
    await expectUnchanged(before, 'smb');
  });

  it('a dry run that would create the directory does not create it', async () => {
    const before = await state('smb');
    const res = await api<SmbShareMutation>('POST', '/api/shares/smb?dryRun=true', { name: 'NewDir', path: path.join(pool, 'not-yet'), createDirectory: { mode: '0770' } });
    expect(res.status === 200 || res.status === 201).toBe(true);
    expect(res.body.apply.dryRun).toBe(true);
    expect(changedLines(res.body.apply, '+')).toContainEqual(expect.stringMatching(/^\[NewDir\]$/));
    await expectUnchanged(before, 'smb');
    await expect(fs.stat(path.join(pool, 'not-yet'))).rejects.toThrow(/ENOENT/);
  });
});
