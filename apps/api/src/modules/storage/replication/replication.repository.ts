import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThanOrEqual, Repository } from 'typeorm';
import { DatasetEntity } from '../entities/dataset.entity';
import { ReplicationRunEntity, ReplicationTaskEntity } from '../entities/replication.entity';

export type NewReplicationTask = Omit<ReplicationTaskEntity, 'id' | 'createdAt' | 'updatedAt'>;
export type NewReplicationRun = Omit<ReplicationRunEntity, 'id'>;
type TaskPatch = Partial<Omit<ReplicationTaskEntity, 'id' | 'createdAt' | 'updatedAt'>>;
type RunPatch = Partial<Omit<ReplicationRunEntity, 'id' | 'taskId'>>;

/** The queries of replication tasks and their runs; the decisions are in ReplicationService. */
@Injectable()
export class ReplicationRepository {
  constructor(
    @InjectRepository(ReplicationTaskEntity) private readonly tasks: Repository<ReplicationTaskEntity>,
    @InjectRepository(ReplicationRunEntity) private readonly runs: Repository<ReplicationRunEntity>,
    @InjectRepository(DatasetEntity) private readonly datasets: Repository<DatasetEntity>,
  ) {}

  all(): Promise<ReplicationTaskEntity[]> {
    return this.tasks.find({ order: { name: 'ASC' } });
  }

  findById(id: string): Promise<ReplicationTaskEntity | null> {
    return this.tasks.findOneBy({ id });
  }

  ofDataset(datasetId: string): Promise<ReplicationTaskEntity[]> {
    return this.tasks.findBy({ datasetId });
  }

  async ofPool(poolId: string): Promise<ReplicationTaskEntity[]> {
    const ids = (await this.datasets.find({ select: { id: true }, where: { poolId } })).map((d) => d.id);
    return ids.length ? this.tasks.findBy({ datasetId: In(ids) }) : [];
  }

  datasetExists(id: string): Promise<boolean> {
    return this.datasets.existsBy({ id });
  }

  /** Enabled tasks whose next run is at or before `now`, oldest first. */
  due(now: Date): Promise<ReplicationTaskEntity[]> {
    return this.tasks.find({ where: { enabled: true, nextRunAt: LessThanOrEqual(now) }, order: { nextRunAt: 'ASC' } });
  }

  /** An unsaved row with the given fields (ids and timestamps come with `save`). */
  build(fields: NewReplicationTask): ReplicationTaskEntity {
    return this.tasks.create(fields);
  }

  /** Inserts or updates the whole row; a duplicate name throws the unique violation. */
  save(row: ReplicationTaskEntity): Promise<ReplicationTaskEntity> {
    return this.tasks.save(row);
  }

  async update(id: string, patch: TaskPatch): Promise<void> {
    await this.tasks.update(id, patch);
  }

  /** Its runs go with it (foreign key cascade). */
  async remove(id: string): Promise<void> {
    await this.tasks.delete({ id });
  }

  addRun(fields: NewReplicationRun): Promise<ReplicationRunEntity> {
    return this.runs.save(this.runs.create(fields));
  }

  async updateRun(id: string, patch: RunPatch): Promise<void> {
    await this.runs.update(id, patch);
  }

  async pageRuns(taskId: string, page: number, pageSize: number): Promise<{ rows: ReplicationRunEntity[]; total: number }> {
    const [rows, total] = await this.runs.findAndCount({ where: { taskId }, order: { startedAt: 'DESC' }, skip: (page - 1) * pageSize, take: pageSize });
    return { rows, total };
  }

  /** Runs still marked running (the API stopped during them) become failed. */
  async failInterruptedRuns(at: Date, error: string): Promise<void> {
    await this.runs.update({ state: 'running' }, { state: 'failed', error, finishedAt: at });
  }
}
