import path from 'node:path';
import type { ServiceId } from '@moxnas/contracts';
import type { DirEntry, HostFs } from '@moxnas/host';
import type { DataSource, EntityManager, Repository } from 'typeorm';
import type { CacheService } from '../../../core/cache/cache.service';
import { DomainError } from '../../../core/errors/domain-error';
import { MetricsService } from '../../../core/metrics/metrics.service';
import type { AppEvent, EventsService } from '../../system/events/events.service';
import type { ConfigRevisionEntity } from '../entities/config-revision.entity';
import { ApplyEngine } from './apply-engine';
import type { DaemonOutcome, DaemonReloader, EntityKind, ManagedConfig, RenderedConfig, ValidationOutcome } from './managed-config';
import { ServiceLock } from './service-lock';

/** The part of HostFs the engine uses, in memory: files only, directories implied by their paths. */
class FakeHostFs implements Pick<HostFs, 'readFile' | 'writeFileAtomic' | 'mkdir' | 'readdir' | 'rm' | 'exists'> {
  readonly files = new Map<string, string>();
  async readFile(file: string): Promise<string | null> {
    return this.files.get(file) ?? null;
  }
  async writeFileAtomic(file: string, content: string | Buffer): Promise<boolean> {
    const changed = this.files.get(file) !== String(content);
    this.files.set(file, String(content));
    return changed;
  }
  async mkdir(): Promise<void> {}
  async readdir(dir: string): Promise<DirEntry[]> {
    return [...this.files.keys()].filter((f) => path.dirname(f) === dir).map((f) => ({ name: path.basename(f), type: 'file' as const }));
  }
  async rm(file: string): Promise<void> {
    this.files.delete(file);
  }
  async exists(file: string): Promise<boolean> {
    return this.files.has(file) || [...this.files.keys()].some((f) => f.startsWith(`${file}/`));
  }
}

/** Desired state as a map of rows; a transaction works on a copy that commit publishes. */
class FakeDatabase {
  committed = new Map<string, string>();
  open: Map<string, string> | null = null;
  transactions = 0;

  /** What `render(manager)` reads: the open transaction's rows, or the committed ones. */
  view(rows: () => Map<string, string>): EntityManager {
    return { rows } as unknown as EntityManager;
  }

}

function fakeDataSource(db: FakeDatabase): DataSource {
    return {
      manager: db.view(() => db.committed),
      createQueryRunner: () => ({
        manager: db.view(() => db.open ?? db.committed),
        get isTransactionActive() {
          return db.open !== null;
        },
        connect: async () => undefined,
        startTransaction: async () => {
          db.transactions++;
          db.open = new Map(db.committed);
        },
        commitTransaction: async () => {
          db.committed = db.open!;
          db.open = null;
        },
        rollbackTransaction: async () => {
          db.open = null;
        },
        release: async () => undefined,
      }),
    } as unknown as DataSource;
}

const rowsOf = (m: EntityManager): Map<string, string> => (m as unknown as { rows: () => Map<string, string> }).rows();

/** A service whose one file (plus one per user in an owned dir for ftp) lists the rows it depends on. */
class FakeConfig implements ManagedConfig {
  failRender = false;
  reject: string | null = null;
  constructor(
    readonly service: ServiceId,
    readonly dependsOn: readonly EntityKind[],
    private readonly perUserDir: string | null = null,
  ) {}

  file(): string {
    return `/etc/${this.service}.conf`;
  }

  async render(m: EntityManager): Promise<RenderedConfig> {
    if (this.failRender) throw new Error(`${this.service} renderer broke`);
    const rows = rowsOf(m);
    const lines = this.dependsOn.map((kind) => `${kind}=${rows.get(kind) ?? ''}`);
    const files = new Map([[this.file(), `${lines.join('\n')}\n`]]);
    if (this.perUserDir) for (const user of (rows.get('users') ?? '').split(',').filter(Boolean)) files.set(path.join(this.perUserDir, user), `user ${user}\n`);
    return { files, ownedDirs: this.perUserDir ? [this.perUserDir] : [], settings: { port: Number(rows.get(`settings.${this.service}`) ?? 0) } };
  }

  async validate(): Promise<ValidationOutcome> {
    return this.reject ? { ok: false, messages: [this.reject] } : { ok: true, messages: [] };
  }
}

class FakeDaemons implements DaemonReloader {
  readonly calls: Array<{ service: ServiceId; settings: Record<string, unknown>; restart: boolean }> = [];
  readonly failing = new Set<ServiceId>();
  constructor(private readonly fs: FakeHostFs) {}
  /** The file each reload saw, so a test can tell what the daemon was given. */
  readonly seen: string[] = [];

