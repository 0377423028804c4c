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

/**
 * Work that must be done before the box may serve, registered by the module that does it (the
 * start-up reconcile: the host must match the database before ready turns 200). `ready` false holds
 * the readiness probe at 503; `problem` is what went wrong once it is done, shown in the detailed
 * check (the services check degrades) without holding readiness.
 */
export interface ReadinessGate {
  ready: boolean;
  message?: string;
  problem?: string;
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
  private readonly gates = new Map<string, () => ReadinessGate>();

  constructor(
    private readonly db: DatabaseService,
    private readonly cache: CacheService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  contribute(c: HealthContributors): void {
    Object.assign(this.contributors, c);
  }

  /** Registers a readiness gate (see ReadinessGate); `name` becomes the check's name in `ready`. */
  gate(name: string, check: () => ReadinessGate): void {
    this.gates.set(name, check);
  }

  live(): ProbeResponse {
    return { status: 'ok' };
  }

  /**
   * Ready = this box can serve: the database answers on the path the data routes use, the schema is
   * current, and every readiness gate (the start-up reconcile) has passed. Redis is optional: without
   * it every request still works on the in-process fallback, so it degrades the detailed check and
   * never takes the box out of a load balancer.
   */
  async ready(): Promise<{ ok: boolean; body: ProbeResponse }> {
    const checks: NonNullable<ProbeResponse['checks']> = {};
    const db = await timed(() => this.db.ping());
    checks['database'] = db.error ? { status: 'error', message: db.error } : { status: 'ok' };
    checks['migrations'] = this.db.isMigrated
      ? { status: 'ok' }
      : { status: 'error', message: 'database migrations have not been applied yet' };
    for (const [name, check] of this.gates) {
      const gate = check();
      checks[name] = gate.ready ? { status: 'ok' } : { status: 'error', message: gate.message ?? `${name} has not finished` };
    }
    const ok = Object.values(checks).every((c) => c.status === 'ok');
    return { ok, body: { status: ok ? 'ok' : 'error', checks } };
  }

  /** Unhealthy (503) when not ready, degraded (200) when configured Redis does not answer. */
  async summary(): Promise<HealthSummary> {
    const [ready, redis] = await Promise.all([this.ready(), this.config.redisUrl ? timed(() => this.cache.pingRedis()) : Promise.resolve(undefined)]);
    return {
      status: !ready.ok ? 'unhealthy' : redis?.error ? 'degraded' : 'healthy',
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
      services: this.withGates(
        services.value
          ? { ...services.value, responseTimeMs: services.ms }
          : { status: 'unhealthy', responseTimeMs: services.ms, services: {}, message: services.error },
      ),
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

  /** A gate still pending or done with a problem degrades the services check and says why. */
  private withGates(check: DetailedHealth['checks']['services']): DetailedHealth['checks']['services'] {
    const notes: string[] = [];
    for (const [name, gate] of this.gates) {
      const g = gate();
      if (!g.ready) notes.push(g.message ?? `${name} has not finished`);
      else if (g.problem) notes.push(g.problem);
    }
    if (!notes.length) return check;
    return { ...check, status: worst(check.status, 'degraded'), message: [check.message, ...notes].filter(Boolean).join('; ') };
  }
}

/** The HTTP status of a health answer: 503 only when unhealthy; degraded still serves. */
export function healthHttpStatus(status: CheckStatus): 200 | 503 {
  return status === 'unhealthy' ? 503 : 200;
}
