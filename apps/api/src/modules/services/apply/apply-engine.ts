import { createHash } from 'node:crypto';
import path from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ApplyResult, FileDiff, ServiceId } from '@moxnas/contracts';
import type { HostFs } from '@moxnas/host';
import { createTwoFilesPatch } from 'diff';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { DomainError } from '../../../core/errors/domain-error';
import { HOST_FS } from '../../../core/host/host.module';
import { MetricsService } from '../../../core/metrics/metrics.service';
import { EventsService } from '../../system/events/events.service';
import { ConfigRevisionEntity, type RevisionResult } from '../entities/config-revision.entity';
import { DAEMON_RELOADER, type DaemonOutcome, type DaemonReloader, type ManagedConfig, type RenderedConfig } from './managed-config';
import { ServiceLock } from './service-lock';


export interface ApplyOptions<T> {
  actor?: string | null;
  jobId?: string | null;
  dryRun?: boolean;
  /** Changes the desired state inside the apply transaction; its result is returned as `value`. */
  mutate?: (manager: EntityManager) => Promise<T>;
  /** Recorded on the revisions. */
  reason?: string;
  /** Progress of the stages (for a job). */
  onProgress?: (percent: number, message: string) => void;
}

export interface ApplyOutcome<T> {
  result: ApplyResult;
  value: T;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function unifiedDiff(file: string, before: string | null, after: string | null): string {
  if ((before ?? '') === (after ?? '')) return '';
  return createTwoFilesPatch(`a${file}`, `b${file}`, before ?? '', after ?? '', undefined, undefined, { context: 3 });
}

/**
 * The one way configuration reaches the host. Per service, serialised:
 *   mutate desired state (in a transaction) → render → validate with the daemon's checker →
 *   write files atomically → reload → verify → commit.
 * Any failure restores the previous files, reloads again, rolls the transaction back, records a
 * failed revision and raises an event; so the database and the host never disagree, and invalid
 * input never reaches a daemon. The transaction stays open until the daemon has taken the files,
 * which is stricter than committing first: a reload failure leaves no half-applied change.
 */
@Injectable()
export class ApplyEngine {
  private readonly log = new Logger('apply');
  private readonly configs = new Map<ServiceId, ManagedConfig>();
  private readonly failures;
  private readonly duration;

  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(ConfigRevisionEntity) private readonly revisions: Repository<ConfigRevisionEntity>,
    private readonly lock: ServiceLock,
    private readonly events: EventsService,
    @Inject(HOST_FS) private readonly fs: HostFs,
    @Inject(DAEMON_RELOADER) private readonly daemons: DaemonReloader,
    metrics: MetricsService,
  ) {
    this.failures = metrics.counter('moxnas_apply_failures_total', 'Config applies that failed validation or verification.', ['service', 'stage']);
    this.duration = metrics.histogram('moxnas_apply_duration_seconds', 'Time to apply a configuration change, lock to commit.', ['service'], [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
  }

  register(config: ManagedConfig): void {
    this.configs.set(config.service, config);
  }

  registered(): ServiceId[] {
    return [...this.configs.keys()];
  }

  private config(service: ServiceId): ManagedConfig {
    const c = this.configs.get(service);
    if (!c) throw new Error(`no managed config registered for ${service}`);
    return c;
  }

  /** Renders from the committed desired state, without writing: what the files should be now. */
  async renderCurrent(service: ServiceId): Promise<RenderedConfig> {
    return this.config(service).render(this.dataSource.manager);
  }

  async apply<T = undefined>(service: ServiceId, options: ApplyOptions<T> = {}): Promise<ApplyOutcome<T>> {
    const config = this.config(service);
    return this.lock.run(`apply:${service}`, async () => {
      const started = performance.now();
      const qr = this.dataSource.createQueryRunner();
      await qr.connect();
      await qr.startTransaction();
      let written: Array<{ path: string; before: string | null }> = [];
      try {
        const progress = options.onProgress ?? (() => undefined);
        progress(10, 'validating the input');
        const value = options.mutate ? await options.mutate(qr.manager) : (undefined as T);
        progress(25, 'rendering the configuration');
        const rendered = await config.render(qr.manager);
        const plan = await this.plan(rendered);
        const diffs: FileDiff[] = plan.map((p) => ({ path: p.path, diff: unifiedDiff(p.path, p.before, p.after) }));
        progress(40, `checking it with the ${service} checker`);
        const validation = await config.validate(rendered.files);
        if (!validation.ok) {
          this.failures.inc({ service, stage: 'validate' });
          throw DomainError.validation(
            validation.messages.map((message) => ({ field: '', message })),
            `The ${service} configuration checker rejected the change; nothing was written.`,
          );
        }
        if (options.dryRun) {
          await qr.rollbackTransaction();
          return { value, result: { dryRun: true, applied: false, daemon: 'unchanged', message: validation.skipped ?? null, diffs, revisionIds: [] } };
        }
        const changed = plan.filter((p) => p.before !== p.after);
        if (changed.length === 0) {
          await qr.commitTransaction();
          const revisionIds = await this.ensureBaseline(service, rendered, options);
          return { value, result: { dryRun: false, applied: true, daemon: 'unchanged', message: validation.skipped ?? null, diffs: [], revisionIds } };
        }
        progress(60, `writing ${changed.length} file(s)`);
        written = await this.write(changed);
        await testOnlyPause();
        progress(75, 'reloading the daemon');
        const daemon = await this.daemons.reloadAndVerify(service, rendered.settings);
        if (daemon.outcome === 'failed') {
          this.failures.inc({ service, stage: 'verify' });
          // Roll back first: the previous state must be read from the database, and the embedded
          // database serves other connections only once this transaction has ended.
          await qr.rollbackTransaction();
          await this.restore(written);
          written = [];
          const previous = await config.render(this.dataSource.manager).catch(() => null);
          const after = await this.daemons.reloadAndVerify(service, previous?.settings ?? rendered.settings, { restart: true });
          const message = `The ${service} daemon failed with the new configuration (${daemon.error}); the previous configuration was restored${after.outcome === 'failed' ? `, but the daemon is still unhealthy (${after.error})` : ' and it is serving again'}.`;
          await this.record(service, changed, rendered, 'failed', message, options);
          this.events.publish({ type: 'apply.failed', access: 'operator', data: { service, message } });
          throw new DomainError('APPLY_FAILED', message, undefined, { diffs });
        }
        progress(90, 'recording the revision');
        await qr.commitTransaction();
        const revisionIds = await this.record(service, changed, rendered, 'applied', options.reason ?? null, options);
        this.duration.observe({ service }, (performance.now() - started) / 1000);
        const result: ApplyResult = {
          dryRun: false,
          applied: daemon.outcome === 'reloaded' || daemon.outcome === 'not-running',
          daemon: daemon.outcome,
          message: describe(daemon, validation.skipped),
          diffs,
          revisionIds,
        };
        this.events.publish({ type: 'service.applied', access: 'viewer', data: { service, daemon: daemon.outcome, revisionIds } });
        return { value, result };
      } catch (err) {
        if (written.length) await this.restore(written).catch((e) => this.log.error({ err: e }, 'restoring files failed'));
        if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
        throw err;
      } finally {
        await qr.release();
      }
    });
  }

  /** What each owned file is now and would become. */
  private async plan(rendered: RenderedConfig): Promise<Array<{ path: string; before: string | null; after: string | null; mode: number }>> {
    const plan: Array<{ path: string; before: string | null; after: string | null; mode: number }> = [];
    for (const [file, content] of rendered.files) {
      plan.push({ path: file, before: await this.fs.readFile(file), after: content, mode: 0o644 });
    }
    for (const dir of rendered.ownedDirs) {
      if (!(await this.fs.exists(dir))) continue;
      for (const entry of await this.fs.readdir(dir)) {
        const file = path.join(dir, entry.name);
        if (entry.type === 'file' && !rendered.files.has(file)) plan.push({ path: file, before: await this.fs.readFile(file), after: null, mode: 0o644 });
      }
    }
    return plan.sort((a, b) => a.path.localeCompare(b.path));
  }

  private async write(changed: Array<{ path: string; before: string | null; after: string | null; mode: number }>) {
    const written: Array<{ path: string; before: string | null }> = [];
    for (const c of changed) {
      written.push({ path: c.path, before: c.before });
      if (c.after === null) await this.fs.rm(c.path, { force: true });
      else {
        await this.fs.mkdir(path.dirname(c.path));
        await this.fs.writeFileAtomic(c.path, c.after, c.before === null ? { mode: c.mode } : undefined);
      }
    }
    return written;
  }

  private async restore(written: Array<{ path: string; before: string | null }>): Promise<void> {
    for (const w of written.reverse()) {
      if (w.before === null) await this.fs.rm(w.path, { force: true });
      else await this.fs.writeFileAtomic(w.path, w.before);
    }
  }

  /** The first time a service's files are seen as applied, record them so drift has a baseline. */
  private async ensureBaseline(service: ServiceId, rendered: RenderedConfig, options: ApplyOptions<unknown>): Promise<string[]> {
    const missing: Array<{ path: string; after: string | null }> = [];
    for (const [file, content] of rendered.files) {
      const last = await this.lastRevision(service, file);
      if (!last || last.hash !== sha256(content)) missing.push({ path: file, after: content });
    }
    return missing.length ? this.record(service, missing, rendered, 'applied', options.reason ?? 'baseline', options) : [];
  }

  async record(
    service: ServiceId,
    files: Array<{ path: string; after: string | null }>,
    rendered: RenderedConfig,
    result: RevisionResult,
    message: string | null,
    options: { actor?: string | null; jobId?: string | null },
  ): Promise<string[]> {
    const rows = files.map((f) =>
      this.revisions.create({
        service,
        path: f.path,
        content: f.after ?? '',
        hash: sha256(f.after ?? ''),
        settings: rendered.settings,
        actor: options.actor ?? null,
        jobId: options.jobId ?? null,
        result,
        message,
      }),
    );
    const saved = await this.revisions.save(rows);
    return saved.map((r) => r.id);
  }

  /** The last revision that describes what should be on disk (applied, adopted or rolled back). */
  lastRevision(service: ServiceId, file: string): Promise<ConfigRevisionEntity | null> {
    return this.revisions
      .createQueryBuilder('r')
      .where('r.service = :service AND r.path = :file AND r.result <> :failed', { service, file, failed: 'failed' })
      .orderBy('r.created_at', 'DESC')
      .getOne();
  }
}

/**
 * Test-only: with NODE_ENV=test, MOXNAS_TEST_APPLY_PAUSE_MS holds every apply after the files are
 * written and before the reload and commit, so the reliability suite can kill -9 the API there.
 */
async function testOnlyPause(): Promise<void> {
  const ms = process.env['NODE_ENV'] === 'test' ? Number(process.env['MOXNAS_TEST_APPLY_PAUSE_MS'] ?? 0) : 0;
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
}

function describe(daemon: DaemonOutcome, skipped: string | undefined): string | null {
  const parts: string[] = [];
  if (daemon.outcome === 'not-running') parts.push('The daemon is not running; the new configuration takes effect when it starts.');
  if (daemon.outcome === 'unavailable') parts.push(`The files were written, but the daemon cannot run here: ${daemon.reason}`);
  if (skipped) parts.push(skipped);
  return parts.length ? parts.join(' ') : null;
}

