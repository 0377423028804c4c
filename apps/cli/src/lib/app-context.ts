import path from 'node:path';
import { loadConfig, type AppConfig } from '../api';
import { embeddedState } from './database';

/**
 * The configuration a command that boots the API's module graph uses: the CLI role (no daemon
 * supervision, no background work), and, when the running app already serves the embedded
 * database, a connection to its socket instead of a second PGlite on the same files.
 */
export async function cliConfig(): Promise<AppConfig> {
  const config: AppConfig = { ...loadConfig(), role: 'cli' };
  if (config.database.kind === 'embedded' && (await embeddedState(config)) === 'served') {
    const socketDir = path.join(config.dataDir, 'run');
    return { ...config, database: { kind: 'postgres', url: `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(socketDir)}`, poolSize: 2 } };
  }
  return config;
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
