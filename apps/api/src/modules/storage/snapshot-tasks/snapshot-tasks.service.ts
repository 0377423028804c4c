import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { FieldError, Job, Retention, RetentionPreview, SnapshotTask, SnapshotTaskCreate, SnapshotTaskUpdate } from '@moxnas/contracts';
import { In, LessThanOrEqual, Repository } from 'typeorm';
import { isUniqueViolation } from '../../../core/database/unique-violation';
import { DomainError } from '../../../core/errors/domain-error';
import { EventsService } from '../../system/events/events.service';
import { JobsService, type JobContext } from '../../system/jobs/jobs.service';
import { AuditContext } from '../../users/audit/audit-context';
import type { DatasetContext } from '../datasets/dataset-plan';
import { DatasetsService } from '../datasets/datasets.service';
import { DatasetEntity } from '../entities/dataset.entity';
import { SnapshotTaskDatasetEntity, SnapshotTaskEntity } from '../entities/snapshot-task.entity';
import type { SnapshotEntity } from '../entities/snapshot.entity';
import { SnapshotsService } from '../snapshots/snapshots.service';
import { STORAGE_CLOCK, type StorageClock } from '../storage-host';
import { nextRun, scheduleProblem, timeZoneProblem } from './cron-schedule';
import { planRetention } from './retention';

export interface RetentionResult {
  deleted: Array<{ id: string; datasetId: string; name: string }>;
  skipped: string[];
}

/**
 * Snapshot tasks: a cron schedule, datasets and a retention rule. The scheduler calls `run` when a
 * task is due; each run snapshots every dataset of the task, then prunes the task's own snapshots
 * (manual snapshots and other tasks' are never touched). A failed run publishes
 * `snapshot-task.failed`.
 */
@Injectable()
export class SnapshotTasksService {
  private readonly log = new Logger('storage');

  constructor(
    @InjectRepository(SnapshotTaskEntity) private readonly tasks: Repository<SnapshotTaskEntity>,
    @InjectRepository(SnapshotTaskDatasetEntity) private readonly taskDatasets: Repository<SnapshotTaskDatasetEntity>,
    @InjectRepository(DatasetEntity) private readonly datasetRows: Repository<DatasetEntity>,
    private readonly datasets: DatasetsService,
    private readonly snapshots: SnapshotsService,
    private readonly jobs: JobsService,
    private readonly events: EventsService,
    @Inject(STORAGE_CLOCK) private readonly clock: StorageClock,
    private readonly audit: AuditContext,
  ) {}

  // ---------------------------------------------------------------------------------------------
  // CRUD
  // ---------------------------------------------------------------------------------------------

  async list(): Promise<SnapshotTask[]> {
    const rows = await this.tasks.find({ order: { name: 'ASC' } });
    const links = await this.taskDatasets.find({ order: { position: 'ASC' } });
    return rows.map((r) => this.toDto(r, links.filter((l) => l.taskId === r.id).map((l) => l.datasetId)));
  }

  async get(id: string): Promise<SnapshotTask> {
    const row = await this.entity(id);
    return this.toDto(row, await this.datasetIdsOf(id));
  }

  async entity(id: string): Promise<SnapshotTaskEntity> {
    const row = await this.tasks.findOneBy({ id });
    if (!row) throw DomainError.notFound('Snapshot task');
    return row;
  }

  async datasetIdsOf(taskId: string): Promise<string[]> {
    return (await this.taskDatasets.find({ where: { taskId }, order: { position: 'ASC' } })).map((l) => l.datasetId);
  }

  private async validate(input: { schedule?: string; timezone?: string; datasetIds?: string[] }, current?: SnapshotTaskEntity): Promise<void> {
    const errors: FieldError[] = [];
    const timezone = input.timezone ?? current?.timezone ?? 'UTC';
    const tzProblem = input.timezone !== undefined ? timeZoneProblem(input.timezone) : undefined;
    if (tzProblem) errors.push({ field: 'timezone', message: tzProblem });
    if (input.schedule !== undefined) {
      const problem = scheduleProblem(input.schedule, tzProblem ? 'UTC' : timezone);
      if (problem) errors.push({ field: 'schedule', message: problem });
    }
    if (input.datasetIds) {
      const found = new Set((await this.datasetRows.findBy({ id: In(input.datasetIds) })).map((d) => d.id));
      input.datasetIds.forEach((id, i) => {
        if (!found.has(id)) errors.push({ field: `datasetIds.${i}`, message: 'no such dataset' });
      });
    }
    if (errors.length) throw DomainError.validation(errors);
  }

