import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { DataSource, MigrationExecutor } from 'typeorm';
import { dataSourceOptions, EmbeddedPostgres, type AppConfig, type EmbeddedEndpoint } from '../api';

/** The embedded server always listens on this socket "port" (see EmbeddedPostgres). */
const EMBEDDED_SOCKET_PORT = 5432;

export interface OpenDatabase {
  dataSource: DataSource;
  /** Where we are connected, for messages; never contains a password. */
  description: string;
  close(): Promise<void>;
}

/** Human-readable target without credentials. */
export function describeDatabase(config: Pick<AppConfig, 'database'>): string {
  if (config.database.kind === 'embedded') return `embedded PostgreSQL in ${config.database.dataDir}`;
  try {
    const u = new URL(config.database.url);
    const db = u.pathname.replace(/^\//, '') || '(default database)';
    return `PostgreSQL ${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.hostname}:${u.port || '5432'}/${db}`;
  } catch {
    return 'PostgreSQL';
  }
}

function socketAnswers(socketPath: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ path: socketPath });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function embeddedSocket(config: AppConfig): { socketDir: string; socketPath: string } {
  const socketDir = path.join(config.dataDir, 'run');
  return { socketDir, socketPath: path.join(socketDir, `.s.PGSQL.${EMBEDDED_SOCKET_PORT}`) };
}

/** Whether the embedded database is served by the running app, exists on disk only, or not at all. */
export async function embeddedState(config: AppConfig): Promise<'served' | 'on-disk' | 'absent'> {
  if (config.database.kind !== 'embedded') throw new Error('not an embedded database');
  if (await socketAnswers(embeddedSocket(config).socketPath)) return 'served';
  try {
    await fs.access(path.join(config.database.dataDir, 'PG_VERSION'));
    return 'on-disk';
  } catch {
    return 'absent';
  }
}

/**
 * Connects with the app's own configuration. For the embedded database, PGlite must never be opened
 * by two processes at once: when the running app already serves it on its socket we connect there;
 * only when nothing answers do we start our own instance on the data dir.
 */
export async function openDatabase(config: AppConfig): Promise<OpenDatabase> {
  const description = describeDatabase(config);
  if (config.database.kind === 'postgres') {
    const dataSource = new DataSource(dataSourceOptions({ kind: 'postgres', url: config.database.url }, 2));
    await dataSource.initialize();
    return { dataSource, description, close: () => dataSource.destroy() };
  }
  const { socketDir, socketPath } = embeddedSocket(config);
  let embedded: EmbeddedPostgres | undefined;
  let endpoint: EmbeddedEndpoint;
  if (await socketAnswers(socketPath)) {
    endpoint = { socketDir, port: EMBEDDED_SOCKET_PORT };
  } else {
    embedded = new EmbeddedPostgres(config.database.dataDir, socketDir, 4);
    endpoint = await embedded.start();
  }
  const dataSource = new DataSource(dataSourceOptions({ kind: 'embedded', endpoint }, 2));
  try {
    await dataSource.initialize();
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
  return {
    dataSource,
    description: embedded ? description : `${description} (served by the running app)`,
    close: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    },
  };
}

/** Names of migrations known to this build and not yet recorded in the database, in order. */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const pending = await new MigrationExecutor(dataSource).getPendingMigrations();
  return pending.map((m) => m.name);
}
