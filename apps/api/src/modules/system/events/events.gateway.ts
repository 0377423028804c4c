import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { allows } from '@moxnas/contracts';
import { WebSocket, WebSocketServer } from 'ws';
import { SESSION_VERIFIER, type SessionVerifier } from '../../../core/auth/session-verifier';
import type { Actor } from '../../../core/http/actor';
import { EventsService } from './events.service';

export const EVENTS_PATH = '/api/events';
const AUTH_TIMEOUT_MS = 5000;
const REVERIFY_MS = 30_000;

/**
 * `WS /api/events`. The client's first message must be `{"type":"auth","token":"<access token>"}`
 * (tokens never travel in the URL, which proxies log); the server answers `{"type":"ready"}` and then
 * pushes the events the caller's role may see. The credential is re-checked every 30 s, so a
 * revoked session stops receiving events.
 */
@Injectable()
export class EventsGateway implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('events-ws');
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });
  private unsubscribe: (() => void) | undefined;
  private readonly clients = new Map<WebSocket, { actor: Actor; token: string; checkedAt: number }>();
  private reverifyTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly events: EventsService,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** Provided by the users module; looked up lazily because that module builds on this one. */
  private get verifier(): SessionVerifier | undefined {
    try {
      return this.moduleRef.get<SessionVerifier>(SESSION_VERIFIER, { strict: false });
    } catch {
      return undefined;
    }
  }

  onApplicationBootstrap(): void {
    // The CLI builds the same modules as an application context, without an HTTP server.
    if (!this.adapterHost.httpAdapter) return;
    const server = this.adapterHost.httpAdapter.getHttpServer() as import('node:http').Server;
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== EVENTS_PATH) {
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
    });
    this.reverifyTimer = setInterval(() => void this.reverify().catch((err) => this.log.warn({ err }, 'reverify failed')), REVERIFY_MS);
    this.reverifyTimer.unref();
    this.unsubscribe = this.events.subscribe((event) => {
      const message = JSON.stringify({ type: event.type, at: event.at, data: event.data });
      for (const [ws, client] of this.clients) {
        if (ws.readyState === WebSocket.OPEN && allows(event.access, client.actor.role)) ws.send(message);
      }
    });
  }

  private onConnection(ws: WebSocket): void {
    const timer = setTimeout(() => ws.close(4401, 'authenticate first'), AUTH_TIMEOUT_MS);
    ws.on('message', async (raw) => {
      if (this.clients.has(ws)) return; // after auth, clients only listen
      let token: unknown;
      try {
        const msg = JSON.parse(String(raw)) as { type?: unknown; token?: unknown };
        token = msg.type === 'auth' ? msg.token : undefined;
      } catch {
        token = undefined;
      }
      const verifier = this.verifier;
      const actor = typeof token === 'string' && verifier ? await verifier.verify(token) : null;
      clearTimeout(timer);
      if (!actor || !allows('viewer', actor.role)) {
        ws.close(4401, this.verifier ? 'invalid credentials' : 'authentication is not available');
        return;
      }
      this.clients.set(ws, { actor, token: token as string, checkedAt: Date.now() });
      ws.send(JSON.stringify({ type: 'ready', at: new Date().toISOString(), data: { username: actor.username, role: actor.role } }));
    });
    ws.on('close', () => {
      clearTimeout(timer);
      this.clients.delete(ws);
    });
    ws.on('error', () => ws.terminate());
  }

  /** Drops clients whose credential no longer verifies (logout, password change, disable). */
  async reverify(): Promise<void> {
    const now = Date.now();
    for (const [ws, client] of this.clients) {
      if (now - client.checkedAt < REVERIFY_MS) continue;
      const verifier = this.verifier;
      const actor = verifier ? await verifier.verify(client.token) : null;
      if (!actor) {
        ws.close(4401, 'session ended');
        this.clients.delete(ws);
      } else {
        client.actor = actor;
        client.checkedAt = now;
      }
    }
  }


  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.reverifyTimer);
    this.unsubscribe?.();
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
