import 'reflect-metadata';
import { createApp } from './bootstrap';
import { ConfigError, loadConfig, type AppConfig } from './core/config/config';
import { DataDirLockedError } from './core/database/data-dir-lock';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const app = await createApp(config);
  await app.listen({ port: config.port, host: config.host });
  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const db = config.database.kind === 'embedded' ? `embedded PostgreSQL in ${config.database.dataDir}` : 'PostgreSQL';
  process.stdout.write(`MoxNAS is listening on http://${shown}:${config.port}/ (database: ${db}, cache: ${config.redisUrl ? 'Redis' : 'in-process'})\n`);
}

main().catch((err: unknown) => {
  if (err instanceof DataDirLockedError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`MoxNAS failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
