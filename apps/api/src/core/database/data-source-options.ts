import type { DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations';
import type { EmbeddedEndpoint } from './embedded-postgres';

/** The one place connection options are made, for the app, the CLI and the tests. */
export function dataSourceOptions(
  target: { kind: 'postgres'; url: string } | { kind: 'embedded'; endpoint: EmbeddedEndpoint },
  poolSize: number,
): DataSourceOptions {
  const connection =
    target.kind === 'postgres'
      ? { url: target.url }
      : { host: target.endpoint.socketDir, port: target.endpoint.port, username: 'postgres', database: 'postgres' };
  return {
    type: 'postgres',
    ...connection,
    migrations,
    migrationsTableName: 'moxnas_migrations',
    migrationsRun: false,
    synchronize: false,
    logging: false,
    extra: {
      max: poolSize,
      connectionTimeoutMillis: 3000,
      // Keeps a dead server from hanging requests: queries give up and the probe turns 503.
      query_timeout: 15000,
      idleTimeoutMillis: 30000,
    },
  };
}
