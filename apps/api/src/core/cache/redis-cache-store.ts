import Redis from 'ioredis';
import type { CacheStore } from './cache-store';

/** Redis back end. Commands fail fast while Redis is down instead of queueing. */
export class RedisCacheStore implements CacheStore {
  readonly kind = 'redis' as const;
  readonly client: Redis;

  constructor(url: string, private readonly prefix = 'moxnas:') {
    this.client = new Redis(url, {
      lazyConnect: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      commandTimeout: 2000,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    // Errors surface on the calls; an unhandled 'error' event would crash the process.
    this.client.on('error', () => undefined);
    this.firstConnect = new Promise<void>((resolve) => this.client.once('ready', () => resolve()));
  }

  private readonly firstConnect: Promise<void>;
  private everReady = false;

  /**
   * Commands fail at once while Redis is down (no offline queue), except right after start, when
   * they wait briefly for the first connection instead of failing spuriously.
   */
  private async ready(): Promise<void> {
    if (this.client.status === 'ready') {
      this.everReady = true;
      return;
    }
    if (this.everReady) throw new Error(`Redis is ${this.client.status}`);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.firstConnect,
      new Promise<void>((_, reject) => {
        timer = setTimeout(() => reject(new Error('Redis did not connect within 2 s')), 2000);
      }),
    ]).finally(() => clearTimeout(timer));
    this.everReady = true;
  }

  async get(key: string): Promise<string | null> {
    await this.ready();
    return this.client.get(this.prefix + key);
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    await this.ready();
    if (ttlSeconds && ttlSeconds > 0) await this.client.set(this.prefix + key, value, 'EX', ttlSeconds);
    else await this.client.set(this.prefix + key, value);
  }

  async del(key: string): Promise<void> {
    await this.ready();
    await this.client.del(this.prefix + key);
  }

  async incr(key: string, ttlSeconds: number): Promise<number> {
    await this.ready();
    const k = this.prefix + key;
    const result = await this.client.multi().incr(k).pttl(k).exec();
    const count = Number(result?.[0]?.[1] ?? 0);
    const ttl = Number(result?.[1]?.[1] ?? -1);
    if (ttl < 0 && ttlSeconds > 0) await this.client.expire(k, ttlSeconds);
    return count;
  }

  async pttl(key: string): Promise<number> {
    await this.ready();
    return this.client.pttl(this.prefix + key);
  }

  async ping(): Promise<void> {
    await this.ready();
    await this.client.ping();
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}
