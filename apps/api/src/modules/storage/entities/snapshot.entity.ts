import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { SnapshotDriverKind } from '@moxnas/contracts';
import { bigintNumber } from './bigint.transformer';

export type SnapshotState = 'creating' | 'ready' | 'deleting';

/** A snapshot of a dataset. The disk is the truth; rescans bring these rows in line with it. */
@Entity('storage_snapshots')
export class SnapshotEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'dataset_id', type: 'uuid' })
  datasetId!: string;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'varchar', length: 8 })
  driver!: SnapshotDriverKind;

  @Column({ name: 'taken_at', type: 'timestamptz' })
  takenAt!: Date;

  @Column({ name: 'task_id', type: 'uuid', nullable: true })
  taskId!: string | null;

  @Column({ type: 'varchar', length: 10 })
  state!: SnapshotState;

  @Column({ type: 'integer', nullable: true })
  files!: number | null;

  @Column({ name: 'size_bytes', type: 'bigint', nullable: true, transformer: bigintNumber })
  sizeBytes!: number | null;

  @Column({ name: 'new_bytes', type: 'bigint', nullable: true, transformer: bigintNumber })
  newBytes!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
