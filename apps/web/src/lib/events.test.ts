import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeWebSocket } from '../testing/fake-websocket';
import { json, mockFetch } from '../testing/fetch-mock';
import { connectEvents, type EventsStatus } from './events';
import { setAccessToken } from './session';

afterEach(() => {
  vi.useRealTimers();
  setAccessToken(null);
});

function connect() {
  FakeWebSocket.instances = [];
  const events: unknown[] = [];
  const statuses: EventsStatus[] = [];
  const connection = connectEvents({
    onEvent: (e) => events.push(e),
    onStatus: (s) => statuses.push(s),
    WebSocketImpl: FakeWebSocket as unknown as typeof WebSocket,
    url: 'ws://test/api/events',
  });
  return { events, statuses, connection };
}

describe('connectEvents', () => {
  it('authenticates with the first message, goes live on ready and passes events on', () => {
    setAccessToken('access-1');
    const { events, statuses, connection } = connect();
    const ws = FakeWebSocket.latest();
    expect(ws.url).toBe('ws://test/api/events');
    ws.open();
    expect(ws.sent).toEqual([{ type: 'auth', token: 'access-1' }]);
    expect(statuses.at(-1)).toBe('connecting');

    ws.emit({ type: 'ready', at: '2025-01-01T00:00:00Z', data: { username: 'admin', role: 'admin' } });
    expect(statuses.at(-1)).toBe('live');
    ws.emit({ type: 'metrics.tick', at: '2025-01-01T00:00:05Z', data: { cpu: 0.5 } });
    expect(events).toEqual([{ type: 'metrics.tick', at: '2025-01-01T00:00:05Z', data: { cpu: 0.5 } }]);

    connection.close();
    expect(ws.closed).toBe(true);
  });

  it('reports down when the socket drops and reconnects after a pause', () => {
    vi.useFakeTimers();
    setAccessToken('access-1');
    const { statuses, connection } = connect();
    FakeWebSocket.latest().drop(1006);
    expect(statuses.at(-1)).toBe('down');
    expect(FakeWebSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(1_000);
    expect(FakeWebSocket.instances).toHaveLength(2);
    connection.close();
  });

  it('refreshes the session before reconnecting when the API rejects the token', async () => {
    vi.useFakeTimers();
    setAccessToken('expired');
    const api = mockFetch({ 'POST /api/auth/refresh': () => json(200, { accessToken: 'fresh', tokenType: 'Bearer', expiresIn: 900, user: {} }) });
    const { connection } = connect();
    FakeWebSocket.latest().drop(4401);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(api.to('POST', '/api/auth/refresh')).toHaveLength(1);
    const second = FakeWebSocket.latest();
    expect(FakeWebSocket.instances).toHaveLength(2);
    second.open();
    expect(second.sent).toEqual([{ type: 'auth', token: 'fresh' }]);
    connection.close();
  });
});
