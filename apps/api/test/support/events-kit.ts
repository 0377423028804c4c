import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { EventsService, type AppEvent } from '../../src/modules/system/events/events.service';

/**
 * Records the app's events for assertions. With Redis the bus is Redis pub/sub, so an event a
 * request published arrives after the response; `settled()` publishes a marker through the same
 * connection and waits for it, and Redis delivers one connection's messages in order: once the
 * marker is back, every event published before it is in `events`.
 */
export function recordEvents(app: INestApplication): { events: AppEvent[]; settled: () => Promise<void> } {
  const bus = app.get(EventsService);
  const events: AppEvent[] = [];
  const markers = new Set<string>();
  bus.subscribe((e) => {
    if (e.type === 'test.settled') markers.add((e.data as { id: string }).id);
    else events.push(e);
  });
  const settled = async (): Promise<void> => {
    const id = randomUUID();
    bus.publish({ type: 'test.settled', access: 'admin', data: { id } });
    for (const deadline = Date.now() + 15_000; !markers.has(id); ) {
      if (Date.now() > deadline) throw new Error('the event bus did not deliver a marker within 15 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    markers.delete(id);
  };
  return { events, settled };
}
