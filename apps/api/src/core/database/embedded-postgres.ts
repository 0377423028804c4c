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
 * The embedded database: PGlite persisted in the data dir, served over the Postgres wire protocol on
 * a unix socket so the same TypeORM postgres driver and pool talk to it as to a real server.
 */
export class EmbeddedPostgres {
  private db: PGlite | undefined;
  private server: PgliteWireServer | undefined;

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
      ...(this.dataDir ? { dataDir: this.dataDir } : {}),
      ...(this.loadFrom ? { loadDataDir: this.loadFrom } : {}),
    });
    this.server = new PgliteWireServer(this.db, socketPath, this.maxConnections);
    await this.server.start();
    return { socketDir: this.socketDir, port: SOCKET_PORT };
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
  }
}
