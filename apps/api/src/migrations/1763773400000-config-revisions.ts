import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ConfigRevisions1763773400000 implements MigrationInterface {
  name = 'ConfigRevisions1763773400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE config_revisions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      service varchar(16) NOT NULL,
      path text NOT NULL,
      content text NOT NULL,
      hash char(64) NOT NULL,
      settings jsonb,
      actor varchar(64),
      job_id uuid,
      result varchar(16) NOT NULL,
      message text,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
    await q.query('CREATE INDEX config_revisions_service_path_idx ON config_revisions (service, path, created_at DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE config_revisions');
  }
}
