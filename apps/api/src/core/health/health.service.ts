import os from 'node:os';
import { Inject, Injectable } from '@nestjs/common';
import type { CheckStatus, DetailedHealth, HealthSummary, ProbeResponse } from '@moxnas/contracts';
import { CacheService } from '../cache/cache.service';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { DatabaseService } from '../database/database.service';

export interface ServicesHealth {
  status: CheckStatus;
  message?: string;
  services: Record<string, string>;
}
export interface StorageHealth {
  status: CheckStatus;
  message?: string;
  pools: number;
  degraded: number;
}

/** Modules that own services and pools report into the detailed check through these hooks. */
export interface HealthContributors {
  services?: () => Promise<ServicesHealth>;
  storage?: () => Promise<StorageHealth>;
}

const WORST: CheckStatus[] = ['healthy', 'degraded', 'unhealthy'];
function worst(...s: CheckStatus[]): CheckStatus {
  return s.reduce((a, b) => (WORST.indexOf(b) > WORST.indexOf(a) ? b : a), 'healthy');
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value?: T; error?: string; ms: number }> {
  const start = performance.now();
  try {
    const value = await fn();
    return { value, ms: Math.round((performance.now() - start) * 100) / 100 };
  } catch (err) {
    return { error: (err as Error).message, ms: Math.round((performance.now() - start) * 100) / 100 };
  }
}

@Injectable()
export class HealthService {
  private readonly startedAt = Date.now();
  private readonly contributors: HealthContributors = {};

  constructor(
    private readonly db: DatabaseService,
    private readonly cache: CacheService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  contribute(c: HealthContributors): void {
    Object.assign(this.contributors, c);
  }

  live(): ProbeResponse {
    return { status: 'ok' };
  }

  /** Ready = DB answers, schema current, and Redis answers when configured. */
  async ready(): Promise<{ ok: boolean; body: ProbeResponse }> {
    const checks: NonNullable<ProbeResponse['checks']> = {};
    const [db, redis] = await Promise.all([
      timed(() => this.db.ping()),
      this.config.redisUrl ? timed(() => this.cache.pingRedis()) : Promise.resolve(undefined),
    ]);
    checks['database'] = db.error ? { status: 'error', message: db.error } : { status: 'ok' };
    checks['migrations'] = this.db.isMigrated
      ? { status: 'ok' }
      : { status: 'error', message: 'database migrations have not been applied yet' };
    if (redis) checks['redis'] = redis.error ? { status: 'error', message: redis.error } : { status: 'ok' };
    const ok = Object.values(checks).every((c) => c.status === 'ok');
    return { ok, body: { status: ok ? 'ok' : 'error', checks } };
  }

  async summary(): Promise<HealthSummary> {
    const ready = await this.ready();
    return {
      status: ready.ok ? 'healthy' : 'unhealthy',
      timestamp: new Date().toISOString(),
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      version: this.config.version,
    };
  }

  async detailed(): Promise<DetailedHealth> {
    const [db, cache, services, storage] = await Promise.all([
      timed(() => this.db.ping()),
      timed(() => this.cache.pingRedis()),
      timed(() => this.contributors.services?.() ?? Promise.resolve<ServicesHealth>({ status: 'healthy', services: {} })),
      timed(() => this.contributors.storage?.() ?? Promise.resolve<StorageHealth>({ status: 'healthy', pools: 0, degraded: 0 })),
    ]);
    const memUsed = 1 - os.freemem() / os.totalmem();
    const load = os.loadavg();
    const systemStatus: CheckStatus = memUsed > 0.95 || load[0] > os.cpus().length * 4 ? 'degraded' : 'healthy';
    const checks: DetailedHealth['checks'] = {
      database: {
        status: db.error || !this.db.isMigrated ? 'unhealthy' : 'healthy',
        responseTimeMs: db.ms,
        backend: this.db.backend,
        migrationsPending: this.db.isMigrated ? 0 : Math.max(this.db.migrationsPending, 1),
        ...(db.error ? { message: db.error } : {}),
      },
      cache: {
        // Without Redis the cache is in-process; with Redis down the API degrades to it.
        status: cache.error ? 'degraded' : 'healthy',
        responseTimeMs: cache.ms,
        backend: this.cache.backend,
        ...(cache.error ? { message: cache.error } : {}),
      },
      services: services.value
        ? { ...services.value, responseTimeMs: services.ms }
        : { status: 'unhealthy', responseTimeMs: services.ms, services: {}, message: services.error },
      storage: storage.value
        ? { ...storage.value, responseTimeMs: storage.ms }
        : { status: 'unhealthy', responseTimeMs: storage.ms, pools: 0, degraded: 0, message: storage.error },
      system: {
        status: systemStatus,
        responseTimeMs: 0,
        loadAverage: load,
        memoryUsedRatio: Math.round(memUsed * 1000) / 1000,
        uptimeSeconds: Math.round(os.uptime()),
      },
    };
    return {
      status: worst(...Object.values(checks).map((c) => c.status)),
      timestamp: new Date().toISOString(),
      checks,
    };
  }
}
