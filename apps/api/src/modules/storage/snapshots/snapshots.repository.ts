import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { likeContaining } from '../../../core/database/like';
import { SnapshotEntity } from '../entities/snapshot.entity';
import { SnapshotTaskEntity } from '../entities/snapshot-task.entity';

export interface SnapshotListFilter {
  page: number;
  pageSize: number;
  search?: string;
  datasetId?: string;
  poolId?: string;
  taskId?: string;
}

/** The columns of a new snapshot row. */
export type NewSnapshot = Omit<SnapshotEntity, 'id' | 'createdAt'>;

/** Statistics a finished snapshot records. */
export type SnapshotStats = Pick<SnapshotEntity, 'files' | 'sizeBytes' | 'newBytes'>;

// In chunks: a year of per-minute snapshots would pass PostgreSQL's limit of bind parameters.
const CHUNK = 500;

function* chunks<T>(items: readonly T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += CHUNK) yield items.slice(i, i + CHUNK);
}

/** Every query on snapshot rows; SnapshotsService holds the decisions. */
@Injectable()
export class SnapshotsRepository {
  constructor(
    @InjectRepository(SnapshotEntity) private readonly rows: Repository<SnapshotEntity>,
    @InjectRepository(SnapshotTaskEntity) private readonly tasks: Repository<SnapshotTaskEntity>,
  ) {}

  /** Newest first, filtered by dataset, pool, task and a search in the name or dataset path. */
  async page(q: SnapshotListFilter): Promise<{ rows: SnapshotEntity[]; total: number }> {
    const qb = this.rows.createQueryBuilder('s').innerJoin('storage_datasets', 'd', 'd.id = s.dataset_id').orderBy('s.taken_at', 'DESC').addOrderBy('s.name', 'DESC');
    if (q.datasetId) qb.andWhere('s.dataset_id = :datasetId', { datasetId: q.datasetId });
    if (q.poolId) qb.andWhere('d.pool_id = :poolId', { poolId: q.poolId });
    if (q.taskId) qb.andWhere('s.task_id = :taskId', { taskId: q.taskId });
    if (q.search) qb.andWhere('(s.name ILIKE :s OR d.relative_path ILIKE :s)', { s: likeContaining(q.search) });
    const [rows, total] = await qb.skip((q.page - 1) * q.pageSize).take(q.pageSize).getManyAndCount();
    return { rows, total };
  }

  findById(id: string): Promise<SnapshotEntity | null> {
    return this.rows.findOneBy({ id });
  }

  ofDataset(datasetId: string): Promise<SnapshotEntity[]> {
    return this.rows.findBy({ datasetId });
  }

  /** Ready snapshots of a task (all datasets), oldest first. */
  readyOfTask(taskId: string): Promise<SnapshotEntity[]> {
    return this.rows.find({ where: { taskId, state: 'ready' }, order: { takenAt: 'ASC' } });
  }

  latestReady(datasetId: string): Promise<SnapshotEntity | null> {
    return this.rows.findOne({ where: { datasetId, state: 'ready' }, order: { takenAt: 'DESC' } });
  }

  /** Ids of all snapshot tasks, to tell a live task id in a snapshot's metadata from a stale one. */
  async taskIds(): Promise<Set<string>> {
    return new Set((await this.tasks.find({ select: { id: true } })).map((t) => t.id));
  }

  /** Inserts one row; a unique violation on (dataset, name) reaches the caller. */
  add(row: NewSnapshot): Promise<SnapshotEntity> {
    return this.rows.save(this.rows.create(row));
  }

  async addMany(rows: readonly NewSnapshot[]): Promise<void> {
    for (const part of chunks(rows)) await this.rows.insert(part.map((r) => this.rows.create(r)));
  }

  async markReady(id: string, stats: SnapshotStats): Promise<void> {
    await this.rows.update(id, { state: 'ready', ...stats });
  }

  async markDeleting(ids: readonly string[]): Promise<void> {
    for (const part of chunks(ids)) await this.rows.update({ id: In(part) }, { state: 'deleting' });
  }

  /** Rows still marked deleting among `ids` (their delete failed or never ran) go back to ready. */
  async unmarkDeleting(ids: readonly string[]): Promise<void> {
    for (const part of chunks(ids)) await this.rows.update({ id: In(part), state: 'deleting' }, { state: 'ready' });
  }

  async removeMany(ids: readonly string[]): Promise<void> {
    for (const part of chunks(ids)) await this.rows.delete({ id: In(part) });
  }

  /** After a restart: creations died with the process, deletions left their snapshots ready. */
  async resetInterrupted(): Promise<void> {
    await this.rows.delete({ state: 'creating' });
    await this.rows.update({ state: 'deleting' }, { state: 'ready' });
  }
}
