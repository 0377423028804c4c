import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Job, JobLogLine, JobState, PageQuery } from '@moxnas/contracts';
import { errorMessage } from '@moxnas/host';
import { In, Repository } from 'typeorm';
import { DatabaseService } from '../../../core/database/database.service';
import { DomainError } from '../../../core/errors/domain-error';
import { EventsService } from '../events/events.service';
import { JobEntity } from './job.entity';
import { likeContaining } from '../../../core/database/like';

const MAX_LOG_LINES = 500;
const PERSIST_EVERY_MS = 250;

export class JobCancelledError extends Error {
  constructor() {
    super('The job was cancelled.');
    this.name = 'JobCancelledError';
  }
}

/** Handed to a job's work function: report progress, log, and stop when asked. */
export interface JobContext {
  readonly id: string;
  readonly signal: AbortSignal;
  progress(percent: number, message?: string): void;
  log(message: string, level?: JobLogLine['level']): void;
  /** Throws JobCancelledError when cancellation was requested. */
  checkpoint(): void;
}

export interface StartJobOptions {
  actor?: string | null;
  /** Least role that sees this job's events (default operator). */
  eventAccess?: 'viewer' | 'operator' | 'admin';
}

/**
 * Long operations as persisted jobs: state, progress, log lines, result or error. Progress is
 * written at most every 250 ms and pushed to `/api/events` as `job.progress`.
 */
@Injectable()
export class JobsService {
  private readonly log = new Logger('jobs');
  private readonly running = new Map<string, AbortController>();

  constructor(
    @InjectRepository(JobEntity) private readonly jobs: Repository<JobEntity>,
    private readonly events: EventsService,
    db: DatabaseService,
  ) {
    // A job that was running when the process died did not finish: say so instead of leaving it running.
    db.onReady(async () => {
      const res = await this.jobs.update(
        { state: In(['queued', 'running']) },
        { state: 'failed', error: 'Interrupted: the API stopped while the job was running.', finishedAt: new Date() },
      );
      if (res.affected) this.log.warn({ count: res.affected }, 'marked interrupted jobs as failed');
    });
  }

  /**
   * Starts `work` as a job and returns at once with the job row; `done` settles when it ends.
   */
  async start<T>(
    type: string,
    work: (ctx: JobContext) => Promise<T>,
    options: StartJobOptions = {},
  ): Promise<{ job: Job; done: Promise<Job> }> {
    const entity = await this.jobs.save(
      this.jobs.create({ type, state: 'running', progress: 0, message: null, log: [], result: null, error: null, actor: options.actor ?? null, startedAt: new Date() }),
    );
    const controller = new AbortController();
    this.running.set(entity.id, controller);
    const access = options.eventAccess ?? 'operator';
    let lastPersist = 0;
    let trailing: NodeJS.Timeout | undefined;
    let pending: Promise<unknown> = Promise.resolve();
    // Throttled writes with a trailing write, so the latest progress always reaches the database.
    const persist = () => {
      const wait = lastPersist + PERSIST_EVERY_MS - Date.now();
      if (wait > 0) {
        trailing ??= setTimeout(() => {
          trailing = undefined;
          persist();
        }, wait);
        return;
      }
      lastPersist = Date.now();
      const snapshot = { progress: entity.progress, message: entity.message, log: entity.log.slice(-MAX_LOG_LINES) };
      pending = pending.then(() => this.jobs.update(entity.id, snapshot)).catch(() => undefined);
    };
    const ctx: JobContext = {
      id: entity.id,
      signal: controller.signal,
      progress: (percent, message) => {
        entity.progress = Math.max(0, Math.min(100, Math.round(percent)));
        if (message !== undefined) entity.message = message;
        persist();
        this.events.publish({ type: 'job.progress', access, data: { id: entity.id, type, progress: entity.progress, message: entity.message } });
      },
      log: (message, level = 'info') => {
        entity.log.push({ at: new Date().toISOString(), level, message });
        if (entity.log.length > MAX_LOG_LINES) entity.log.splice(0, entity.log.length - MAX_LOG_LINES);
        persist();
      },
      checkpoint: () => {
        if (controller.signal.aborted) throw new JobCancelledError();
      },
    };
    const done = (async (): Promise<Job> => {
      let state: JobState;
      let result: unknown = null;
      let error: string | null = null;
      try {
        result = (await work(ctx)) ?? null;
        state = 'succeeded';
        entity.progress = 100;
      } catch (err) {
        state = err instanceof JobCancelledError || controller.signal.aborted ? 'cancelled' : 'failed';
        // Spelled out where Node cannot name the errno (EDQUOT from a hard quota).
        error = errorMessage(err);
      } finally {
        this.running.delete(entity.id);
        clearTimeout(trailing);
      }
      await pending;
      Object.assign(entity, { state, result, error, finishedAt: new Date(), log: entity.log.slice(-MAX_LOG_LINES) });
      await this.jobs.update(entity.id, {
        state,
        result: result as object,
        error,
        progress: entity.progress,
        message: entity.message,
        log: entity.log,
        finishedAt: entity.finishedAt,
      });
      const job = this.toDto(entity);
      this.events.publish({ type: 'job.finished', access, data: { id: job.id, type, state, error, progress: job.progress } });
      return job;
    })();
    return { job: this.toDto(entity), done };
  }

