import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DependentsRegistry, type DependentsProvider } from '../../../core/dependents/dependents-registry';
import type { EntityKind } from '../../services/apply/managed-config';

/** Something that names a user or group and would otherwise outlive it (a share's access list). */
export interface AccountDependant {
  /** What it is: `smb-share`, `ftp-share`, … */
  kind: string;
  id: string;
  name: string;
  /** Which setting names the account: `validUsers`, `forceGroup`, … */
  fields: string[];
}

export type AccountDependantsProvider = DependentsProvider<['user' | 'group', string], AccountDependant>;

/** Rewrites every reference to an account renamed from `from` to `to`, inside the rename's transaction. */
export type AccountRenamer = (manager: EntityManager, kind: 'user' | 'group', from: string, to: string) => Promise<void>;

/**
 * "This user or group is still named somewhere." Deleting an account that a share lists is refused
 * (409 with the list) instead of leaving its name behind: a new account created later under the
 * same name would silently inherit the old one's access. The shares module registers a provider
 * at start.
 */
@Injectable()
export class AccountDependents extends DependentsRegistry<['user' | 'group', string], AccountDependant> {
  private readonly renamers = new Map<string, { rewrites: readonly EntityKind[]; rename: AccountRenamer }>();

  constructor() {
    super({ context: 'accounts' });
  }

  /**
   * A group rename carries its references along (a share's `valid users = @old` becomes `@new`)
   * instead of leaving them naming nobody. `rewrites` are the kinds of desired state the renamer
   * writes: the rename's change touches them, so the services rendered from them are re-applied.
   */
  registerRenamer(source: string, rewrites: readonly EntityKind[], rename: AccountRenamer): void {
    this.renamers.set(source, { rewrites, rename });
  }

  /** The kinds of desired state a rename may rewrite. */
  renameTouches(): EntityKind[] {
    return [...new Set([...this.renamers.values()].flatMap((r) => r.rewrites))];
  }

  async rename(manager: EntityManager, kind: 'user' | 'group', from: string, to: string): Promise<void> {
    for (const r of this.renamers.values()) await r.rename(manager, kind, from, to);
  }
}

export function dependantsMessage(kind: 'user' | 'group', name: string, dependants: AccountDependant[]): string {
  const list = dependants.map((d) => `${d.kind} ${d.name} (${d.fields.join(', ')})`).join(', ');
  return `The ${kind} "${name}" is still named by ${list}; remove it there first.`;
}
