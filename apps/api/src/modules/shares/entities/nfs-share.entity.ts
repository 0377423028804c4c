import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('nfs_shares')
export class NfsShareEntity {
  @PrimaryColumn('uuid')
  id!: string;

  /** Real path; one export per path (unique). */
  @Column({ type: 'text', unique: true })
  path!: string;

  @Column({ name: 'pool_id', type: 'uuid' })
  poolId!: string;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ type: 'jsonb' })
  clients!: Array<{ host: string; access: 'ro' | 'rw' }>;

  @Column({ type: 'varchar', length: 8 })
  squash!: 'root' | 'none' | 'all';

  @Column({ name: 'anon_uid', type: 'integer', nullable: true })
  anonUid!: number | null;

  @Column({ name: 'anon_gid', type: 'integer', nullable: true })
  anonGid!: number | null;

  @Column({ type: 'boolean' })
  sync!: boolean;

  @Column({ type: 'jsonb' })
  security!: Array<'sys' | 'krb5' | 'krb5i' | 'krb5p'>;

  @Column({ name: 'subtree_check', type: 'boolean' })
  subtreeCheck!: boolean;

  @Column({ type: 'boolean' })
  insecure!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
