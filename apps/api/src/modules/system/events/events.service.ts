import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Access } from '@moxnas/contracts';
import Redis from 'ioredis';
import { CacheService } from '../../../core/cache/cache.service';

/** An event for dashboards. `access` is the least role that may see it. */
export interface AppEvent {
  type: string;
  access: Exclude<Access, 'public'>;
  data: unknown;
  at?: string;
}

type Listener = (event: Required<AppEvent>) => void;

const CHANNEL = 'events';

/**
 * The in-app event bus. With Redis, events go through Redis pub/sub so the WebSocket clients of
 * every API instance see every event; without Redis (or while it is down) they go to this
 * instance's clients directly.
 */
@Injectable()
export class EventsService implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('events');
  private readonly listeners = new Set<Listener>();
  private subscriber: Redis | undefined;
  private state: 'off' | 'connecting' | 'subscribed' | 'failed' = 'off';

  constructor(private readonly cache: CacheService) {}

  /**
   * Whether this instance hears the Redis event channel. Only `subscribed` sends events through
   * Redis; otherwise they go to this instance's listeners directly, so none is lost.
   */
  get redisSubscription(): 'off' | 'connecting' | 'subscribed' | 'failed' {
    return this.state;
  }

  onModuleInit(): void {
    const store = this.cache.redisStore;
    if (!store) return;
    this.state = 'connecting';
    this.subscriber = store.client.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.subscriber.on('error', () => undefined);
    // Subscribed only once Redis says so, on every (re)connect: a connection that is up but not
    // subscribed (refused by an ACL, say) would swallow every event published through it.
    this.subscriber.on('ready', () => void this.listen());
    this.subscriber.on('close', () => {
      if (this.state === 'subscribed') this.state = 'connecting';
    });
    this.subscriber.on('message', (_channel: string, raw: string) => {
      try {
        this.dispatch(JSON.parse(raw) as Required<AppEvent>);
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'dropped a malformed event');
      }
    });
  }

  private async listen(): Promise<void> {
    const subscriber = this.subscriber;
    if (!subscriber) return;
    try {
      await subscriber.subscribe(this.cache.redisChannel(CHANNEL));
      this.state = 'subscribed';
    } catch (err) {
      this.state = 'failed';
      this.log.error(
        { err: (err as Error).message },
        'could not subscribe to the Redis event channel: events now reach only this instance’s clients and alerts; other instances do not see them (retried at the next reconnect)',
      );
    }
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: AppEvent): void {
    const full: Required<AppEvent> = { ...event, at: event.at ?? new Date().toISOString() };
    const store = this.cache.redisStore;
    if (store && this.state === 'subscribed' && store.client.status === 'ready') {
      store.client.publish(this.cache.redisChannel(CHANNEL), JSON.stringify(full)).catch(() => this.dispatch(full));
      return;
    }
    this.dispatch(full);
  }

  private dispatch(event: Required<AppEvent>): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'event listener failed');
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.subscriber?.disconnect();
  }
}
