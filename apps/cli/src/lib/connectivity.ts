import { RedisCacheStore, type AppConfig } from '../api';
import type { Check } from './checks';
import { embeddedState, openDatabase, pendingMigrations } from './database';

/** Database reachability and pending migrations, as two checks (migrations unknown when down). */
export async function databaseChecks(config: AppConfig): Promise<Check[]> {
  // A check must not create the embedded database as a side effect: the app does that at first start.
  if (config.database.kind === 'embedded' && (await embeddedState(config)) === 'absent') {
    return [
      { id: 'database', title: 'Database', status: 'warn', detail: `embedded database in ${config.database.dataDir} is not created yet; the app creates it at first start` },
      { id: 'migrations', title: 'Migrations', status: 'warn', detail: 'unknown until the database exists' },
    ];
  }
  let db: Awaited<ReturnType<typeof openDatabase>> | undefined;
  try {
    db = await openDatabase(config);
    await db.dataSource.query('SELECT 1');
    const pending = await pendingMigrations(db.dataSource);
    return [
      { id: 'database', title: 'Database', status: 'ok', detail: db.description },
      pending.length
        ? {
            id: 'migrations',
            title: 'Migrations',
            status: 'warn',
            detail: `${pending.length} pending: ${pending.join(', ')} (the app applies them when it starts)`,
            fix: 'moxnas migrate',
          }
        : { id: 'migrations', title: 'Migrations', status: 'ok', detail: 'none pending' },
    ];
  } catch (err) {
    const message = (err as Error).message || String(err);
    return [
      {
        id: 'database',
        title: 'Database',
        status: 'fail',
        detail: `cannot connect: ${message}`,
        fix:
          config.database.kind === 'postgres'
            ? 'check that PostgreSQL runs (systemctl status postgresql) and DATABASE_URL in /etc/moxnas/moxnas.env'
            : `check that ${config.database.dataDir} is readable and not opened by another process`,
      },
      { id: 'migrations', title: 'Migrations', status: 'warn', detail: 'unknown while the database is unreachable' },
    ];
  } finally {
    await db?.close().catch(() => undefined);
  }
}

function redisTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '6379'}`;
  } catch {
    return 'Redis';
  }
}

export async function redisCheck(config: AppConfig): Promise<Check> {
  if (!config.redisUrl) {
    return { id: 'redis', title: 'Redis', status: 'ok', detail: 'not configured: the app uses its in-process cache' };
  }
  const store = new RedisCacheStore(config.redisUrl, config.redisPrefix);
  try {
    await store.ping();
    return { id: 'redis', title: 'Redis', status: 'ok', detail: `${redisTarget(config.redisUrl)} answers` };
  } catch (err) {
    return {
      id: 'redis',
      title: 'Redis',
      status: 'fail',
      detail: `${redisTarget(config.redisUrl)}: ${(err as Error).message}`,
      fix: 'check that redis-server runs (systemctl status redis-server) and the password in REDIS_URL matches requirepass',
    };
  } finally {
    await store.close();
  }
}
