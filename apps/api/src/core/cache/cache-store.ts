/** The cache contract both back ends implement. Values are strings; callers JSON-encode. */
export interface CacheStore {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<string | null>;
  /** ttlSeconds > 0 expires the key; omitted keeps it until deleted. */
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  del(key: string): Promise<void>;
  /** Atomically increments a counter, starting its ttl when it is created. */
  incr(key: string, ttlSeconds: number): Promise<number>;
  /** Remaining ttl in ms, -1 for no expiry, -2 when absent. */
  pttl(key: string): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** In-process store with the same semantics as the Redis one, for single-box installs and tests. */
export class MemoryCacheStore implements CacheStore {
  readonly kind = 'memory' as const;
  private readonly data = new Map<string, { value: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  private live(key: string): { value: string; expiresAt: number } | undefined {
    const entry = this.data.get(key);
    if (entry && entry.expiresAt !== 0 && entry.expiresAt <= this.now()) {
      this.data.delete(key);
      return undefined;
    }
    return entry;
  }

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    this.data.set(key, { value, expiresAt: ttlSeconds && ttlSeconds > 0 ? this.now() + ttlSeconds * 1000 : 0 });
    if (this.data.size % 1024 === 0) this.sweep();
  }

  async del(key: string): Promise<void> {
    this.data.delete(key);
  }

  async incr(key: string, ttlSeconds: number): Promise<number> {
    const entry = this.live(key);
    if (!entry) {
      this.data.set(key, { value: '1', expiresAt: ttlSeconds > 0 ? this.now() + ttlSeconds * 1000 : 0 });
      return 1;
    }
    const next = (Number.parseInt(entry.value, 10) || 0) + 1;
    entry.value = String(next);
    return next;
  }

  async pttl(key: string): Promise<number> {
    const entry = this.live(key);
    if (!entry) return -2;
    return entry.expiresAt === 0 ? -1 : entry.expiresAt - this.now();
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.data.clear();
  }

  private sweep(): void {
    for (const key of [...this.data.keys()]) this.live(key);
  }
}
