import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { PoolCapabilities, PoolHealth, SnapshotDriverKind, UsageLevel } from '@moxnas/contracts';

export interface PoolSpaceRecord {
  totalBytes: number;
  usedBytes: number;
  availableBytes: number;
  usedRatio: number;
}

/** A registered pool: a directory on a mounted file system, with its last known health and figures. */
@Entity('storage_pools')
export class PoolEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  name!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  description!: string | null;

  /** Real path at registration. */
  @Column({ type: 'text', unique: true })
  path!: string;

  /** The mount the pool was registered on: when the path is on another mount later, the pool is not mounted. */
  @Column({ name: 'mount_point', type: 'text' })
  mountPoint!: string;

  @Column({ name: 'fs_type', type: 'varchar', length: 64 })
  fsType!: string;

  @Column({ type: 'text' })
  source!: string;

  @Column({ name: 'warning_percent', type: 'smallint' })
  warningPercent!: number;

  @Column({ name: 'critical_percent', type: 'smallint' })
  criticalPercent!: number;

  @Column({ name: 'snapshot_driver', type: 'varchar', length: 8 })
  snapshotDriver!: SnapshotDriverKind;

  @Column({ type: 'jsonb' })
  capabilities!: PoolCapabilities;

  @Column({ type: 'jsonb' })
  health!: PoolHealth;

  @Column({ type: 'jsonb', nullable: true })
  space!: PoolSpaceRecord | null;

  @Column({ name: 'usage_level', type: 'varchar', length: 10 })
  usageLevel!: UsageLevel;

  @Column({ name: 'refreshed_at', type: 'timestamptz', nullable: true })
  refreshedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
