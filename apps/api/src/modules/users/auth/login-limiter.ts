import { Inject, Injectable } from '@nestjs/common';
import type { AlertSourceEvent } from '@moxnas/contracts';
import { CacheService } from '../../../core/cache/cache.service';
import { DomainError } from '../../../core/errors/domain-error';
import { EventsService } from '../../system/events/events.service';
import { CLOCK, type Clock } from '../clock';

/**
 * Login throttling. Counters live in the cache (Redis when configured, so they hold across
 * instances; in-process otherwise). Failures are counted per account name whether or not the
 * account exists, so the lockout does not reveal which names are real.
 */
export const LOGIN_POLICY = {
  /** Attempts per source address per minute, successful or not. */
  perIpPerMinute: 30,
  /** Attempts per account name per minute. */
  perUserPerMinute: 10,
  /** Consecutive failures within the window that lock the name. */
  failuresBeforeLock: 5,
  failureWindowSeconds: 15 * 60,
  lockSeconds: 5 * 60,
} as const;

/**
 * Wrong passwords given to re-authenticate a logged-in caller (password change, turning TOTP off).
 * Counted per account apart from the login counters, so a stolen access token guessing the password
 * is stopped without locking the owner out of logging in: the block covers these actions only.
 */
export const REAUTH_POLICY = {
  failuresBeforeBlock: 5,
  failureWindowSeconds: 15 * 60,
  blockSeconds: 15 * 60,
} as const;

function nameKey(username: string): string {
  return encodeURIComponent(username.trim().toLowerCase().slice(0, 64));
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

export function lockedError(retryAfterMs: number): DomainError {
  const retryAfterSeconds = seconds(retryAfterMs);
  return new DomainError('LOCKED', `Too many failed logins for this account; try again in ${retryAfterSeconds} seconds.`, undefined, { retryAfterSeconds });
}

function reauthBlockedError(retryAfterMs: number): DomainError {
  const retryAfterSeconds = seconds(retryAfterMs);
  return new DomainError(
    'LOCKED',
    `Too many wrong passwords for this action; try again in ${retryAfterSeconds} seconds. Logging in is not affected.`,
    undefined,
    { retryAfterSeconds },
  );
}

function rateLimitedError(retryAfterMs: number): DomainError {
  const retryAfterSeconds = seconds(retryAfterMs);
  return new DomainError('RATE_LIMITED', `Too many login attempts; try again in ${retryAfterSeconds} seconds.`, undefined, { retryAfterSeconds });
}

@Injectable()
export class LoginLimiter {
  constructor(
    private readonly cache: CacheService,
    private readonly events: EventsService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Counts the attempt; throws 423 while the name is locked and 429 over a rate limit. A lock set
   * before the account's password last changed no longer applies: a reset by the admin (or the
   * CLI, which may not share this process's cache) lets the owner in at once.
   */
  async admit(ip: string, username: string, passwordChangedAt: Date | null): Promise<void> {
    const name = nameKey(username);
    const lockKey = `auth:lock:${name}`;
    const lockedAt = Number(await this.cache.get(lockKey));
    if (lockedAt && passwordChangedAt && passwordChangedAt.getTime() > lockedAt) {
      await this.cache.del(lockKey);
    } else if (lockedAt) {
      const left = await this.cache.pttl(lockKey);
      if (left > 0 || left === -1) throw lockedError(left > 0 ? left : LOGIN_POLICY.lockSeconds * 1000);
    }
    for (const [key, limit] of [
      [`auth:rate:ip:${ip}`, LOGIN_POLICY.perIpPerMinute],
      [`auth:rate:user:${name}`, LOGIN_POLICY.perUserPerMinute],
    ] as const) {
      const count = await this.cache.incr(key, 60);
      if (count > limit) throw rateLimitedError(await this.cache.pttl(key));
    }
  }

  /**
   * Records a failure; returns the lock error when this failure locked the name, and then publishes
   * `auth.lockout` (the alerts module raises a one-shot warning that expires with the lock). The
   * event names the normalised login name as typed, known account or not: the alert is for
   * operators, and a guessing attack on a name that does not exist is worth seeing too.
   */
  async failed(username: string, address?: string): Promise<DomainError | undefined> {
    const name = nameKey(username);
    const failures = await this.cache.incr(`auth:fail:${name}`, LOGIN_POLICY.failureWindowSeconds);
    if (failures < LOGIN_POLICY.failuresBeforeLock) return undefined;
    await this.cache.set(`auth:lock:${name}`, String(this.clock.now().getTime()), LOGIN_POLICY.lockSeconds);
    await this.cache.del(`auth:fail:${name}`);
    const data: AlertSourceEvent<'auth.lockout'> = {
      username: username.trim().toLowerCase().slice(0, 64) || '(empty)',
      retryAfterSeconds: LOGIN_POLICY.lockSeconds,
      ...(address ? { address } : {}),
    };
    this.events.publish({ type: 'auth.lockout', access: 'operator', data });
    return lockedError(LOGIN_POLICY.lockSeconds * 1000);
  }

  async succeeded(username: string): Promise<void> {
    await this.cache.del(`auth:fail:${nameKey(username)}`);
  }

  /** Throws 423 while re-authentication of this account is blocked (REAUTH_POLICY). */
  async admitReauth(userId: string): Promise<void> {
    const left = await this.cache.pttl(`auth:reauth-block:${userId}`);
    if (left > 0 || left === -1) throw reauthBlockedError(left > 0 ? left : REAUTH_POLICY.blockSeconds * 1000);
  }

  /** Records a wrong re-authentication password; returns the block error when this one set the block. */
  async reauthFailed(userId: string): Promise<DomainError | undefined> {
    const failures = await this.cache.incr(`auth:reauth-fail:${userId}`, REAUTH_POLICY.failureWindowSeconds);
    if (failures < REAUTH_POLICY.failuresBeforeBlock) return undefined;
    await this.cache.set(`auth:reauth-block:${userId}`, String(this.clock.now().getTime()), REAUTH_POLICY.blockSeconds);
    await this.cache.del(`auth:reauth-fail:${userId}`);
    return reauthBlockedError(REAUTH_POLICY.blockSeconds * 1000);
  }

  async reauthSucceeded(userId: string): Promise<void> {
    await this.cache.del(`auth:reauth-fail:${userId}`);
  }

  /** Lifts a lock (the CLI's password reset). */
  async clear(username: string, userId?: string): Promise<void> {
    const name = nameKey(username);
    await this.cache.del(`auth:fail:${name}`);
    await this.cache.del(`auth:lock:${name}`);
    if (userId) {
      await this.cache.del(`auth:reauth-fail:${userId}`);
      await this.cache.del(`auth:reauth-block:${userId}`);
    }
  }
}
