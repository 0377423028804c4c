import type { ApplyResult, Provisioning } from '@moxnas/contracts';
import { QueryFailedError, type EntityManager } from 'typeorm';
import { DomainError } from '../../../core/errors/domain-error';
import type { ApplyOutcome, ChangeOptions, ChangeTransaction } from '../../services/apply/apply-engine';
import { AccountChanges, type ChangeRunner } from './account-change';
import { DRY_RUN_PROVISIONING } from './host-accounts.service';

const APPLIED: ApplyResult = { dryRun: false, applied: true, daemon: 'reloaded', message: null, diffs: [], revisionIds: [] };
const SYNCED: Provisioning = { status: 'applied', message: 'Host account created.' };
/** The rows are written through the manager the engine hands over; these tests only note that it was. */
const MANAGER = {} as EntityManager;

/** Runs `mutate` like the engine: undoes registered steps in reverse when the change fails afterwards. */
class FakeEngine implements ChangeRunner {
  seen: ChangeOptions<unknown> | null = null;
  failAfterMutate: Error | null = null;
  readonly undone: string[] = [];

  async change<T = undefined>(options: ChangeOptions<T>): Promise<ApplyOutcome<T>> {
    this.seen = options as ChangeOptions<unknown>;
    const undo: Array<{ what: string; run: () => Promise<void> }> = [];
    const tx: ChangeTransaction = { onRollback: (what, run) => void undo.push({ what, run }) };
    try {
      const value = await options.mutate!(MANAGER, tx);
      if (this.failAfterMutate) throw this.failAfterMutate;
      return { result: { ...APPLIED, dryRun: options.dryRun ?? false }, value, services: {} };
    } catch (err) {
      for (const u of undo.reverse()) {
        this.undone.push(u.what);
        await u.run();
      }
      throw err;
    }
  }
}

function setup() {
  const engine = new FakeEngine();
  const steps: string[] = [];
  const changes = new AccountChanges(engine);
  const options = (dryRun: boolean) => ({
    touches: ['users' as const],
    actor: 'admin',
    dryRun,
    reason: 'user alice created',
    rows: async (em: EntityManager) => void steps.push(em === MANAGER ? 'rows' : 'rows elsewhere'),
    host: {
      undo: 'removing the new host account "alice"',
      rollback: async () => void steps.push('rollback'),
      run: async () => {
        steps.push('host');
        return SYNCED;
      },
    },
    result: async () => {
      steps.push('result');
      return 'alice';
    },
  });
  return { engine, steps, changes, options };
}

describe('AccountChanges', () => {
  it('writes the rows, runs the host step, then reads the result, in one engine change', async () => {
    const { engine, steps, changes, options } = setup();
    const outcome = await changes.change(options(false));
    expect(steps).toEqual(['rows', 'host', 'result']);
    expect(outcome).toEqual({ apply: APPLIED, value: 'alice', provisioning: SYNCED });
    expect(engine.seen).toMatchObject({ touches: ['users'], actor: 'admin', dryRun: false, reason: 'user alice created' });
  });

  it('never touches the host in a dry run and says so', async () => {
    const { steps, changes, options } = setup();
    const outcome = await changes.change(options(true));
    expect(steps).toEqual(['rows', 'result']);
    expect(outcome.provisioning).toBe(DRY_RUN_PROVISIONING);
    expect(outcome.apply.dryRun).toBe(true);
  });

  it('undoes the host step when the change fails after it', async () => {
    const { engine, steps, changes, options } = setup();
    engine.failAfterMutate = new Error('smbd reload failed');
    await expect(changes.change(options(false))).rejects.toThrow('smbd reload failed');
    expect(engine.undone).toEqual(['removing the new host account "alice"']);
    expect(steps).toEqual(['rows', 'host', 'result', 'rollback']);
  });

  it('undoes a host step that failed halfway: the undo is registered before it runs', async () => {
    const { engine, steps, changes, options } = setup();
    const o = options(false);
    o.host.run = async () => {
      steps.push('host');
      throw new Error('smbpasswd failed');
    };
    await expect(changes.change(o)).rejects.toThrow('smbpasswd failed');
    expect(engine.undone).toEqual(['removing the new host account "alice"']);
    expect(steps).toEqual(['rows', 'host', 'rollback']);
  });

  it('turns a unique violation into a conflict with the given message, and leaves other errors alone', async () => {
    const { engine, changes, options } = setup();
    const unique = new QueryFailedError('INSERT', [], Object.assign(new Error('duplicate key'), { code: '23505' }));
    engine.failAfterMutate = unique;
    const raced = changes.change({ ...options(false), conflict: 'The username or uid was taken at the same moment; try again.' });
    await expect(raced).rejects.toBeInstanceOf(DomainError);
    await expect(raced).rejects.toMatchObject({ code: 'CONFLICT', message: 'The username or uid was taken at the same moment; try again.' });
    // Without a conflict message the error is the caller's to handle.
    await expect(changes.change(options(false))).rejects.toBe(unique);
  });

  it('returns undefined when there is no result to read (a delete)', async () => {
    const { changes, options } = setup();
    const o = options(false);
    const outcome = await changes.change({ touches: o.touches, actor: o.actor, dryRun: false, reason: 'user alice deleted', rows: o.rows, host: o.host });
    expect(outcome.value).toBeUndefined();
    expect(outcome.provisioning).toBe(SYNCED);
  });
});
