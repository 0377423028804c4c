import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Client, type ClientConfig } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { APP_CONFIG, type AppConfig } from '../config/config';
import type { EmbeddedPostgres } from './embedded-postgres';

export const EMBEDDED_POSTGRES = Symbol('EMBEDDED_POSTGRES');

type ReadyListener = () => Promise<void> | void;

/**
 * Owns the connection life cycle. The HTTP server starts even when the database is down (liveness
 * must not depend on it); this service connects and migrates in the background, retrying, and
 * runs the ready listeners (seeding, reconcile) once the schema is current.
 */
@Injectable()
export class DatabaseService implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('database');
  private migrated = false;
  private pendingMigrations = -1;
  private lastError: string | undefined;
  private readonly listeners: ReadyListener[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readyPromise: Promise<void>;
  private resolveReady!: () => void;
  private stopping = false;
  private retryTimer: NodeJS.Timeout | undefined;
  /** The readiness probe's own connection (see ping); opened on first use, dropped on any error. */
  private probe: Promise<Client> | undefined;
  private pinging: Promise<void> | undefined;

  constructor(
    readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EMBEDDED_POSTGRES) private readonly embedded: EmbeddedPostgres | null,
  ) {
    this.readyPromise = new Promise((resolve) => (this.resolveReady = resolve));
  }

  get backend(): 'postgres' | 'embedded' {
    return this.config.database.kind;
  }

  get isMigrated(): boolean {
    return this.migrated;
  }

  get migrationsPending(): number {
    return this.pendingMigrations;
  }

  get error(): string | undefined {
    return this.lastError;
  }

  /** Resolves once connected and migrated. */
  whenReady(): Promise<void> {
    return this.readyPromise;
  }

  /** Runs `fn` once the database is ready (immediately when it already is). */
  onReady(fn: ReadyListener): void {
    this.listeners.push(fn);
    if (this.migrated) void this.runListener(fn);
  }

  async onModuleInit(): Promise<void> {
    // One attempt inline so a healthy start is ready before the HTTP server listens.
    if (!(await this.connectOnce())) this.scheduleRetry(1000);
  }

  private scheduleRetry(delay: number): void {
    if (this.stopping) return;
    this.retryTimer = setTimeout(async () => {
      if (!(await this.connectOnce())) this.scheduleRetry(Math.min(delay * 2, 10000));
    }, delay);
    this.retryTimer.unref();
  }

  private async connectOnce(): Promise<boolean> {
    try {
      if (!this.dataSource.isInitialized) await this.dataSource.initialize();
      const applied = await this.dataSource.runMigrations({ transaction: 'each' });
      if (applied.length) this.log.log({ migrations: applied.map((m) => m.name) }, 'migrations applied');
      this.pendingMigrations = 0;
      this.migrated = true;
      this.lastError = undefined;
      this.resolveReady();
      for (const fn of this.listeners) await this.runListener(fn);
      return true;
    } catch (err) {
      this.lastError = (err as Error).message;
      this.log.warn({ err: this.lastError }, 'database not ready; retrying');
      return false;
    }
  }

  private runListener(fn: ReadyListener): Promise<void> {
    const run = (async () => {
      try {
        await fn();
      } catch (err) {
        this.log.error({ err }, 'database ready listener failed');
      }
    })();
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
    return run;
  }

  /** Resolves once connected, migrated and every ready listener started so far has finished. */
  async settled(): Promise<void> {
    await this.readyPromise;
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  /**
   * A round trip with a deadline, for the probes. It runs on a connection of its own, outside the
   * pool: under load every pooled connection is busy, and a probe queued behind them timed out and
   * turned a busy but healthy API unready. The question is whether the database answers, not how
   * long the pool queue is. Probes that arrive while one is in flight share its answer (one client
   * runs one query at a time). With the embedded database it also checks that the socket file the
   * pool connects through still leads to this server.
   */
  ping(timeoutMs = 2000): Promise<void> {
    if (!this.dataSource.isInitialized) return Promise.reject(new Error(this.lastError ?? 'not connected yet'));
    this.pinging ??= this.pingOnce(timeoutMs).finally(() => (this.pinging = undefined));
    return this.pinging;
  }

  private async pingOnce(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        // The probe's connection is open already; the pool's next one goes through the socket file.
        (async () => {
          await this.embedded?.checkSocket();
          await (await this.probeConnection()).query('SELECT 1');
        })(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } catch (err) {
      this.dropProbe();
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  private probeConnection(): Promise<Client> {
    if (!this.probe) {
      // The pool's own settings (address, credentials, timeouts), so the probe reaches the same server.
      const client = new Client((this.dataSource.driver as PostgresDriver).master.options as ClientConfig);
      const probe = client.connect().then(() => client);
      probe.catch(() => undefined);
      // A server that goes away errors the idle client; the next ping opens a new one.
      client.on('error', () => {
        if (this.probe === probe) this.dropProbe();
      });
      this.probe = probe;
    }
    return this.probe;
  }

  private dropProbe(): void {
    const probe = this.probe;
    this.probe = undefined;
    probe?.then((client) => client.end()).catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.retryTimer);
    this.dropProbe();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.embedded?.stop();
  }
}
