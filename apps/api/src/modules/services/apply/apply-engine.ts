import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ApplyResult, FileDiff, ServiceId } from '@moxnas/contracts';
import type { HostFs } from '@moxnas/host';
import { unifiedDiff } from '@moxnas/render';
import { DataSource, EntityManager, QueryRunner, Repository } from 'typeorm';
import { DomainError } from '../../../core/errors/domain-error';
import { HOST_FS } from '../../../core/host/host.module';
import { MetricsService } from '../../../core/metrics/metrics.service';
import { EventsService } from '../../system/events/events.service';
import { ConfigRevisionEntity, type RevisionResult } from '../entities/config-revision.entity';
import { describeOutcome, summarise } from './apply-result';
import { planFiles, restoreFiles, writeFiles, type PlannedFile, type WrittenFile } from './config-files';
import { ConfigRevisions, type RevisionAuthor } from './config-revisions';
import {
  DAEMON_RELOADER,
  type DaemonOutcome,
  type DaemonReloader,
  type EntityKind,
  type ManagedConfig,
  type RenderedConfig,
  type ValidationOutcome,
} from './managed-config';
import { ServiceLock } from './service-lock';


/** What a change's `mutate` can do besides writing rows: register how to undo a host side effect. */
export interface ChangeTransaction {
  /**
   * Runs if the change fails after `mutate` returned (render, check, write, reload): after the
   * database is rolled back and the files restored, in reverse order of registration. A failing
   * undo is reported with the change's error, never dropped.
   */
  onRollback(what: string, undo: () => Promise<void>): void;
}

export interface ApplyOptions<T> {
  actor?: string | null;
  jobId?: string | null;
  dryRun?: boolean;
  /** Changes the desired state inside the apply transaction; its result is returned as `value`. */
  mutate?: (manager: EntityManager, tx: ChangeTransaction) => Promise<T>;
  /** Recorded on the revisions. */
  reason?: string;
  /** Progress of the stages (for a job). */
  onProgress?: (percent: number, message: string) => void;
}

export interface ChangeOptions<T> extends ApplyOptions<T> {
  /** The kinds of desired state `mutate` writes; every service whose files read one of them is applied. */
  touches: readonly EntityKind[];
}

export interface ApplyOutcome<T> {
  /** The whole change: diffs and revisions of every affected service; with one service, exactly its result. */
  result: ApplyResult;
  value: T;
  /** Per affected service. */
  services: Partial<Record<ServiceId, ApplyResult>>;
}

/** One affected service inside a change. */
interface Step {
  service: ServiceId;
  config: ManagedConfig;
  rendered: RenderedConfig;
  plan: PlannedFile[];
  changed: PlannedFile[];
  diffs: FileDiff[];
  validation: ValidationOutcome;
  daemon?: DaemonOutcome;
}

/** What a change has done so far, so a failure can undo exactly that. */
interface Progress {
  qr: QueryRunner;
  written: WrittenFile[];
  undo: Array<{ what: string; run: () => Promise<void> }>;
  /** Services whose daemon was asked to take the new files (they must take the old ones back). */
  reloaded: Step[];
  /** Who and which job, for the failed revisions. */
  by: RevisionAuthor;
}

/**
 * The one way configuration reaches the host. A change names the kinds of desired state it
 * touches (or one service); the engine takes the locks of every affected service in a fixed order
 * and, in one transaction:
 *   mutate desired state → render each → validate each with the daemon's checker →
 *   write all files atomically → reload and verify each → commit → record a revision per service.
 * Any failure rolls the transaction back, restores every written file, runs the change's undo
 * steps (host accounts), reloads the daemons that took new files, records a failed revision and
 * raises an event; so the database and the host never disagree, and invalid input never reaches a
 * daemon. The transaction stays open until the daemons have taken the files, which is stricter
 * than committing first: a reload failure leaves no half-applied change. If restoring itself
 * fails, that is logged, alerted and put in the caller's error.
 */
