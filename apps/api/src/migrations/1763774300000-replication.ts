import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Replication tasks (rsync over ssh to another host) and the history of their runs. */
export class Replication1763774300000 implements MigrationInterface {
  name = 'Replication1763774300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE storage_replication_tasks (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name varchar(100) NOT NULL UNIQUE,
      dataset_id uuid NOT NULL REFERENCES storage_datasets (id) ON DELETE CASCADE,
      host varchar(253) NOT NULL,
      port integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
      remote_user varchar(32) NOT NULL,
      remote_path varchar(1024) NOT NULL,
      schedule varchar(200),
      timezone varchar(64) NOT NULL,
      bandwidth_limit_kibps integer CHECK (bandwidth_limit_kibps IS NULL OR bandwidth_limit_kibps > 0),
      delete_on_target boolean NOT NULL,
      excludes jsonb NOT NULL,
      enabled boolean NOT NULL,
      host_keys jsonb,
      host_keys_pinned_at timestamptz,
      next_run_at timestamptz,
      last_run_at timestamptz,
      last_result varchar(10),
      last_error text,
      last_success_at timestamptz,
      last_job_id uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE storage_replication_runs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      task_id uuid NOT NULL REFERENCES storage_replication_tasks (id) ON DELETE CASCADE,
      job_id uuid,
      state varchar(10) NOT NULL CHECK (state IN ('running', 'succeeded', 'failed', 'cancelled')),
      snapshot_name varchar(64),
      started_at timestamptz NOT NULL,
      finished_at timestamptz,
      files_total bigint,
      files_transferred bigint,
      files_deleted bigint,
      bytes_total bigint,
      bytes_transferred bigint,
      bytes_sent bigint,
      error text
    )`);
    await q.query('CREATE INDEX storage_replication_runs_task_started_idx ON storage_replication_runs (task_id, started_at DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE storage_replication_runs');
    await q.query('DROP TABLE storage_replication_tasks');
  }
}
