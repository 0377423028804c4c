import { Injectable } from '@nestjs/common';
import { DependentsRegistry, type DependentsProvider } from '../../../core/dependents/dependents-registry';

/** Something that uses a pool or dataset and must go first (a share, a dataset, …). */
export interface StorageDependant {
  /** What it is: `smb-share`, `nfs-share`, `dataset`, … */
  kind: string;
  id: string;
  name: string;
  /** The path it uses, when it has one. */
  path: string | null;
}

/** The pool or dataset about to be removed. */
export interface DependantTarget {
  kind: 'pool' | 'dataset';
  id: string;
  name: string;
  /** Real path of the pool or dataset: a dependant uses this path or something inside it. */
  path: string;
  /** The pool (the pool itself when kind is 'pool'). */
  poolId: string;
}

export type DependantsProvider = DependentsProvider<[DependantTarget], StorageDependant>;

/**
 * The registry other modules use to say "this pool or dataset is in use". The shares module
 * registers a provider at startup:
 *
 *   constructor(dependents: PoolDependents) {
 *     dependents.register('shares', async (t) => (await this.sharesUnder(t.path)).map(...));
 *   }
 *
 * Removing a pool or deleting a dataset asks every provider and refuses with 409 listing what they
 * returned.
 */
@Injectable()
export class PoolDependents extends DependentsRegistry<[DependantTarget], StorageDependant> {
  constructor() {
    super({
      context: 'storage',
      // A provider that cannot answer must not let a pool in use be removed.
      unanswered: (source, err) => ({ kind: source, id: 'unknown', name: `${source} could not be checked: ${err.message}`, path: null }),
    });
  }
}
