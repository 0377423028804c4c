import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
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
  private readonly tails = new Map<string, Promise<void>>();

  constructor(private readonly cache: CacheService) {}

  async run<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(name) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = previous.then(() => mine);
    this.tails.set(name, tail);
    await previous;
    try {
      return await this.withRedisLock(name, fn);
    } finally {
      release();
      if (this.tails.get(name) === tail) this.tails.delete(name);
    }
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
