import { Inject, Injectable } from '@nestjs/common';
import type { ApplyResult, Provisioning } from '@moxnas/contracts';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../../../core/errors/domain-error';
import { isUniqueViolation } from '../../../core/database/unique-violation';
import { ApplyEngine } from '../../services/apply/apply-engine';
import type { EntityKind } from '../../services/apply/managed-config';
import { DRY_RUN_PROVISIONING } from './host-accounts.service';

/** The host side of an account change, run after the rows are written and skipped in a dry run. */
export interface AccountHostStep {
  /** Names the undo in a failed change's report: `removing the new host account "alice"`. */
  undo: string;
  /** Puts the host account back as it was, when the change fails after (or during) `run`. */
  rollback: () => Promise<void>;
  /** Creates, changes or removes the host account; says how that went. */
  run: () => Promise<Provisioning>;
}

export interface AccountChangeOptions<T> {
  /** The kinds of desired state the rows are; every service rendered from them is re-applied. */
  touches: readonly EntityKind[];
  actor: string | null;
  dryRun: boolean;
  /** Recorded on the revisions. */
  reason: string;
  /** Writes the rows inside the apply transaction. */
  rows: (em: EntityManager) => Promise<void>;
  host: AccountHostStep;
  /** What the change returns, read inside the transaction after the host step. */
  result?: (em: EntityManager) => Promise<T>;
  /** A unique-constraint violation the checks missed (a race) becomes a 409 with this message. */
  conflict?: string;
}

/** The part of the apply engine an account change uses (a typed fake in the unit spec). */
export type ChangeRunner = Pick<ApplyEngine, 'change'>;

export interface AccountChangeOutcome<T> {
  apply: ApplyResult;
  value: T;
  provisioning: Provisioning;
}

/**
 * One user or group change as one apply-engine change: the rows, the host account and the services
 * rendered from them together. The undo is registered before the host step runs, so a command that
 * fails halfway (useradd done, smbpasswd not) is undone too; a dry run writes the rows in the
 * rolled-back transaction only and never touches the host.
 */
@Injectable()
export class AccountChanges {
  constructor(@Inject(ApplyEngine) private readonly engine: ChangeRunner) {}

  async change<T = undefined>(options: AccountChangeOptions<T>): Promise<AccountChangeOutcome<T>> {
    const { touches, actor, dryRun, reason, rows, host, result, conflict } = options;
    let provisioning: Provisioning = DRY_RUN_PROVISIONING;
    try {
      const { result: apply, value } = await this.engine.change({
        touches,
        actor,
        dryRun,
        reason,
        mutate: async (em, tx) => {
          await rows(em);
          if (!dryRun) {
            tx.onRollback(host.undo, host.rollback);
            provisioning = await host.run();
          }
          return result ? result(em) : (undefined as T);
        },
      });
      return { apply, value, provisioning };
    } catch (err) {
      if (conflict !== undefined && isUniqueViolation(err)) throw DomainError.conflict(conflict);
      throw err;
    }
  }
}
