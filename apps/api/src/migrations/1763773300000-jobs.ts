import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Jobs1763773300000 implements MigrationInterface {
  name = 'Jobs1763773300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE jobs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      type varchar(100) NOT NULL,
      state varchar(16) NOT NULL,
      progress smallint NOT NULL DEFAULT 0,
      message text,
      log jsonb NOT NULL DEFAULT '[]'::jsonb,
      result jsonb,
      error text,
      actor varchar(64),
      cancel_requested boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      finished_at timestamptz
    )`);
    await q.query('CREATE INDEX jobs_created_at_idx ON jobs (created_at DESC)');
    await q.query('CREATE INDEX jobs_state_idx ON jobs (state)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE jobs');
  }
}
