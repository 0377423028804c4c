import fs from 'node:fs/promises';
import path from 'node:path';
import type { ServiceId } from '@moxnas/contracts';
import fc from 'fast-check';
import { ApplyEngine } from '../../src/modules/services/apply/apply-engine';
import { registerPool, startSharesApp, type SharesApp } from '../shares/shares-kit';
import { USER_PASSWORD } from '../users/users-kit';

/**
 * Model-based check of the dependency model (issue 14): random sequences of API changes to users,
 * groups, memberships, datasets, SMB/NFS/FTP shares and service settings; after every step the
 * files on disk equal a fresh render from the database, byte for byte, for every service, and an
 * owned directory holds no file the render does not. A dependency missing from a ManagedConfig's
 * `dependsOn` shows up here as a stale file.
 *
 * Runs with a fixed seed (MOXNAS_MODEL_SEED, default below) and once with a random one; a failure
 * names its seed, and `MOXNAS_MODEL_SEED=<seed>` replays it.
 */

const SERVICES: ServiceId[] = ['smb', 'nfs', 'ftp'];
const FIXED_SEED = Number(process.env['MOXNAS_MODEL_SEED'] ?? 20261414);
const RUNS = 10;
const STEPS = 12;

type Action =
  | { kind: 'user.create'; disabled: boolean; group: number | null }
  | { kind: 'user.disable'; user: number; disabled: boolean }
  | { kind: 'user.groups'; user: number; groups: number[] }
  | { kind: 'user.delete'; user: number }
  | { kind: 'group.create'; members: number[] }
  | { kind: 'group.rename'; group: number }
  | { kind: 'group.members'; group: number; members: number[] }
  | { kind: 'group.delete'; group: number }
  | { kind: 'dataset.create' }
  | { kind: 'dataset.delete'; dataset: number }
  | { kind: 'share.smb'; users: number[]; groups: number[]; readOnly: boolean; dataset: number | null }
  | { kind: 'share.nfs'; readOnly: boolean }
  | { kind: 'share.ftp'; users: number[]; groups: number[] }
  | { kind: 'share.update'; protocol: 'smb' | 'nfs' | 'ftp'; share: number; flag: boolean }
  | { kind: 'share.delete'; protocol: 'smb' | 'nfs' | 'ftp'; share: number }
  | { kind: 'settings'; service: ServiceId; text: string };

const pick = fc.nat({ max: 20 });
const picks = fc.array(pick, { maxLength: 3 });
const protocol = fc.constantFrom('smb' as const, 'nfs' as const, 'ftp' as const);
const action: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('user.create' as const), disabled: fc.boolean(), group: fc.option(pick, { nil: null }) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('user.disable' as const), user: pick, disabled: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('user.groups' as const), user: pick, groups: picks }), weight: 3 },
  fc.record({ kind: fc.constant('user.delete' as const), user: pick }),
  { arbitrary: fc.record({ kind: fc.constant('group.create' as const), members: picks }), weight: 2 },
  fc.record({ kind: fc.constant('group.rename' as const), group: pick }),
  { arbitrary: fc.record({ kind: fc.constant('group.members' as const), group: pick, members: picks }), weight: 3 },
  fc.record({ kind: fc.constant('group.delete' as const), group: pick }),
  fc.record({ kind: fc.constant('dataset.create' as const) }),
  fc.record({ kind: fc.constant('dataset.delete' as const), dataset: pick }),
  { arbitrary: fc.record({ kind: fc.constant('share.smb' as const), users: picks, groups: picks, readOnly: fc.boolean(), dataset: fc.option(pick, { nil: null }) }), weight: 2 },
  fc.record({ kind: fc.constant('share.nfs' as const), readOnly: fc.boolean() }),
  { arbitrary: fc.record({ kind: fc.constant('share.ftp' as const), users: picks, groups: picks }), weight: 2 },
  fc.record({ kind: fc.constant('share.update' as const), protocol, share: pick, flag: fc.boolean() }),
  fc.record({ kind: fc.constant('share.delete' as const), protocol, share: pick }),
  fc.record({ kind: fc.constant('settings' as const), service: fc.constantFrom<ServiceId>('smb', 'ftp'), text: fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9 ]{0,18}[A-Za-z0-9])?$/) }),
);