  async reloadAndVerify(service: ServiceId, settings: Record<string, unknown>, options?: { restart?: boolean }): Promise<DaemonOutcome> {
    this.calls.push({ service, settings, restart: options?.restart ?? false });
    this.seen.push(`${service}:${await this.fs.readFile(`/etc/${service}.conf`)}`);
    if (this.failing.has(service) && !options?.restart) return { outcome: 'failed', error: `${service} exited with code 1` };
    return { outcome: 'reloaded' };
  }
}

class FakeRevisions {
  readonly saved: Array<Partial<ConfigRevisionEntity>> = [];
  failSave = false;
  create(row: Partial<ConfigRevisionEntity>): Partial<ConfigRevisionEntity> {
    return row;
  }
  async save(rows: Array<Partial<ConfigRevisionEntity>>): Promise<Array<Partial<ConfigRevisionEntity>>> {
    if (this.failSave) throw new Error('revisions table is gone');
    for (const r of rows) this.saved.push({ ...r, id: `00000000-0000-4000-8000-${String(this.saved.length).padStart(12, '0')}` });
    return this.saved.slice(-rows.length);
  }
  createQueryBuilder() {
    const chain = { where: () => chain, orderBy: () => chain, getOne: async () => null };
    return chain;
  }
}

/** The real ServiceLock without Redis, noting the order locks are taken in. */
class RecordingLock extends ServiceLock {
  readonly taken: string[] = [];
  constructor() {
    super({ redisStore: undefined } as unknown as CacheService);
  }
  override run<T>(name: string, fn: () => Promise<T>): Promise<T> {
    this.taken.push(name);
    return super.run(name, fn);
  }
}

function setup() {
  const db = new FakeDatabase();
  db.committed = new Map([
    ['users', 'alice'],
    ['shares.smb', 'docs'],
    ['shares.nfs', '/srv'],
  ]);
  const fs = new FakeHostFs();
  const daemons = new FakeDaemons(fs);
  const revisions = new FakeRevisions();
  const events: AppEvent[] = [];
  const lock = new RecordingLock();
  const engine = new ApplyEngine(
    fakeDataSource(db),
    revisions as unknown as Repository<ConfigRevisionEntity>,
    lock,
    { publish: (e: AppEvent) => void events.push(e) } as unknown as EventsService,
    fs as unknown as HostFs,
    daemons,
    new MetricsService(),
  );
  const smb = new FakeConfig('smb', ['settings.smb', 'shares.smb', 'users']);
  const nfs = new FakeConfig('nfs', ['settings.nfs', 'shares.nfs']);
  const ftp = new FakeConfig('ftp', ['settings.ftp', 'users', 'memberships'], '/etc/vsftpd/users');
  for (const c of [smb, nfs, ftp]) engine.register(c);
  return { db, fs, daemons, revisions, events, lock, engine, smb, nfs, ftp };
}

/** Writes what the committed state renders to, as a previous successful apply would have. */
async function applied(t: ReturnType<typeof setup>): Promise<Map<string, string | null>> {
  for (const service of ['ftp', 'nfs', 'smb'] as const) await t.engine.apply(service);
  t.daemons.calls.length = 0;
  t.daemons.seen.length = 0;
  t.revisions.saved.length = 0;
  return snapshot(t.fs);
}

async function snapshot(fs: FakeHostFs): Promise<Map<string, string | null>> {
  const files = ['/etc/smb.conf', '/etc/nfs.conf', '/etc/ftp.conf', '/etc/vsftpd/users/alice', '/etc/vsftpd/users/bob'];
  return new Map(await Promise.all(files.map(async (f) => [f, await fs.readFile(f)] as const)));
}

const addBob = (undo?: () => Promise<void>) => async (m: EntityManager, tx: { onRollback(what: string, fn: () => Promise<void>): void }) => {
  rowsOf(m).set('users', 'alice,bob');
  if (undo) tx.onRollback('removing the host account "bob"', undo);
  return 'bob';
};