  /**
   * Runs `work` as a job and waits for it: for requests that answer with the outcome but whose
   * progress should still be visible (an apply). A failure rethrows the work's own error, so the
   * caller's HTTP status is the same as without a job.
   */
  async run<T>(type: string, work: (ctx: JobContext) => Promise<T>, options: StartJobOptions = {}): Promise<{ job: Job; value: T }> {
    let value!: T;
    let failure: unknown;
    const { done } = await this.start(
      type,
      async (ctx) => {
        try {
          value = await work(ctx);
          return value;
        } catch (err) {
          failure = err;
          throw err;
        }
      },
      options,
    );
    const job = await done;
    if (job.state !== 'succeeded') throw failure ?? new Error(job.error ?? 'job failed');
    return { job, value };
  }

  async list(query: PageQuery & { state?: JobState; type?: string }): Promise<{ items: Job[]; total: number; page: number; pageSize: number }> {
    const qb = this.jobs.createQueryBuilder('j').orderBy('j.created_at', 'DESC');
    if (query.state) qb.andWhere('j.state = :state', { state: query.state });
    if (query.type) qb.andWhere('j.type = :type', { type: query.type });
    if (query.search) qb.andWhere('(j.type ILIKE :s OR j.message ILIKE :s)', { s: likeContaining(query.search) });
    const [rows, total] = await qb.skip((query.page - 1) * query.pageSize).take(query.pageSize).getManyAndCount();
    return { items: rows.map((r) => this.toDto(r)), total, page: query.page, pageSize: query.pageSize };
  }

  async get(id: string): Promise<Job> {
    const row = await this.jobs.findOneBy({ id });
    if (!row) throw DomainError.notFound('Job');
    return this.toDto(row);
  }

  async cancel(id: string): Promise<Job> {
    const row = await this.jobs.findOneBy({ id });
    if (!row) throw DomainError.notFound('Job');
    if (row.state !== 'running' && row.state !== 'queued') {
      throw DomainError.conflict(`The job has already finished (${row.state}).`);
    }
    await this.jobs.update(id, { cancelRequested: true });
    this.running.get(id)?.abort();
    return this.toDto({ ...row, cancelRequested: true });
  }

  toDto(e: JobEntity): Job {
    return {
      id: e.id,
      type: e.type,
      state: e.state,
      progress: e.progress,
      message: e.message,
      log: e.log,
      result: e.result ?? null,
      error: e.error,
      actor: e.actor,
      cancelRequested: e.cancelRequested ?? false,
      createdAt: (e.createdAt ?? new Date()).toISOString(),
      startedAt: e.startedAt ? e.startedAt.toISOString() : null,
      finishedAt: e.finishedAt ? e.finishedAt.toISOString() : null,
    };
  }
}
