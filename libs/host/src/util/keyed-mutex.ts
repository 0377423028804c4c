/**
 * One holder at a time per key, in arrival order: the in-process lock every serialised change uses
 * (account changes, per-service applies, per-dataset operations, per-alert updates, a daemon's state).
 * A failed holder releases the key like a successful one; its error reaches only its own caller.
 * Keys that nobody holds or waits for are forgotten, so the map stays as small as the work in flight.
 *
 * The cross-instance Redis lock for applies (`ServiceLock` in the API) wraps this one.
 */
export class KeyedMutex<K = string> {
  private readonly tails = new Map<K, Promise<void>>();

  /** Runs `fn` once every earlier holder of `key` has finished, and returns its result. */
  async run<T>(key: K, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous ? previous.then(() => mine) : mine;
    this.tails.set(key, tail);
    try {
      if (previous) await previous;
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Whether someone holds or waits for `key`. */
  busy(key: K): boolean {
    return this.tails.has(key);
  }
}

/** A mutex with a single key: one holder at a time, in arrival order. */
export class Mutex {
  private readonly inner = new KeyedMutex<true>();

  run<T>(fn: () => Promise<T>): Promise<T> {
    return this.inner.run(true, fn);
  }

  get busy(): boolean {
    return this.inner.busy(true);
  }
}