describe('ApplyEngine, a change that affects several services', () => {
  it('applies exactly the services that read what the change touches, in one transaction, with a revision each', async () => {
    const t = setup();
    await applied(t);
    const transactions = t.db.transactions;
    expect(t.engine.affectedBy(['users'])).toEqual(['ftp', 'smb']);
    expect(t.engine.affectedBy(['shares.nfs', 'datasets'])).toEqual(['nfs']);

    const out = await t.engine.change({ touches: ['users'], mutate: addBob(), reason: 'user bob created' });

    expect(out.value).toBe('bob');
    expect(t.db.transactions - transactions).toBe(1);
    expect(t.db.committed.get('users')).toBe('alice,bob');
    expect(await t.fs.readFile('/etc/smb.conf')).toContain('users=alice,bob');
    expect(await t.fs.readFile('/etc/vsftpd/users/bob')).toBe('user bob\n');
    expect(t.daemons.calls.map((c) => c.service)).toEqual(['ftp', 'smb']);
    expect(t.lock.taken.slice(-2)).toEqual(['apply:ftp', 'apply:smb']);
    expect(Object.keys(out.services).sort()).toEqual(['ftp', 'smb']);
    expect(t.revisions.saved.map((r) => [r.service, r.path, r.result])).toEqual([
      ['ftp', '/etc/ftp.conf', 'applied'],
      ['ftp', '/etc/vsftpd/users/bob', 'applied'],
      ['smb', '/etc/smb.conf', 'applied'],
    ]);
    expect(out.result.revisionIds).toHaveLength(3);
    expect(out.result.diffs.filter((d) => d.diff).map((d) => d.path)).toEqual(['/etc/ftp.conf', '/etc/vsftpd/users/bob', '/etc/smb.conf']);
    expect(out.result).toMatchObject({ dryRun: false, applied: true, daemon: 'reloaded' });
  });

  it('takes the locks in one fixed order whatever order the services are named in', async () => {
    const t = setup();
    await t.engine.change({ touches: ['shares.smb', 'shares.nfs', 'memberships'] });
    expect(t.lock.taken).toEqual(['apply:ftp', 'apply:nfs', 'apply:smb']);
  });

  it('a dry run returns the diffs of every affected service and writes nothing', async () => {
    const t = setup();
    const before = await applied(t);
    const out = await t.engine.change({ touches: ['users'], mutate: addBob(), dryRun: true });
    expect(out.result).toMatchObject({ dryRun: true, applied: false, daemon: 'unchanged', revisionIds: [] });
    expect(out.result.diffs.filter((d) => d.diff).map((d) => d.path)).toEqual(['/etc/ftp.conf', '/etc/vsftpd/users/bob', '/etc/smb.conf']);
    expect(await snapshot(t.fs)).toEqual(before);
    expect(t.db.committed.get('users')).toBe('alice');
    expect(t.daemons.calls).toEqual([]);
  });

  it('a change no service reads commits its rows and applies nothing', async () => {
    const t = setup();
    const before = await applied(t);
    await t.engine.change({ touches: ['pools'], mutate: async (m) => void rowsOf(m).set('pools', 'tank') });
    expect(t.db.committed.get('pools')).toBe('tank');
    expect(await snapshot(t.fs)).toEqual(before);
    expect(t.lock.taken.filter((n) => n.startsWith('apply:')).length).toBe(3);
  });

  describe('any failure restores everything', () => {
    async function expectUntouched(t: ReturnType<typeof setup>, before: Map<string, string | null>) {
      expect(await snapshot(t.fs)).toEqual(before);
      expect(t.db.committed.get('users')).toBe('alice');
      expect(t.db.open).toBeNull();
    }

    it('a renderer that throws: nothing written, rows rolled back, the undo steps run', async () => {
      const t = setup();
      const before = await applied(t);
      const undo = jest.fn(async () => undefined);
      t.smb.failRender = true;
      await expect(t.engine.change({ touches: ['users'], mutate: addBob(undo) })).rejects.toThrow('smb renderer broke');
      await expectUntouched(t, before);
      expect(undo).toHaveBeenCalledTimes(1);
      expect(t.daemons.calls).toEqual([]);
    });

    it("a checker that rejects one service's candidate: 422, nothing written for any service", async () => {
      const t = setup();
      const before = await applied(t);
      const undo = jest.fn(async () => undefined);
      t.smb.reject = 'Unknown parameter encountered: "bogus"';
      const err = await t.engine.change({ touches: ['users'], mutate: addBob(undo) }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DomainError);
      expect(err).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/smb configuration checker rejected/) });
      await expectUntouched(t, before);
      expect(undo).toHaveBeenCalledTimes(1);
    });

    it('a write that fails midway: the files already written are restored', async () => {
      const t = setup();
      const before = await applied(t);
      const write = t.fs.writeFileAtomic.bind(t.fs);
      jest.spyOn(t.fs, 'writeFileAtomic').mockImplementation(async (file, content) => {
        if (file === '/etc/smb.conf' && String(content).includes('bob')) throw new Error('ENOSPC: no space left on device');
        return write(file, content);
      });
      await expect(t.engine.change({ touches: ['users'], mutate: addBob() })).rejects.toThrow('ENOSPC');
      await expectUntouched(t, before);
      expect(t.daemons.calls).toEqual([]);
    });

    it('a daemon that fails after reload: every file restored, every reloaded daemon given the old files, a failed revision and an alert', async () => {
      const t = setup();
      const before = await applied(t);
      const undo = jest.fn(async () => undefined);
      t.daemons.failing.add('smb');
      const err = await t.engine.change({ touches: ['users'], mutate: addBob(undo) }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'APPLY_FAILED', message: expect.stringMatching(/The smb daemon failed with the new configuration \(smb exited with code 1\); the previous configuration was restored and it is serving again\./) });
      await expectUntouched(t, before);
      expect(undo).toHaveBeenCalledTimes(1);
      // ftp took the new files first, so it is reloaded again on the restored ones, like smb.
      expect(t.daemons.calls.map((c) => `${c.service}${c.restart ? ' (restart)' : ''}`)).toEqual(['ftp', 'smb', 'ftp (restart)', 'smb (restart)']);
      expect(t.daemons.seen.slice(2)).toEqual([`ftp:${before.get('/etc/ftp.conf')}`, `smb:${before.get('/etc/smb.conf')}`]);
      expect(t.revisions.saved.map((r) => [r.service, r.result])).toEqual([
        ['ftp', 'failed'],
        ['ftp', 'failed'],
        ['smb', 'failed'],
      ]);
      expect(t.events).toContainEqual(expect.objectContaining({ type: 'apply.failed', data: expect.objectContaining({ service: 'smb' }) }));
    });
  });

  describe('a failure while undoing is reported, not dropped', () => {
    it('an undo step that throws: the caller, the log and an apply.failed event say so', async () => {
      const t = setup();
      await applied(t);
      t.smb.reject = 'bad candidate';
      const err = await t.engine
        .change({ touches: ['users'], mutate: addBob(async () => Promise.reject(new Error('userdel: user bob is currently used by process 4242'))) })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({
        code: 'VALIDATION_FAILED',
        message: expect.stringMatching(/restoring the previous state failed too \(removing the host account "bob": userdel: user bob is currently used by process 4242\)/),
      });
      const failed = t.events.filter((e) => e.type === 'apply.failed');
      expect(failed.map((e) => (e.data as { service: string }).service).sort()).toEqual(['ftp', 'smb']);
      expect(JSON.stringify(failed[0].data)).toMatch(/userdel: user bob is currently used/);
    });

    it('a file that cannot be restored after a failed reload is named in the error', async () => {
      const t = setup();
      await applied(t);
      t.daemons.failing.add('smb');
      const write = t.fs.writeFileAtomic.bind(t.fs);
      jest.spyOn(t.fs, 'writeFileAtomic').mockImplementation(async (file, content) => {
        if (file === '/etc/ftp.conf' && !String(content).includes('bob')) throw new Error('EROFS: read-only file system');
        return write(file, content);
      });
      const err = await t.engine.change({ touches: ['users'], mutate: addBob() }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'APPLY_FAILED', message: expect.stringMatching(/restoring the previous state failed too \(restoring the previous files: EROFS/) });
      expect(t.events).toContainEqual(expect.objectContaining({ type: 'apply.failed', data: expect.objectContaining({ message: expect.stringMatching(/EROFS/) }) }));
    });

    it('a previous configuration that cannot be rendered for the reload is reported', async () => {
      const t = setup();
      await applied(t);
      t.daemons.failing.add('smb');
      const render = t.smb.render.bind(t.smb);
      let renders = 0;
      jest.spyOn(t.smb, 'render').mockImplementation(async (m) => {
        if (++renders > 1) throw new Error('the settings row is unreadable');
        return render(m);
      });
      const err = await t.engine.change({ touches: ['users'], mutate: addBob() }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'APPLY_FAILED', message: expect.stringMatching(/rendering the previous smb configuration: the settings row is unreadable/) });
    });
  });

  it('one service alone is the special case: apply(service) applies just it', async () => {
    const t = setup();
    await applied(t);
    const out = await t.engine.apply('nfs', { mutate: async (m) => void rowsOf(m).set('shares.nfs', '/srv,/tank') });
    expect(t.daemons.calls.map((c) => c.service)).toEqual(['nfs']);
    expect(Object.keys(out.services)).toEqual(['nfs']);
    expect(out.result).toEqual(out.services.nfs);
    expect(await t.fs.readFile('/etc/nfs.conf')).toContain('shares.nfs=/srv,/tank');
  });
});
