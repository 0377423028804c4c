import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { HostKey } from '@moxnas/host';
import { bigintNumber } from './bigint.transformer';

/** Pushes one dataset to a directory on another host with rsync over ssh. */
@Entity('storage_replication_tasks')
export class ReplicationTaskEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 100, unique: true })
  name!: string;

  @Column({ name: 'dataset_id', type: 'uuid' })
  datasetId!: string;

  @Column({ type: 'varchar', length: 253 })
  host!: string;

  @Column({ type: 'integer' })
  port!: number;

  @Column({ name: 'remote_user', type: 'varchar', length: 32 })
  user!: string;

  @Column({ name: 'remote_path', type: 'varchar', length: 1024 })
  remotePath!: string;

  /** Null: on demand only. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  schedule!: string | null;

  @Column({ type: 'varchar', length: 64 })
  timezone!: string;

  @Column({ name: 'bandwidth_limit_kibps', type: 'integer', nullable: true })
  bandwidthLimitKiBps!: number | null;

  @Column({ name: 'delete_on_target', type: 'boolean' })
  deleteOnTarget!: boolean;

  @Column({ type: 'jsonb' })
  excludes!: string[];

  @Column({ type: 'boolean' })
  enabled!: boolean;

  /** The target's host keys, pinned at the first run (trust on first use). */
  @Column({ name: 'host_keys', type: 'jsonb', nullable: true })
  hostKeys!: HostKey[] | null;

  @Column({ name: 'host_keys_pinned_at', type: 'timestamptz', nullable: true })
  hostKeysPinnedAt!: Date | null;

  @Column({ name: 'next_run_at', type: 'timestamptz', nullable: true })
  nextRunAt!: Date | null;

  @Column({ name: 'last_run_at', type: 'timestamptz', nullable: true })
  lastRunAt!: Date | null;

  @Column({ name: 'last_result', type: 'varchar', length: 10, nullable: true })
  lastResult!: 'succeeded' | 'failed' | 'cancelled' | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'last_success_at', type: 'timestamptz', nullable: true })
  lastSuccessAt!: Date | null;

  @Column({ name: 'last_job_id', type: 'uuid', nullable: true })
  lastJobId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** One run of a replication task: what was copied and how it ended. */
@Entity('storage_replication_runs')
export class ReplicationRunEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'task_id', type: 'uuid' })
  taskId!: string;

  @Column({ name: 'job_id', type: 'uuid', nullable: true })
  jobId!: string | null;

  @Column({ type: 'varchar', length: 10 })
  state!: 'running' | 'succeeded' | 'failed' | 'cancelled';

  @Column({ name: 'snapshot_name', type: 'varchar', length: 64, nullable: true })
  snapshotName!: string | null;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'files_total', type: 'bigint', nullable: true, transformer: bigintNumber })
  filesTotal!: number | null;

  @Column({ name: 'files_transferred', type: 'bigint', nullable: true, transformer: bigintNumber })
  filesTransferred!: number | null;

  @Column({ name: 'files_deleted', type: 'bigint', nullable: true, transformer: bigintNumber })
  filesDeleted!: number | null;

  @Column({ name: 'bytes_total', type: 'bigint', nullable: true, transformer: bigintNumber })
  bytesTotal!: number | null;

  @Column({ name: 'bytes_transferred', type: 'bigint', nullable: true, transformer: bigintNumber })
  bytesTransferred!: number | null;

  @Column({ name: 'bytes_sent', type: 'bigint', nullable: true, transformer: bigintNumber })
  bytesSent!: number | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;
}
