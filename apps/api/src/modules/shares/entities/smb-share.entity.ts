import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Recycle bin options as stored (vfs_recycle). */
export interface StoredRecycleBin {
  repository: string;
  /** One bin per user below the repository, or one for all (migration 1763774100000 set it on old rows). */
  perUser: boolean;
  keepTree: boolean;
  versions: boolean;
}

/**
 * shadow_copy2 options resolved from the dataset holding the share path when the share was saved
 * (SnapshotsService.previousVersionsFor). Stored so the renderer, which runs inside the apply
 * transaction, needs no other module's queries.
 */
export interface StoredShadowOptions {
  mountpoint: string;
  snapdir: string;
  format: string;
  datasetId: string;
}

@Entity('smb_shares')
export class SmbShareEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 80 })
  name!: string;

  /** shareNameKey(name): Samba compares section names case-insensitively; unique. */
  @Column({ name: 'name_key', type: 'varchar', length: 320, unique: true })
  nameKey!: string;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  /** Real path (realpath-checked inside the pool). */
  @Column({ type: 'text' })
  path!: string;

  @Column({ name: 'pool_id', type: 'uuid' })
  poolId!: string;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ type: 'boolean' })
  browseable!: boolean;

  @Column({ name: 'read_only', type: 'boolean' })
  readOnly!: boolean;

  @Column({ name: 'guest_ok', type: 'boolean' })
  guestOk!: boolean;

  @Column({ name: 'valid_users', type: 'jsonb' })
  validUsers!: string[];

  @Column({ name: 'valid_groups', type: 'jsonb' })
  validGroups!: string[];

  @Column({ name: 'write_users', type: 'jsonb' })
  writeUsers!: string[];

  @Column({ name: 'write_groups', type: 'jsonb' })
  writeGroups!: string[];

  @Column({ name: 'hosts_allow', type: 'jsonb' })
  hostsAllow!: string[];

  @Column({ name: 'hosts_deny', type: 'jsonb' })
  hostsDeny!: string[];

  @Column({ name: 'create_mask', type: 'varchar', length: 5, nullable: true })
  createMask!: string | null;

  @Column({ name: 'directory_mask', type: 'varchar', length: 5, nullable: true })
  directoryMask!: string | null;

  @Column({ name: 'force_user', type: 'varchar', length: 32, nullable: true })
  forceUser!: string | null;

  @Column({ name: 'force_group', type: 'varchar', length: 32, nullable: true })
  forceGroup!: string | null;

  @Column({ name: 'recycle_bin', type: 'jsonb', nullable: true })
  recycleBin!: StoredRecycleBin | null;

  @Column({ name: 'previous_versions', type: 'boolean' })
  previousVersions!: boolean;

  @Column({ type: 'jsonb', nullable: true })
  shadow!: StoredShadowOptions | null;

  @Column({ name: 'time_machine', type: 'jsonb', nullable: true })
  timeMachine!: { maxSize: string | null } | null;

  @Column({ type: 'boolean' })
  audit!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
