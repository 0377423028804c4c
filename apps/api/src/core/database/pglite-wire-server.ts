import fs from 'node:fs/promises';
import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const MSG_SYNC = 0x53; // 'S'
const MSG_QUERY = 0x51; // 'Q'
const MSG_TERMINATE = 0x58; // 'X'

interface Batch {
  conn: Connection;
  bytes: Uint8Array;
}

/**
 * Serves one PGlite database over the PostgreSQL wire protocol on a unix socket, to many client
 * connections. PGlite is a single session, so the server must not interleave clients:
 *  - it hands PGlite a whole protocol cycle at a time (every message up to a Sync, or a simple
 *    Query), never single messages: otherwise another client's Parse can replace the unnamed
 *    statement between this client's Parse and Bind (seen with large parameters split over reads);
 *  - while a client is inside a transaction, only that client's cycles run.
 * (@electric-sql/pglite-socket queues single messages and so mixes clients under load.)
 */
export class PgliteWireServer {
  private server: net.Server | undefined;
  private readonly queue: Batch[] = [];
  private readonly connections = new Set<Connection>();
  private owner: Connection | null = null;
  private running = false;

  constructor(
    private readonly db: PGlite,
    private readonly socketPath: string,
    private readonly maxConnections: number,
  ) {}

  async start(): Promise<void> {
    await fs.rm(this.socketPath, { force: true });
    this.server = net.createServer((socket) => {
      if (this.connections.size >= this.maxConnections) {
        socket.destroy();
        return;
      }
      this.connections.add(new Connection(socket, this));
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.socketPath, () => resolve());
    });
  }

  submit(batch: Batch): void {
    this.queue.push(batch);
    void this.pump();
  }

  async closed(conn: Connection): Promise<void> {
    this.connections.delete(conn);
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i].conn === conn) this.queue.splice(i, 1);
    if (this.owner === conn) {
      // A client that vanished mid-transaction must not hold the session for everyone else.
      await this.db.query('ROLLBACK').catch(() => undefined);
      this.owner = null;
    }
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        const index = this.owner ? this.queue.findIndex((b) => b.conn === this.owner) : 0;
        if (index < 0 || this.queue.length === 0) break;
        const [batch] = this.queue.splice(index, 1);
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(batch.bytes, { onRawData: (chunk: Uint8Array) => batch.conn.write(chunk) }),
          );
        } catch (err) {
          batch.conn.fail(err as Error);
        }
        this.owner = this.db.isInTransaction() ? batch.conn : null;
      }
    } finally {
      this.running = false;
    }
  }

  async stop(): Promise<void> {
    for (const c of this.connections) c.destroy();
    this.connections.clear();
    this.queue.length = 0;
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}

class Connection {
  private buffer: Buffer = Buffer.alloc(0);
  private started = false;
  private pending: Buffer[] = [];

  constructor(
    private readonly socket: net.Socket,
    private readonly server: PgliteWireServer,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => void this.server.closed(this));
  }

  write(chunk: Uint8Array): void {
    if (chunk.length && this.socket.writable) this.socket.write(Buffer.from(chunk));
  }

  fail(_err: Error): void {
    this.socket.destroy();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      if (!this.started) {
        if (this.buffer.length < 8) return;
        const length = this.buffer.readInt32BE(0);
        const code = this.buffer.readInt32BE(4);
        if (code === SSL_REQUEST) {
          this.socket.write('N');
          this.buffer = this.buffer.subarray(8);
          continue;
        }
        if (this.buffer.length < length) return;
        const message = this.buffer.subarray(0, length);
        this.buffer = this.buffer.subarray(length);
        if (code === CANCEL_REQUEST) continue; // not supported; the query simply runs to its end
        this.started = true;
        this.server.submit({ conn: this, bytes: new Uint8Array(message) });
        continue;
      }
      if (this.buffer.length < 5) return;
      const total = 1 + this.buffer.readInt32BE(1);
      if (this.buffer.length < total) return;
      const type = this.buffer[0];
      const message = this.buffer.subarray(0, total);
      this.buffer = this.buffer.subarray(total);
      if (type === MSG_TERMINATE) {
        this.socket.end();
        return;
      }
      this.pending.push(Buffer.from(message));
      if (type === MSG_SYNC || type === MSG_QUERY) {
        const bytes = new Uint8Array(Buffer.concat(this.pending));
        this.pending = [];
        this.server.submit({ conn: this, bytes });
      }
    }
  }
}
