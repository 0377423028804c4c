import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { KeyedMutex } from '@moxnas/host';
import { CacheService } from '../../../core/cache/cache.service';
import { DomainError } from '../../../core/errors/domain-error';

const LOCK_TTL_MS = 60_000;
const WAIT_MS = 120_000;
const RELEASE_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
const EXTEND_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

/**
 * Serialises work per service: an in-process queue, plus a Redis lock when Redis is configured so two
 * API instances never interleave applies. While Redis is unreachable only the in-process queue
 * holds (documented: run one instance without Redis).
 */
@Injectable()
export class ServiceLock {
  private readonly log = new Logger('service-lock');
  private readonly queue = new KeyedMutex<string>();

  constructor(private readonly cache: CacheService) {}

  run<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return this.queue.run(name, () => this.withRedisLock(name, fn));
  }

  private async withRedisLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const store = this.cache.redisStore;
    if (!store || store.client.status !== 'ready') return fn();
    const key = this.cache.redisChannel(`lock:${name}`);
    const token = randomUUID();
    const deadline = Date.now() + WAIT_MS;
    let delay = 20;
    for (;;) {
      let got: string | null;
      try {
        got = await store.client.set(key, token, 'PX', LOCK_TTL_MS, 'NX');
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'Redis lock unavailable; using the in-process lock only');
        return fn();
      }
      if (got === 'OK') break;
      if (Date.now() > deadline) throw new DomainError('LOCKED', `Another change to ${name} is in progress; try again.`);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 500);
    }
    const renew = setInterval(() => {
      store.client.eval(EXTEND_SCRIPT, 1, key, token, String(LOCK_TTL_MS)).catch(() => undefined);
    }, LOCK_TTL_MS / 3);
    try {
      return await fn();
    } finally {
      clearInterval(renew);
      await store.client.eval(RELEASE_SCRIPT, 1, key, token).catch(() => undefined);
    }
  }
}
