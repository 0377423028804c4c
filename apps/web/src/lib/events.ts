import type { EventMessage } from '@moxnas/contracts';
import { useEffect, useRef, useState } from 'react';
import { API_BASE, refreshSession } from './api-client';
import { getAccessToken } from './session';

/** `connecting` until the API says ready, `live` while events flow, `down` between attempts. */
export type EventsStatus = 'connecting' | 'live' | 'down';

/** The close code the API uses for a missing, wrong or expired credential. */
const AUTH_FAILED = 4401;
/** Waits between reconnection attempts; the last one repeats. */
const BACKOFF_MS = [1_000, 3_000, 10_000, 30_000];

export interface EventsConnection {
  close: () => void;
}

export interface ConnectOptions {
  onEvent: (event: EventMessage) => void;
  onStatus: (status: EventsStatus) => void;
  /** For tests; the browser's WebSocket otherwise. */
  WebSocketImpl?: typeof WebSocket;
  url?: string;
}

function defaultUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}${API_BASE}/events`;
}

function isEventMessage(value: unknown): value is EventMessage {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/**
 * Opens `/api/events`, authenticates with the first message (the token never goes in the URL,
 * which proxies log) and reconnects with backoff. A close for bad credentials refreshes the
 * session once before the next attempt, since an access token expires while a socket is open.
 */
export function connectEvents({ onEvent, onStatus, WebSocketImpl = globalThis.WebSocket, url = defaultUrl() }: ConnectOptions): EventsConnection {
  let socket: WebSocket | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  let closed = false;

  const schedule = (refresh: boolean) => {
    if (closed) return;
    onStatus('down');
    const wait = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)];
    attempt += 1;
    timer = setTimeout(() => {
      if (!refresh) return open();
      void refreshSession().then(() => open());
    }, wait);
  };

  const open = () => {
    if (closed) return;
    const token = getAccessToken();
    if (!WebSocketImpl || !token) return schedule(false);
    onStatus('connecting');
    let ws: WebSocket;
    try {
      ws = new WebSocketImpl(url);
    } catch {
      return schedule(false);
    }
    socket = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token }));
    ws.onmessage = (msg: MessageEvent) => {
      let data: unknown;
      try {
        data = JSON.parse(String(msg.data));
      } catch {
        return;
      }
      if (!isEventMessage(data)) return;
      if (data.type === 'ready') {
        attempt = 0;
        onStatus('live');
        return;
      }
      onEvent(data);
    };
    ws.onclose = (e: CloseEvent) => {
      if (socket !== ws) return;
      socket = null;
      schedule(e.code === AUTH_FAILED);
    };
    // An error is always followed by close, which schedules the retry.
    ws.onerror = () => undefined;
  };

  open();
  return {
    close: () => {
      closed = true;
      clearTimeout(timer);
      const ws = socket;
      socket = null;
      ws?.close();
    },
  };
}

/**
 * Subscribes a component to the event stream while `enabled`; returns the connection status so
 * the page can say whether it is live or polling. `onEvent` may change between renders.
 */
export function useEventStream(onEvent: (event: EventMessage) => void, enabled = true): EventsStatus {
  const [status, setStatus] = useState<EventsStatus>('connecting');
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  });
  useEffect(() => {
    if (!enabled) return;
    const connection = connectEvents({ onEvent: (e) => handler.current(e), onStatus: setStatus });
    return () => connection.close();
  }, [enabled]);
  return enabled ? status : 'down';
}
