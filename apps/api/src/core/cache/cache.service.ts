import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { MemoryCacheStore, type CacheStore } from './cache-store';
import { RedisCacheStore } from './redis-cache-store';

/**
 * The app's cache. With REDIS_URL it uses Redis; while Redis is unreachable every call falls back to
 * an in-process store, so the API keeps serving (rate limits and revocations then hold per instance
 * until Redis returns). Without REDIS_URL the in-process store is the cache.
 */
@Injectable()
export class CacheService implements OnApplicationShutdown {
  private readonly log = new Logger('cache');
  private readonly memory = new MemoryCacheStore();
  private readonly redis: RedisCacheStore | undefined;
  private degraded = false;
  private readonly prefix: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.prefix = config.redisPrefix;
    this.redis = config.redisUrl ? new RedisCacheStore(config.redisUrl, config.redisPrefix) : undefined;
  }

  get backend(): 'redis' | 'memory' {
    return this.redis ? 'redis' : 'memory';
  }

  /** A pub/sub channel name under this instance's key prefix. */
  redisChannel(name: string): string {
    return `${this.prefix}${name}`;
  }

  /** The Redis store, for features (pub/sub, locks) that need Redis itself; undefined without Redis. */
  get redisStore(): RedisCacheStore | undefined {
    return this.redis;
  }

  private async run<T>(op: (store: CacheStore) => Promise<T>): Promise<T> {
    if (!this.redis) return op(this.memory);
    try {
      const result = await op(this.redis);
      if (this.degraded) {
        this.degraded = false;
        this.log.log('Redis is reachable again; cache back on Redis');
      }
      return result;
    } catch (err) {
      if (!this.degraded) {
        this.degraded = true;
        this.log.warn({ err: (err as Error).message }, 'Redis unreachable; using the in-process cache');
      }
      return op(this.memory);
    }
  }

  get(key: string): Promise<string | null> {
    return this.run((s) => s.get(key));
  }
  set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    return this.run((s) => s.set(key, value, ttlSeconds));
  }
  del(key: string): Promise<void> {
    return this.run((s) => s.del(key));
  }
  incr(key: string, ttlSeconds: number): Promise<number> {
    return this.run((s) => s.incr(key, ttlSeconds));
  }
  pttl(key: string): Promise<number> {
    return this.run((s) => s.pttl(key));
  }

  async getJson<T>(key: string): Promise<T | null> {
    const raw = await this.get(key);
    return raw === null ? null : (JSON.parse(raw) as T);
  }
  setJson(key: string, value: unknown, ttlSeconds?: number): Promise<void> {
    return this.set(key, JSON.stringify(value), ttlSeconds);
  }

  /** Throws when the configured Redis does not answer; used by the readiness probe. */
  async pingRedis(): Promise<void> {
    if (this.redis) await this.redis.ping();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.close();
  }
}