  async create(body: SnapshotTaskCreate): Promise<SnapshotTask> {
    await this.validate(body);
    const now = this.clock.now();
    const row = this.tasks.create({
      name: body.name,
      schedule: body.schedule.trim(),
      timezone: body.timezone,
      retention: body.retention,
      enabled: body.enabled,
      nextRunAt: body.enabled ? nextRun(body.schedule, body.timezone, now) : null,
      lastRunAt: null,
      lastResult: null,
      lastError: null,
      lastJobId: null,
    });
    try {
      await this.tasks.manager.transaction(async (m) => {
        await m.save(row);
        await m.insert(SnapshotTaskDatasetEntity, body.datasetIds.map((datasetId, position) => ({ taskId: row.id, datasetId, position })));
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw DomainError.conflict(`A snapshot task named ${body.name} exists.`);
      throw err;
    }
    return this.toDto(row, body.datasetIds);
  }

  async update(id: string, body: SnapshotTaskUpdate): Promise<SnapshotTask> {
    const row = await this.entity(id);
    const before = await this.get(id);
    await this.validate(body, row);
    const now = this.clock.now();
    Object.assign(row, {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.schedule !== undefined ? { schedule: body.schedule.trim() } : {}),
      ...(body.timezone !== undefined ? { timezone: body.timezone } : {}),
      ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
      retention: { ...row.retention, ...Object.fromEntries(Object.entries(body.retention ?? {}).filter(([, v]) => v !== undefined)) },
    });
    if (body.schedule !== undefined || body.timezone !== undefined || body.enabled !== undefined) {
      row.nextRunAt = row.enabled ? nextRun(row.schedule, row.timezone, now) : null;
    }
    try {
      await this.tasks.manager.transaction(async (m) => {
        await m.save(row);
        if (body.datasetIds) {
          await m.delete(SnapshotTaskDatasetEntity, { taskId: id });
          await m.insert(SnapshotTaskDatasetEntity, body.datasetIds.map((datasetId, position) => ({ taskId: id, datasetId, position })));
        }
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw DomainError.conflict(`A snapshot task named ${body.name} exists.`);
      throw err;
    }
    const after = await this.get(id);
    this.audit.describe({ target: `snapshot-task:${after.name}`, before, after });
    return after;
  }

  /** Its snapshots stay, as manual ones (the foreign key sets their task to null). */
  async remove(id: string): Promise<void> {
    const before = await this.get(id);
    await this.tasks.delete({ id });
    this.audit.describe({ target: `snapshot-task:${before.name}`, before, after: null });
  }

  // ---------------------------------------------------------------------------------------------
  // Retention
  // ---------------------------------------------------------------------------------------------

  async preview(id: string, overrides: Partial<Retention>, now: Date = this.clock.now()): Promise<RetentionPreview> {
    const task = await this.entity(id);
    const retention = { ...task.retention, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) } as Retention;
    const plan = planRetention(await this.snapshots.ofTask(id), retention, now, task.timezone);
    const item = (s: SnapshotEntity, keptBy: string[]) => ({ id: s.id, datasetId: s.datasetId, name: s.name, takenAt: s.takenAt.toISOString(), keptBy });
    const newestFirst = (a: { takenAt: string }, b: { takenAt: string }) => b.takenAt.localeCompare(a.takenAt);
    return {
      at: now.toISOString(),
      retention,
      keep: plan.keep.map((k) => item(k.snapshot, k.keptBy)).sort(newestFirst),
      delete: plan.delete.map((s) => item(s, [])).sort(newestFirst),
    };
  }

  /** Deletes what the task's rule does not keep at `now`: exactly what `preview` lists. */
  async applyRetention(task: SnapshotTaskEntity, now: Date, job?: JobContext): Promise<RetentionResult> {
    const plan = planRetention(await this.snapshots.ofTask(task.id), task.retention, now, task.timezone);
    const result: RetentionResult = { deleted: [], skipped: [] };
    const byDataset = new Map<string, SnapshotEntity[]>();
    for (const s of plan.delete) byDataset.set(s.datasetId, [...(byDataset.get(s.datasetId) ?? []), s]);
    for (const [datasetId, rows] of byDataset) {
      let ctx: DatasetContext;
      try {
        ctx = await this.datasets.context(datasetId);
        await this.snapshots.destroy(rows, ctx);
        result.deleted.push(...rows.map((r) => ({ id: r.id, datasetId, name: r.name })));
        job?.log(`Retention: deleted ${rows.length} snapshot(s) of ${ctx.dataset.relativePath}`);
      } catch (err) {
        result.skipped.push(`${datasetId}: ${(err as Error).message}`);
        job?.log(`Retention: could not prune dataset ${datasetId}: ${(err as Error).message}`, 'warn');
      }
    }
    return result;
  }

  // ---------------------------------------------------------------------------------------------
  // Runs
  // ---------------------------------------------------------------------------------------------

  /** Enabled tasks whose time has come. */
  async due(now: Date): Promise<SnapshotTaskEntity[]> {
    return this.tasks.find({ where: { enabled: true, nextRunAt: LessThanOrEqual(now) }, order: { nextRunAt: 'ASC' } });
  }

  /** Moves the task's next run past `now`: runs missed while the API was down collapse into one. */
  async advance(task: SnapshotTaskEntity, now: Date): Promise<void> {
    task.nextRunAt = nextRun(task.schedule, task.timezone, now);
    await this.tasks.update(task.id, { nextRunAt: task.nextRunAt });
  }

  /**
   * Runs a task as a job: a snapshot of each dataset taken at `now`, then retention. `done`
   * settles once the job and the bookkeeping (last run, result, event) are finished.
   */
  async run(id: string, options: { now?: Date; actor?: string | null } = {}): Promise<{ job: Job; done: Promise<Job> }> {
    const task = await this.entity(id);
    const now = options.now ?? this.clock.now();
    const datasetIds = await this.datasetIdsOf(id);
    const { job, done } = await this.jobs.start(
      'snapshot-task.run',
      async (ctx) => {
        ctx.log(`Task ${task.name}: ${datasetIds.length} dataset(s)`);
        const failures: string[] = [];
        let taken = 0;
        for (const [i, datasetId] of datasetIds.entries()) {
          ctx.checkpoint();
          try {
            const dataset = await this.datasets.context(datasetId);
            const snap = await this.snapshots.take(dataset, now, task.id, ctx);
            taken++;
            ctx.log(`${dataset.dataset.relativePath}: ${snap.name}`);
          } catch (err) {
            failures.push(`${datasetId}: ${(err as Error).message}`);
            ctx.log(`dataset ${datasetId}: ${(err as Error).message}`, 'error');
          }
          ctx.progress(((i + 1) / datasetIds.length) * 80);
        }
        // Prune even after a failure: the other datasets still need it.
        const retention = await this.applyRetention(task, now, ctx);
        if (failures.length) throw new Error(`${failures.length} of ${datasetIds.length} snapshot(s) failed: ${failures.join('; ')}`);
        return { snapshots: taken, deleted: retention.deleted.length, retentionSkipped: retention.skipped };
      },
      { actor: options.actor ?? null, eventAccess: 'viewer' },
    );
    const bookkeeping = done.then(async (finished) => {
      const failed = finished.state !== 'succeeded';
      await this.tasks.update(id, { lastRunAt: now, lastResult: failed ? 'failed' : 'succeeded', lastError: failed ? finished.error : null, lastJobId: finished.id });
      if (failed) {
        this.log.warn({ task: task.name, error: finished.error }, 'snapshot task failed');
        this.events.publish({
          type: 'snapshot-task.failed',
          access: 'viewer',
          data: { taskId: id, name: task.name, jobId: finished.id, error: finished.error, severity: 'warning', at: now.toISOString() },
        });
      }
      return finished;
    });
    return { job, done: bookkeeping };
  }

  toDto(row: SnapshotTaskEntity, datasetIds: string[]): SnapshotTask {
    return {
      id: row.id,
      name: row.name,
      schedule: row.schedule,
      timezone: row.timezone,
      datasetIds,
      retention: row.retention,
      enabled: row.enabled,
      nextRunAt: row.nextRunAt ? row.nextRunAt.toISOString() : null,
      lastRunAt: row.lastRunAt ? row.lastRunAt.toISOString() : null,
      lastResult: row.lastResult,
      lastError: row.lastError,
      lastJobId: row.lastJobId,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }
}
