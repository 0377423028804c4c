import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('ftp_shares')
export class FtpShareEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  /** Real path. */
  @Column({ type: 'text' })
  path!: string;

  @Column({ name: 'pool_id', type: 'uuid' })
  poolId!: string;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ name: 'allowed_users', type: 'jsonb' })
  allowedUsers!: string[];

  @Column({ name: 'allowed_groups', type: 'jsonb' })
  allowedGroups!: string[];

  @Column({ name: 'write_enable', type: 'boolean' })
  writeEnable!: boolean;

  @Column({ type: 'boolean' })
  anonymous!: boolean;

  @Column({ type: 'boolean' })
  chroot!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
