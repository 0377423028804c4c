import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Role } from '@moxnas/contracts';

export type HostStatus = 'synced' | 'pending' | 'none';

/** A MoxNAS user: a dashboard login (by role) that is also a Linux, Samba and FTP account. */
@Entity('users')
export class UserEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 32, unique: true })
  username!: string;

  @Column({ name: 'full_name', type: 'varchar', length: 100, nullable: true })
  fullName!: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  /** Null only for the built-in admin, which has no host account. */
  @Column({ type: 'integer', nullable: true, unique: true })
  uid!: number | null;

  @Column({ name: 'primary_group_id', type: 'uuid', nullable: true })
  primaryGroupId!: string | null;

  @Column({ type: 'varchar', length: 64 })
  shell!: string;

  @Column({ name: 'home_dir', type: 'varchar', length: 1024, nullable: true })
  homeDir!: string | null;

  @Column({ name: 'smb_enabled', type: 'boolean' })
  smbEnabled!: boolean;

  @Column({ name: 'ftp_enabled', type: 'boolean' })
  ftpEnabled!: boolean;

  @Column({ type: 'varchar', length: 10 })
  role!: Role;

  @Column({ type: 'boolean' })
  disabled!: boolean;

  @Column({ name: 'built_in', type: 'boolean' })
  builtIn!: boolean;

  /** argon2id, for dashboard login. */
  @Column({ name: 'password_hash', type: 'text' })
  passwordHash!: string;

  /** NT hash, so the Samba passdb can be rebuilt from the database. */
  @Column({ name: 'nt_hash', type: 'char', length: 32, nullable: true })
  ntHash!: string | null;

  /** SHA-512 crypt, so the Linux password can be restored with `chpasswd -e`. */
  @Column({ name: 'unix_hash', type: 'text', nullable: true })
  unixHash!: string | null;

  @Column({ name: 'must_change_password', type: 'boolean' })
  mustChangePassword!: boolean;

  /** Bumped by password change, disable and role change: access tokens of older versions are dead. */
  @Column({ name: 'token_version', type: 'integer' })
  tokenVersion!: number;

  @Column({ name: 'totp_secret', type: 'text', nullable: true })
  totpSecret!: string | null;

  @Column({ name: 'totp_pending_secret', type: 'text', nullable: true })
  totpPendingSecret!: string | null;

  /** Last TOTP time step accepted: a code is never accepted twice. */
  @Column({ name: 'totp_last_step', type: 'bigint', nullable: true, transformer: { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) } })
  totpLastStep!: number | null;

  @Column({ name: 'host_status', type: 'varchar', length: 10 })
  hostStatus!: HostStatus;

  @Column({ name: 'password_changed_at', type: 'timestamptz', nullable: true })
  passwordChangedAt!: Date | null;

  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  lastLoginAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
