import { Injectable, Logger } from '@nestjs/common';

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

export type DependantsProvider = (target: DependantTarget) => Promise<StorageDependant[]> | StorageDependant[];

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
export class PoolDependents {
  private readonly log = new Logger('storage');
  private readonly providers = new Map<string, DependantsProvider>();

  /** Registers (or replaces) the provider named `source`; returns a function that unregisters it. */
  register(source: string, provider: DependantsProvider): () => void {
    this.providers.set(source, provider);
    return () => {
      if (this.providers.get(source) === provider) this.providers.delete(source);
    };
  }

  async find(target: DependantTarget): Promise<StorageDependant[]> {
    const found: StorageDependant[] = [];
    for (const [source, provider] of this.providers) {
      try {
        found.push(...(await provider(target)));
      } catch (err) {
        // A provider that cannot answer must not let a pool in use be removed.
        this.log.error({ source, err: (err as Error).message }, 'dependants provider failed');
        found.push({ kind: source, id: 'unknown', name: `${source} could not be checked: ${(err as Error).message}`, path: null });
      }
    }
    return found;
  }
}
