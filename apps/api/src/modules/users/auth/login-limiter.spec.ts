import { CacheService } from '../../../core/cache/cache.service';
import { loadConfig } from '../../../core/config/config';
import { EventsService, type AppEvent } from '../../system/events/events.service';
import type { Clock } from '../clock';
import { LOGIN_POLICY, LoginLimiter, REAUTH_POLICY } from './login-limiter';

class FixedClock implements Clock {
  constructor(public at: Date) {}
  now(): Date {
    return this.at;
  }
}

describe('LoginLimiter', () => {
  let cache: CacheService;
  let clock: FixedClock;
  let limiter: LoginLimiter;
  let published: AppEvent[];

  beforeEach(() => {
    // The in-process cache and event bus: the same the app uses without REDIS_URL.
    cache = new CacheService(loadConfig({}, '/tmp'));
    const events = new EventsService(cache);
    published = [];
    events.subscribe((e) => published.push(e));
    clock = new FixedClock(new Date('2025-01-01T00:00:00Z'));
    limiter = new LoginLimiter(cache, events, clock);
  });

  it('publishes auth.lockout once, when a failure locks the name', async () => {
    for (let i = 1; i < LOGIN_POLICY.failuresBeforeLock; i++) await limiter.failed('Alice', '192.0.2.7');
    expect(published).toEqual([]);
    await limiter.failed('Alice', '192.0.2.7');
    expect(published).toEqual([
      { type: 'auth.lockout', access: 'operator', data: { username: 'alice', retryAfterSeconds: LOGIN_POLICY.lockSeconds, address: '192.0.2.7' }, at: expect.any(String) },
    ]);
  });

  it('locks a name after the configured failures and says for how long', async () => {
    for (let i = 1; i < LOGIN_POLICY.failuresBeforeLock; i++) expect(await limiter.failed('alice')).toBeUndefined();
    const locked = await limiter.failed('alice');
    expect(locked).toMatchObject({ code: 'LOCKED' });
    expect(locked?.details?.['retryAfterSeconds']).toBeGreaterThan(LOGIN_POLICY.lockSeconds - 5);
    await expect(limiter.admit('10.0.0.1', 'alice', null)).rejects.toMatchObject({ code: 'LOCKED' });
    // The name is matched case-insensitively, so "Alice" is the same lock.
    await expect(limiter.admit('10.0.0.1', 'Alice', null)).rejects.toMatchObject({ code: 'LOCKED' });
    await expect(limiter.admit('10.0.0.1', 'bob', null)).resolves.toBeUndefined();
  });

  it('forgets failures after a success', async () => {
    for (let i = 1; i < LOGIN_POLICY.failuresBeforeLock; i++) await limiter.failed('alice');
    await limiter.succeeded('alice');
    expect(await limiter.failed('alice')).toBeUndefined();
  });

  it('lets the owner in once the password was changed after the lock', async () => {
    for (let i = 0; i < LOGIN_POLICY.failuresBeforeLock; i++) await limiter.failed('alice');
    const before = new Date(clock.at.getTime() - 1000);
    await expect(limiter.admit('10.0.0.1', 'alice', before)).rejects.toMatchObject({ code: 'LOCKED' });
    await expect(limiter.admit('10.0.0.1', 'alice', new Date(clock.at.getTime() + 1000))).resolves.toBeUndefined();
    await expect(limiter.admit('10.0.0.1', 'alice', null)).resolves.toBeUndefined();
  });

  it('rate-limits per address and per name', async () => {
    for (let i = 0; i < LOGIN_POLICY.perIpPerMinute; i++) await limiter.admit('10.0.0.2', `user${i}`, null);
    await expect(limiter.admit('10.0.0.2', 'someone', null)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    for (let i = 0; i < LOGIN_POLICY.perUserPerMinute; i++) await limiter.admit(`10.1.0.${i}`, 'carol', null);
    await expect(limiter.admit('10.2.0.1', 'carol', null)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('blocks re-authentication after its own failures without touching the login lock', async () => {
    const userId = '00000000-0000-4000-8000-00000000a11c';
    for (let i = 1; i < REAUTH_POLICY.failuresBeforeBlock; i++) expect(await limiter.reauthFailed(userId)).toBeUndefined();
    expect(await limiter.reauthFailed(userId)).toMatchObject({ code: 'LOCKED', message: expect.stringMatching(/Logging in is not affected/) });
    await expect(limiter.admitReauth(userId)).rejects.toMatchObject({ code: 'LOCKED' });
    // Logging in is another counter: the name is neither locked nor published as a lockout.
    await expect(limiter.admit('10.0.0.3', 'alice', null)).resolves.toBeUndefined();
    expect(published).toEqual([]);
    // The CLI's reset lifts it.
    await limiter.clear('alice', userId);
    await expect(limiter.admitReauth(userId)).resolves.toBeUndefined();
  });
});
