/**
 * Issue 14, defect 12: a Redis connection that is up but refused the SUBSCRIBE (here by an ACL)
 * must not swallow events. Before, the bus counted itself subscribed as soon as the connection was
 * ready and published through Redis, where this instance never heard the events again: its alerts
 * and WebSocket clients missed them.
 */
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { EventsService, type AppEvent } from '../../src/modules/system/events/events.service';
import { describeOnHost } from '../support/host-gate';
import { startTestApp, type TestApp } from '../support/test-app';
import { waitFor } from '../support/tcp-proxy';

const redisUrl = process.env.REDIS_URL;

describeOnHost('events when Redis refuses the subscription', { other: { REDIS_URL: !!redisUrl } }, () => {
  const user = `moxnas-test-nosub-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(16).toString('hex');
  let admin: Redis;
  let app: TestApp;

  beforeAll(async () => {
    admin = new Redis(redisUrl!);
    // Everything a MoxNAS instance needs, except subscribing.
    await admin.call('ACL', 'SETUSER', user, 'on', `>${password}`, '~*', '&*', '+@all', '-subscribe', '-psubscribe', '-ssubscribe');
    const url = new URL(redisUrl!);
    url.username = user;
    url.password = password;
    app = await startTestApp({ redis: false, env: { REDIS_URL: url.toString() } });
  });
  afterAll(async () => {
    await app?.close();
    await admin?.call('ACL', 'DELUSER', user);
    admin?.disconnect();
  });

  it('says so and keeps delivering events to this instance', async () => {
    const events = app.app.get(EventsService);
    await waitFor(async () => events.redisSubscription, (s) => s !== 'connecting', 10_000, 20);
    expect(events.redisSubscription).toBe('failed');

    const heard: AppEvent[] = [];
    const off = events.subscribe((e) => heard.push(e));
    try {
      events.publish({ type: 'test.ping', access: 'viewer', data: { n: 1 } });
      await waitFor(async () => heard.length, (n) => n > 0, 5_000, 20);
      expect(heard).toEqual([expect.objectContaining({ type: 'test.ping', data: { n: 1 } })]);
    } finally {
      off();
    }
  });
});