@Injectable()
export class ApplyEngine {
  private readonly log = new Logger('apply');
  private readonly configs = new Map<ServiceId, ManagedConfig>();
  private readonly revisions: ConfigRevisions;
  private readonly failures;
  private readonly duration;

  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(ConfigRevisionEntity) revisionRows: Repository<ConfigRevisionEntity>,
    private readonly lock: ServiceLock,
    private readonly events: EventsService,
    @Inject(HOST_FS) private readonly fs: HostFs,
    @Inject(DAEMON_RELOADER) private readonly daemons: DaemonReloader,
    metrics: MetricsService,
  ) {
    this.revisions = new ConfigRevisions(revisionRows);
    this.failures = metrics.counter('moxnas_apply_failures_total', 'Config applies that failed: validate (checker refused), verify (daemon failed after reload), restore (undoing failed too).', ['service', 'stage']);
    this.duration = metrics.histogram('moxnas_apply_duration_seconds', 'Time to apply a configuration change, lock to commit.', ['service'], [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
  }

  register(config: ManagedConfig): void {
    this.configs.set(config.service, config);
  }

  registered(): ServiceId[] {
    return [...this.configs.keys()];
  }

  /** The services whose files are rendered from any of these kinds, in lock order. */
  affectedBy(touches: readonly EntityKind[]): ServiceId[] {
    return [...this.configs.values()]
      .filter((c) => c.dependsOn.some((kind) => touches.includes(kind)))
      .map((c) => c.service)
      .sort();
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

  /** Applies one service (its settings, its shares, a reconcile): a change that affects just it. */
  apply<T = undefined>(service: ServiceId, options: ApplyOptions<T> = {}): Promise<ApplyOutcome<T>> {
    return this.run([this.config(service).service], options);
  }

  /** A change to the desired state: applies every service that reads what it touches, as one. */
  change<T = undefined>(options: ChangeOptions<T>): Promise<ApplyOutcome<T>> {
    return this.run(this.affectedBy(options.touches), options);
  }

  /** Takes the locks of `services` one inside the other, always in the same (sorted) order. */
  private withLocks<R>(services: ServiceId[], fn: () => Promise<R>): Promise<R> {
    return [...services].sort().reduceRight<() => Promise<R>>((inner, service) => () => this.lock.run(`apply:${service}`, inner), fn)();
  }

  private run<T>(services: ServiceId[], options: ApplyOptions<T>): Promise<ApplyOutcome<T>> {
    const ordered = [...new Set(services)].sort();
    return this.withLocks(ordered, async () => {
      const started = performance.now();
      const qr = this.dataSource.createQueryRunner();
      await qr.connect();
      await qr.startTransaction();
      const state: Progress = { qr, written: [], undo: [], reloaded: [], by: { actor: options.actor, jobId: options.jobId } };
      try {
        return await this.stages(ordered, options, state, started);
      } catch (err) {
        throw await this.recover(ordered, state, err);
      } finally {
        await qr.release();
      }
    });
  }

  private async stages<T>(services: ServiceId[], options: ApplyOptions<T>, state: Progress, started: number): Promise<ApplyOutcome<T>> {
    const { qr } = state;
    const progress = options.onProgress ?? (() => undefined);
    const label = services.join(', ') || 'no service';
    progress(10, 'validating the input');
    const tx: ChangeTransaction = { onRollback: (what, run) => void state.undo.push({ what, run }) };
    const value = options.mutate ? await options.mutate(qr.manager, tx) : (undefined as T);

    progress(25, 'rendering the configuration');
    const steps: Step[] = [];
    for (const service of services) {
      const config = this.config(service);
      const rendered = await config.render(qr.manager);
      const plan = await planFiles(this.fs, rendered);
      const changed = plan.filter((p) => p.before !== p.after);
      const diffs = plan.map((p) => ({ path: p.path, diff: unifiedDiff(p.path, p.before, p.after) }));
      steps.push({ service, config, rendered, plan, changed, diffs, validation: { ok: true, messages: [] } });
    }
    progress(40, `checking it with the ${label} checker`);
    for (const step of steps) {
      step.validation = await step.config.validate(step.rendered.files);
      if (!step.validation.ok) {
        this.failures.inc({ service: step.service, stage: 'validate' });
        throw DomainError.validation(
          step.validation.messages.map((message) => ({ field: '', message })),
          `The ${step.service} configuration checker rejected the change; nothing was written.`,
        );
      }
    }
    if (options.dryRun) {
      await qr.rollbackTransaction();
      await this.runUndo(state);
      const per = Object.fromEntries(
        steps.map((s) => [s.service, { dryRun: true, applied: false, daemon: 'unchanged', message: s.validation.skipped ?? null, diffs: s.diffs, revisionIds: [] } satisfies ApplyResult]),
      );
      return { value, services: per, result: summarise(per, true) };
    }

    const changing = steps.filter((s) => s.changed.length > 0);
    if (changing.length) {
      progress(60, `writing ${changing.reduce((n, s) => n + s.changed.length, 0)} file(s)`);
      for (const step of changing) await writeFiles(this.fs, step.changed, state.written);
      await testOnlyPause();
      progress(75, 'reloading the daemon');
      for (const step of changing) {
        state.reloaded.push(step);
        const daemon = await this.daemons.reloadAndVerify(step.service, step.rendered.settings);
        if (daemon.outcome === 'failed') {
          this.failures.inc({ service: step.service, stage: 'verify' });
          throw new ReloadFailed(step, daemon.error);
        }
        step.daemon = daemon;
      }
    }
    progress(90, 'recording the revision');
    await qr.commitTransaction();
    // Committed: the files now match the database, so nothing may be undone any more.
    state.written = [];
    state.reloaded = [];
    state.undo = [];

    const per: Partial<Record<ServiceId, ApplyResult>> = {};
    for (const step of steps) {
      if (!step.changed.length) {
        const revisionIds = await this.revisions.ensureBaseline(step.service, step.rendered, options.reason ?? null, options);
        per[step.service] = { dryRun: false, applied: true, daemon: 'unchanged', message: step.validation.skipped ?? null, diffs: [], revisionIds };
        continue;
      }
      const daemon = step.daemon as DaemonOutcome;
      const revisionIds = await this.revisions.record(step.service, step.changed, step.rendered, 'applied', options.reason ?? null, options);
      this.duration.observe({ service: step.service }, (performance.now() - started) / 1000);
      per[step.service] = {
        dryRun: false,
        applied: daemon.outcome === 'reloaded' || daemon.outcome === 'not-running',
        daemon: daemon.outcome === 'failed' ? 'unchanged' : daemon.outcome,
        message: describeOutcome(daemon, step.validation.skipped),
        diffs: step.diffs,
        revisionIds,
      };
      this.events.publish({ type: 'service.applied', access: 'viewer', data: { service: step.service, daemon: daemon.outcome, revisionIds } });
    }
    return { value, services: per, result: summarise(per, false) };
  }

  /**
   * Undoes whatever the change did so far and returns the error for the caller: the original one,
   * or, when restoring failed as well, one that says so (also logged and raised as apply.failed)
   * and carries `details.restored: false`, so a caller never has to read the message to know.
   */
  private async recover(services: ServiceId[], state: Progress, err: unknown): Promise<unknown> {
    const problems: string[] = [];
    const attempt = async (what: string, fn: () => Promise<void>) => {
      try {
        await fn();
      } catch (e) {
        problems.push(`${what}: ${(e as Error).message}`);
        this.log.error({ err: e, services }, `${what} failed while undoing a change`);
      }
    };
    // Roll back first: the previous state must be read from the database, and the embedded
    // database serves other connections only once this transaction has ended.
    if (state.qr.isTransactionActive) await attempt('rolling back the database transaction', () => state.qr.rollbackTransaction());
    if (state.written.length) await attempt('restoring the previous files', () => restoreFiles(this.fs, state.written));
    await this.runUndo(state, attempt);
    const stillDown: string[] = [];
    for (const step of state.reloaded) {
      let settings = step.rendered.settings;
      await attempt(`rendering the previous ${step.service} configuration`, async () => {
        settings = (await step.config.render(this.dataSource.manager)).settings;
      });
      await attempt(`reloading ${step.service} with the previous configuration`, async () => {
        const after = await this.daemons.reloadAndVerify(step.service, settings, { restart: true });
        if (after.outcome === 'failed') stillDown.push(`${step.service} (${after.error})`);
      });
    }

    const failedStep = err instanceof ReloadFailed ? err.step : null;
    const restored = problems.length ? `; restoring the previous state failed too (${problems.join('; ')})` : '';
    if (failedStep && err instanceof ReloadFailed) {
      const health = stillDown.length ? `, but ${stillDown.join(', ')} is still unhealthy` : ' and it is serving again';
      const message = `The ${failedStep.service} daemon failed with the new configuration (${err.error}); the previous configuration was restored${problems.length ? ' as far as possible' : ''}${health}${restored}.`;
      for (const step of state.reloaded) await attempt(`recording the failed ${step.service} revision`, async () => void (await this.revisions.record(step.service, step.changed, step.rendered, 'failed', message, state.by)));
      this.events.publish({ type: 'apply.failed', access: 'operator', data: { service: failedStep.service, message } });
      return new DomainError('APPLY_FAILED', message, undefined, { diffs: state.reloaded.flatMap((s) => s.diffs), restored: !problems.length && !stillDown.length });
    }
    if (!problems.length && !stillDown.length) return err;
    const undone = `${restored}${stillDown.length ? `; still unhealthy after restoring: ${stillDown.join(', ')}` : ''}`;
    const reason = `${(err as Error).message}${undone}`;
    for (const service of services) {
      this.failures.inc({ service, stage: 'restore' });
      this.events.publish({ type: 'apply.failed', access: 'operator', data: { service, message: `The change failed and was not fully undone: ${reason}` } });
    }
    if (err instanceof DomainError) return new DomainError(err.code, `${err.message.replace(/\.$/, '')}${undone}.`, err.fieldErrors, { ...err.details, restored: false });
    return new DomainError('APPLY_FAILED', `The change failed (${reason}).`, undefined, { restored: false });
  }

  /** The change's own undo steps (host accounts), newest first; each failure is reported. */
  private async runUndo(state: Progress, attempt?: (what: string, fn: () => Promise<void>) => Promise<void>): Promise<void> {
    const steps = state.undo.splice(0).reverse();
    for (const u of steps) {
      if (attempt) await attempt(u.what, u.run);
      else await u.run();
    }
  }

  /** Records revisions of `files` (also for adopted hand edits: ServicesService). */
  record(service: ServiceId, files: Array<{ path: string; after: string | null }>, rendered: RenderedConfig, result: RevisionResult, message: string | null, by: RevisionAuthor): Promise<string[]> {
    return this.revisions.record(service, files, rendered, result, message, by);
  }

  /** The last revision that describes what should be on disk (applied, adopted or rolled back). */
  lastRevision(service: ServiceId, file: string): Promise<ConfigRevisionEntity | null> {
    return this.revisions.last(service, file);
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

/** A daemon that did not take the new files: the change is undone and this becomes its error. */
class ReloadFailed extends Error {
  constructor(
    readonly step: Step,
    readonly error: string,
  ) {
    super(`${step.service}: ${error}`);
  }
}
