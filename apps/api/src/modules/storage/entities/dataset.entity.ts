import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { SnapshotDriverKind } from '@moxnas/contracts';
import type { DatasetBackendKind, HardQuotaKind } from '@moxnas/host';
import { bigintNumber } from './bigint.transformer';

/** An ACL entry as stored: numeric ids (names are resolved when shown, as the host knows them then). */
export interface StoredAclEntry {
  tag: 'user' | 'group' | 'mask';
  id: number | null;
  perms: string;
  default: boolean;
}

/** A dataset: a directory (or subvolume, or ZFS file system) in a pool. */
@Entity('storage_datasets')
export class DatasetEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'pool_id', type: 'uuid' })
  poolId!: string;

  @Column({ name: 'parent_id', type: 'uuid', nullable: true })
  parentId!: string | null;

  @Column({ type: 'text' })
  name!: string;

  /** Path inside the pool: the parent's relative path plus the name. */
  @Column({ name: 'relative_path', type: 'text' })
  relativePath!: string;

  @Column({ type: 'varchar', length: 16 })
  backend!: DatasetBackendKind;

  @Column({ name: 'zfs_name', type: 'text', nullable: true })
  zfsName!: string | null;

  @Column({ name: 'snapshot_driver', type: 'varchar', length: 8 })
  snapshotDriver!: SnapshotDriverKind;

  @Column({ type: 'integer' })
  uid!: number;

  @Column({ type: 'integer' })
  gid!: number;

  @Column({ type: 'integer' })
  mode!: number;

  @Column({ type: 'jsonb' })
  acl!: StoredAclEntry[];

  @Column({ name: 'quota_bytes', type: 'bigint', nullable: true, transformer: bigintNumber })
  quotaBytes!: number | null;

  @Column({ name: 'quota_kind', type: 'varchar', length: 8, nullable: true })
  quotaKind!: 'hard' | 'soft' | null;

  @Column({ name: 'hard_quota_kind', type: 'varchar', length: 16, nullable: true })
  hardQuotaKind!: HardQuotaKind | null;

  /** XFS project id, when the dataset has an XFS project quota. */
  @Column({ name: 'project_id', type: 'integer', nullable: true })
  projectId!: number | null;

  @Column({ name: 'quota_exceeded', type: 'boolean' })
  quotaExceeded!: boolean;

  @Column({ name: 'used_bytes', type: 'bigint', nullable: true, transformer: bigintNumber })
  usedBytes!: number | null;

  @Column({ name: 'used_bytes_at', type: 'timestamptz', nullable: true })
  usedBytesAt!: Date | null;

  @Column({ name: 'used_complete', type: 'boolean' })
  usedComplete!: boolean;

  @Column({ type: 'varchar', length: 200, nullable: true })
  comment!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
