import type { MigrationInterface, QueryRunner } from 'typeorm';

/** SMB shares, NFS exports and FTP shares. Paths are real paths inside a registered pool. */
export class Shares1763774000000 implements MigrationInterface {
  name = 'Shares1763774000000';

  async up(q: QueryRunner): Promise<void> {
    // No foreign key to storage_pools: a pool used by shares is refused by PoolDependents with the
    // list of shares (a 409 a person can act on), and a config import may replace pools and shares
    // in one transaction in section order.
    await q.query(`CREATE TABLE smb_shares (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name varchar(80) NOT NULL,
      name_key varchar(320) NOT NULL UNIQUE,
      comment text,
      path text NOT NULL,
      pool_id uuid NOT NULL,
      enabled boolean NOT NULL,
      browseable boolean NOT NULL,
      read_only boolean NOT NULL,
      guest_ok boolean NOT NULL,
      valid_users jsonb NOT NULL DEFAULT '[]'::jsonb,
      valid_groups jsonb NOT NULL DEFAULT '[]'::jsonb,
      write_users jsonb NOT NULL DEFAULT '[]'::jsonb,
      write_groups jsonb NOT NULL DEFAULT '[]'::jsonb,
      hosts_allow jsonb NOT NULL DEFAULT '[]'::jsonb,
      hosts_deny jsonb NOT NULL DEFAULT '[]'::jsonb,
      create_mask varchar(5),
      directory_mask varchar(5),
      force_user varchar(32),
      force_group varchar(32),
      recycle_bin jsonb,
      previous_versions boolean NOT NULL DEFAULT false,
      shadow jsonb,
      time_machine jsonb,
      audit boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query('CREATE INDEX smb_shares_pool_idx ON smb_shares (pool_id)');
    await q.query(`CREATE TABLE nfs_shares (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      path text NOT NULL UNIQUE,
      pool_id uuid NOT NULL,
      comment text,
      enabled boolean NOT NULL,
      clients jsonb NOT NULL,
      squash varchar(8) NOT NULL CHECK (squash IN ('root', 'none', 'all')),
      anon_uid integer,
      anon_gid integer,
      sync boolean NOT NULL,
      security jsonb NOT NULL,
      subtree_check boolean NOT NULL,
      insecure boolean NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query('CREATE INDEX nfs_shares_pool_idx ON nfs_shares (pool_id)');
    await q.query(`CREATE TABLE ftp_shares (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      path text NOT NULL,
      pool_id uuid NOT NULL,
      enabled boolean NOT NULL,
      allowed_users jsonb NOT NULL DEFAULT '[]'::jsonb,
      allowed_groups jsonb NOT NULL DEFAULT '[]'::jsonb,
      write_enable boolean NOT NULL,
      anonymous boolean NOT NULL,
      chroot boolean NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query('CREATE INDEX ftp_shares_pool_idx ON ftp_shares (pool_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE ftp_shares');
    await q.query('DROP TABLE nfs_shares');
    await q.query('DROP TABLE smb_shares');
  }
}
