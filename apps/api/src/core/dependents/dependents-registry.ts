import { Logger } from '@nestjs/common';

/** Answers "what still uses this?" for one source (the shares module, the datasets, …). */
export type DependentsProvider<Args extends unknown[], D> = (...args: Args) => Promise<D[]> | D[];

export interface DependentsRegistryOptions<D> {
  /** Logger context for a provider that fails. */
  context: string;
  /**
   * Turns a provider that failed into a dependant that blocks the removal ("could not be checked"),
   * so a thing in use is never removed because its user could not answer. Without it, the error
   * reaches the caller.
   */
  unanswered?: (source: string, err: Error) => D;
}

/**
 * The registry other modules use to say "this is still in use": each registers a provider under
 * its own name at start, and a removal asks every provider and refuses (409) with what they
 * returned. Pools/datasets (`PoolDependents`) and users/groups (`AccountDependents`) are instances.
 */
export class DependentsRegistry<Args extends unknown[], D> {
  private readonly log: Logger;
  private readonly providers = new Map<string, DependentsProvider<Args, D>>();

  constructor(private readonly options: DependentsRegistryOptions<D>) {
    this.log = new Logger(options.context);
  }

  /** Registers (or replaces) the provider named `source`; returns a function that unregisters it. */
  register(source: string, provider: DependentsProvider<Args, D>): () => void {
    this.providers.set(source, provider);
    return () => {
      if (this.providers.get(source) === provider) this.providers.delete(source);
    };
  }

  /** Every dependant of `args`, in the order the providers were registered. */
  async find(...args: Args): Promise<D[]> {
    const found = await Promise.all([...this.providers].map(([source, provider]) => this.ask(source, provider, args)));
    return found.flat();
  }

  private async ask(source: string, provider: DependentsProvider<Args, D>, args: Args): Promise<D[]> {
    const { unanswered } = this.options;
    if (!unanswered) return provider(...args);
    try {
      return await provider(...args);
    } catch (err) {
      this.log.error({ source, err: (err as Error).message }, 'dependants provider failed');
      return [unanswered(source, err as Error)];
    }
  }
}
