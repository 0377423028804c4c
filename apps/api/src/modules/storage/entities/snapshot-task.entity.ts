import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Retention } from '@moxnas/contracts';

/** A schedule that snapshots datasets and prunes its own snapshots by a retention rule. */
@Entity('storage_snapshot_tasks')
export class SnapshotTaskEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 100, unique: true })
  name!: string;

  @Column({ type: 'varchar', length: 200 })
  schedule!: string;

  @Column({ type: 'varchar', length: 64 })
  timezone!: string;

  @Column({ type: 'jsonb' })
  retention!: Retention;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ name: 'next_run_at', type: 'timestamptz', nullable: true })
  nextRunAt!: Date | null;

  @Column({ name: 'last_run_at', type: 'timestamptz', nullable: true })
  lastRunAt!: Date | null;

  @Column({ name: 'last_result', type: 'varchar', length: 10, nullable: true })
  lastResult!: 'succeeded' | 'failed' | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'last_job_id', type: 'uuid', nullable: true })
  lastJobId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** The datasets of a task, in the order given. */
@Entity('storage_snapshot_task_datasets')
export class SnapshotTaskDatasetEntity {
  @PrimaryColumn({ name: 'task_id', type: 'uuid' })
  taskId!: string;

  @PrimaryColumn({ name: 'dataset_id', type: 'uuid' })
  datasetId!: string;

  @Column({ type: 'integer' })
  position!: number;
}