describe('model: the files on disk always equal a fresh render of the database', () => {
  let app: SharesApp;
  let engine: ApplyEngine;
  let poolId: string;
  let poolPath: string;
  let counter = 0;
  const next = (prefix: string) => `${prefix}${(++counter).toString(36)}m${process.pid.toString(36)}`;

  beforeAll(async () => {
    app = await startSharesApp();
    engine = app.app.get(ApplyEngine);
    const pool = await registerPool(app);
    [poolId, poolPath] = [pool.id, pool.path];
    // A starting state with accounts in groups and shares naming them, so that the first steps
    // already have dependants to break.
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await app.api<{ id: string }>('POST', '/api/users', { username: next('u'), password: USER_PASSWORD, role: 'none' });
      ids.push(res.body.id);
    }
    const groups: string[] = [];
    for (const members of [ids.slice(0, 2), ids.slice(1)]) {
      const name = next('g');
      expect((await app.api('POST', '/api/groups', { name, memberIds: members })).status).toBe(201);
      groups.push(name);
    }
    expect((await app.api('POST', '/api/shares/ftp', { name: next('ftp'), path: await shareDir(), allowedGroups: [groups[0]] })).status).toBe(201);
    expect((await app.api('POST', '/api/shares/smb', { name: next('smb'), path: await shareDir(), validGroups: groups })).status).toBe(201);
  });
  afterAll(() => app?.close());

  type Listed = { id: string; name?: string; username?: string };
  const list = async (url: string): Promise<Listed[]> => {
    // Paged lists take a page size; the dataset list is not paged and (queries are strict) takes none.
    const paged = !url.startsWith('/api/storage/datasets');
    const res = await app.api<{ items: Listed[] } | Listed[]>('GET', paged ? `${url}${url.includes('?') ? '&' : '?'}pageSize=500` : url);
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${res.text}`);
    // Paged lists answer { items }, the dataset list a plain array.
    return Array.isArray(res.body) ? res.body : res.body.items;
  };
  const users = async () => (await list('/api/users')).filter((u) => u.username !== 'admin');
  const nth = <T>(items: T[], i: number): T | undefined => (items.length ? items[i % items.length] : undefined);
  const some = <T>(items: T[], is: number[]): T[] => [...new Set(is.map((i) => nth(items, i)).filter((x): x is T => x !== undefined))];
  const shareDir = async () => {
    const dir = path.join(poolPath, next('s'));
    await fs.mkdir(dir);
    return dir;
  };

  /** Sends one change; its status may be anything but a server error (refusals are part of the model). */
  async function perform(a: Action): Promise<string> {
    const [us, gs] = await Promise.all([users(), list('/api/groups')]);
    const send = async (method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown) => {
      const res = await app.api(method, url, body);
      if (res.status >= 500) throw new Error(`${method} ${url} ${JSON.stringify(body)} → ${res.status} ${res.text}`);
      return `${method} ${url} → ${res.status}`;
    };
    const user = (i: number) => nth(us, i);
    const group = (i: number) => nth(gs, i);
    switch (a.kind) {
      case 'user.create': {
        const g = a.group === null ? undefined : group(a.group);
        return send('POST', '/api/users', { username: next('u'), password: USER_PASSWORD, role: 'none', disabled: a.disabled, ...(g ? { groupIds: [g.id] } : {}) });
      }
      case 'user.disable':
        return user(a.user) ? send('PATCH', `/api/users/${user(a.user)!.id}`, { disabled: a.disabled }) : 'no user';
      case 'user.groups':
        return user(a.user) ? send('PATCH', `/api/users/${user(a.user)!.id}`, { groupIds: some(gs, a.groups).map((g) => g.id) }) : 'no user';
      case 'user.delete':
        return user(a.user) ? send('DELETE', `/api/users/${user(a.user)!.id}?keepFiles=true`) : 'no user';
      case 'group.create':
        return send('POST', '/api/groups', { name: next('g'), memberIds: some(us, a.members).map((u) => u.id) });
      case 'group.rename':
        return group(a.group) ? send('PATCH', `/api/groups/${group(a.group)!.id}`, { name: next('g') }) : 'no group';
      case 'group.members':
        return group(a.group) ? send('PATCH', `/api/groups/${group(a.group)!.id}`, { memberIds: some(us, a.members).map((u) => u.id) }) : 'no group';
      case 'group.delete':
        return group(a.group) ? send('DELETE', `/api/groups/${group(a.group)!.id}`) : 'no group';
      case 'dataset.create':
        return send('POST', '/api/storage/datasets', { poolId, name: next('d') });
      case 'dataset.delete': {
        const d = nth(await list(`/api/storage/datasets?poolId=${poolId}`), a.dataset);
        return d ? send('DELETE', `/api/storage/datasets/${d.id}`) : 'no dataset';
      }
      case 'share.smb': {
        // In a dataset, with its snapshots as Previous Versions: the dataset is then in use.
        const d = a.dataset === null ? undefined : (nth(await list(`/api/storage/datasets?poolId=${poolId}`), a.dataset) as (Listed & { path: string }) | undefined);
        return send('POST', '/api/shares/smb', {
          name: next('smb'),
          path: d ? d.path : await shareDir(),
          ...(d ? { previousVersions: true } : {}),
          readOnly: a.readOnly,
          validUsers: some(us, a.users).map((u) => u.username),
          validGroups: some(gs, a.groups).map((g) => g.name),
        });
      }
      case 'share.nfs':
        return send('POST', '/api/shares/nfs', { path: await shareDir(), clients: [{ host: '10.0.0.0/24', access: a.readOnly ? 'ro' : 'rw' }] });
      case 'share.ftp':
        return send('POST', '/api/shares/ftp', {
          name: next('ftp'),
          path: await shareDir(),
          allowedUsers: some(us, a.users).map((u) => u.username),
          allowedGroups: some(gs, a.groups).map((g) => g.name),
        });
      case 'share.update': {
        const s = nth(await list(`/api/shares/${a.protocol}`), a.share);
        return s ? send('PATCH', `/api/shares/${a.protocol}/${s.id}`, { enabled: a.flag }) : 'no share';
      }
      case 'share.delete': {
        const s = nth(await list(`/api/shares/${a.protocol}`), a.share);
        return s ? send('DELETE', `/api/shares/${a.protocol}/${s.id}`) : 'no share';
      }
      case 'settings':
        return send('PUT', `/api/services/${a.service}/settings`, a.service === 'smb' ? { serverString: a.text } : { banner: a.text });
    }
  }

  /** Every file of every service is what the database renders to, and owned dirs hold nothing else. */
  async function assertInStep(history: string[]): Promise<void> {
    for (const service of SERVICES) {
      const rendered = await engine.renderCurrent(service);
      for (const [file, text] of rendered.files) {
        const onDisk = await fs.readFile(file, 'utf8').catch(() => null);
        if (onDisk !== text) throw new Error(`${service}: ${file} differs from a fresh render after:\n  ${history.join('\n  ')}\n--- on disk\n${onDisk}\n--- rendered\n${text}`);
      }
      for (const dir of rendered.ownedDirs) {
        const extra = (await fs.readdir(dir).catch(() => [] as string[])).map((f) => path.join(dir, f)).filter((f) => !rendered.files.has(f));
        if (extra.length) throw new Error(`${service}: ${extra.join(', ')} should not exist after:\n  ${history.join('\n  ')}`);
      }
    }
  }

  const property = fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: STEPS }), async (actions) => {
    const history: string[] = [];
    for (const a of actions) {
      history.push(`${JSON.stringify(a)}: ${await perform(a)}`);
      await assertInStep(history);
    }
  });

  async function check(seed: number): Promise<void> {
    try {
      await fc.assert(property, { seed, numRuns: RUNS, endOnFailure: true });
    } catch (err) {
      const cause = (err as Error).cause instanceof Error ? `\n${((err as Error).cause as Error).message}` : '';
      throw new Error(`model test failed with seed ${seed} (replay: MOXNAS_MODEL_SEED=${seed}): ${(err as Error).message}${cause}`);
    }
  }

  it(`holds for the fixed seed (${FIXED_SEED})`, () => check(FIXED_SEED), 300_000);

  it('holds for a random seed (printed on failure)', () => check(Date.now() % 2 ** 31), 300_000);
});
