import fs from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PgliteWireServer } from './pglite-wire-server';

export interface EmbeddedEndpoint {
  /** Directory holding the unix socket: pg's `host` for socket connections. */
  socketDir: string;
  port: number;
}

const SOCKET_PORT = 5432;

/**
 * Memory settings for a small container. PostgreSQL's defaults (128 MB of shared buffers) are sized
 * for a server; MoxNAS's database is a few MB, and inside PGlite every buffer lives in the API's own
 * process. Measured on reopening a data dir (docs/performance.md): 312 MiB RSS with the defaults,
 * 168 MiB with these; smaller buffers saved little more (8 MB: 153 MiB).
 */
export const EMBEDDED_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: '16MB',
  work_mem: '2MB',
  maintenance_work_mem: '16MB',
  temp_buffers: '2MB',
  wal_buffers: '1MB',
};

/**
 * The embedded database: PGlite persisted in the data dir, served over the Postgres wire protocol on
 * a unix socket so the same TypeORM postgres driver and pool talk to it as to a real server.
 */
export class EmbeddedPostgres {
  private db: PGlite | undefined;
  private server: PgliteWireServer | undefined;
  private socketPath: string | undefined;
  /** Inode of the socket our server bound: the file new connections (the pool's) reach. */
  private socketInode: number | undefined;

  constructor(
    private readonly dataDir: string | null,
    private readonly socketDir: string,
    private readonly maxConnections: number,
    private readonly loadFrom?: Blob,
  ) {}

  async start(): Promise<EmbeddedEndpoint> {
    if (this.dataDir) await fs.mkdir(this.dataDir, { recursive: true, mode: 0o700 });
    await fs.mkdir(this.socketDir, { recursive: true, mode: 0o700 });
    const socketPath = path.join(this.socketDir, `.s.PGSQL.${SOCKET_PORT}`);
    this.db = await PGlite.create({
      startParams: [...PGlite.defaultStartParams, ...Object.entries(EMBEDDED_SETTINGS).flatMap(([k, v]) => ['-c', `${k}=${v}`])],
      ...(this.dataDir ? { dataDir: this.dataDir } : {}),
      ...(this.loadFrom ? { loadDataDir: this.loadFrom } : {}),
    });
    this.server = new PgliteWireServer(this.db, socketPath, this.maxConnections);
    await this.server.start();
    this.socketPath = socketPath;
    this.socketInode = (await fs.stat(socketPath)).ino;
    return { socketDir: this.socketDir, port: SOCKET_PORT };
  }

  /**
   * Throws unless the socket file is still the one this server listens on. Connections already open
   * keep working when the file is removed or replaced (a second server on the same data dir did
   * that), but every new pooled connection then misses this server: the readiness probe must see it.
   */
  async checkSocket(): Promise<void> {
    if (!this.socketPath || this.socketInode === undefined) throw new Error('the embedded database is not started');
    let ino: number;
    try {
      ino = (await fs.stat(this.socketPath)).ino;
    } catch (err) {
      throw new Error(`the embedded database socket ${this.socketPath} is gone (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); new connections cannot reach the database`);
    }
    if (ino !== this.socketInode) throw new Error(`the embedded database socket ${this.socketPath} was replaced by another process; new connections do not reach this server`);
  }

  /** A tarball of the whole database, for test templates. */
  async dump(): Promise<Blob> {
    if (!this.db) throw new Error('embedded database not started');
    return this.db.dumpDataDir('none');
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    await this.db?.close();
    this.server = undefined;
    this.db = undefined;
    this.socketInode = undefined;
  }
}
