import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Pools, datasets, snapshots and scheduled snapshot tasks. */
export class Storage1763773900000 implements MigrationInterface {
  name = 'Storage1763773900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE storage_pools (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name varchar(64) NOT NULL UNIQUE,
      description varchar(200),
      path text NOT NULL UNIQUE,
      mount_point text NOT NULL,
      fs_type varchar(64) NOT NULL,
      source text NOT NULL,
      warning_percent smallint NOT NULL DEFAULT 80 CHECK (warning_percent BETWEEN 1 AND 100),
      critical_percent smallint NOT NULL DEFAULT 90 CHECK (critical_percent BETWEEN 1 AND 100),
      snapshot_driver varchar(8) NOT NULL CHECK (snapshot_driver IN ('copy', 'btrfs', 'zfs')),
      capabilities jsonb NOT NULL,
      health jsonb NOT NULL,
      space jsonb,
      usage_level varchar(10) NOT NULL DEFAULT 'unknown',
      refreshed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE storage_datasets (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      pool_id uuid NOT NULL REFERENCES storage_pools (id) ON DELETE RESTRICT,
      parent_id uuid REFERENCES storage_datasets (id) ON DELETE RESTRICT,
      name text NOT NULL,
      relative_path text NOT NULL,
      backend varchar(16) NOT NULL CHECK (backend IN ('directory', 'btrfs-subvolume', 'zfs-filesystem')),
      zfs_name text,
      snapshot_driver varchar(8) NOT NULL CHECK (snapshot_driver IN ('copy', 'btrfs', 'zfs')),
      uid integer NOT NULL,
      gid integer NOT NULL,
      mode integer NOT NULL,
      acl jsonb NOT NULL DEFAULT '[]'::jsonb,
      quota_bytes bigint,
      quota_kind varchar(8) CHECK (quota_kind IN ('hard', 'soft')),
      hard_quota_kind varchar(16),
      project_id integer UNIQUE,
      quota_exceeded boolean NOT NULL DEFAULT false,
      used_bytes bigint,
      used_bytes_at timestamptz,
      used_complete boolean NOT NULL DEFAULT false,
      comment varchar(200),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (pool_id, relative_path)
    )`);
    await q.query(`CREATE TABLE storage_snapshot_tasks (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name varchar(100) NOT NULL UNIQUE,
      schedule varchar(200) NOT NULL,
      timezone varchar(64) NOT NULL,
      retention jsonb NOT NULL,
      enabled boolean NOT NULL,
      next_run_at timestamptz,
      last_run_at timestamptz,
      last_result varchar(10),
      last_error text,
      last_job_id uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE storage_snapshot_task_datasets (
      task_id uuid NOT NULL REFERENCES storage_snapshot_tasks (id) ON DELETE CASCADE,
      dataset_id uuid NOT NULL REFERENCES storage_datasets (id) ON DELETE CASCADE,
      position integer NOT NULL,
      PRIMARY KEY (task_id, dataset_id)
    )`);
    await q.query(`CREATE TABLE storage_snapshots (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      dataset_id uuid NOT NULL REFERENCES storage_datasets (id) ON DELETE CASCADE,
      name varchar(64) NOT NULL,
      driver varchar(8) NOT NULL,
      taken_at timestamptz NOT NULL,
      task_id uuid REFERENCES storage_snapshot_tasks (id) ON DELETE SET NULL,
      state varchar(10) NOT NULL CHECK (state IN ('creating', 'ready', 'deleting')),
      files integer,
      size_bytes bigint,
      new_bytes bigint,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (dataset_id, name)
    )`);
    await q.query('CREATE INDEX storage_snapshots_dataset_taken_idx ON storage_snapshots (dataset_id, taken_at DESC)');
    await q.query('CREATE INDEX storage_snapshots_task_taken_idx ON storage_snapshots (task_id, taken_at DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE storage_snapshots');
    await q.query('DROP TABLE storage_snapshot_task_datasets');
    await q.query('DROP TABLE storage_snapshot_tasks');
    await q.query('DROP TABLE storage_datasets');
    await q.query('DROP TABLE storage_pools');
  }
}
