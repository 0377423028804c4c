import { vi } from 'vitest';

/** A scriptable stand-in for the browser WebSocket: tests open, answer and close it by hand. */
export class FakeWebSocket {
  static instances: FakeWebSocket[] = [];
  readonly url: string;
  readonly sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: MessageEvent) => void) | null = null;
  onclose: ((e: CloseEvent) => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;

  constructor(url: string) {
    this.url = url;
    FakeWebSocket.instances.push(this);
  }

  send(data: string) {
    this.sent.push(JSON.parse(data) as unknown);
  }

  close() {
    this.closed = true;
  }

  /** The server side: connection accepted. */
  open() {
    this.onopen?.();
  }

  /** The server side: one JSON message. */
  emit(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) } as MessageEvent);
  }

  /** The server side: the connection ends with this close code. */
  drop(code = 1006) {
    this.closed = true;
    this.onclose?.({ code } as CloseEvent);
  }

  static latest(): FakeWebSocket {
    const ws = FakeWebSocket.instances.at(-1);
    if (!ws) throw new Error('No WebSocket was opened');
    return ws;
  }
}

/** Installs FakeWebSocket as the global WebSocket for one test. */
export function stubWebSocket() {
  FakeWebSocket.instances = [];
  vi.stubGlobal('WebSocket', FakeWebSocket);
  return FakeWebSocket;
}
