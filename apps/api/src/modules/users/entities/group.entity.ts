import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { HostStatus } from './user.entity';

/** A MoxNAS group: a Linux group with supplementary members. */
@Entity('groups')
export class GroupEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 32, unique: true })
  name!: string;

  @Column({ type: 'integer', unique: true })
  gid!: number;

  @Column({ type: 'varchar', length: 200, nullable: true })
  description!: string | null;

  @Column({ name: 'host_status', type: 'varchar', length: 10 })
  hostStatus!: HostStatus;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** Supplementary group membership. */
@Entity('user_groups')
export class UserGroupEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @PrimaryColumn({ name: 'group_id', type: 'uuid' })
  groupId!: string;
}
