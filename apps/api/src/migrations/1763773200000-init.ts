import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The settings table: key/value desired state that is not owned by a module's own table. */
export class Init1763773200000 implements MigrationInterface {
  name = 'Init1763773200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE settings (
      key varchar(100) PRIMARY KEY,
      value jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE settings');
  }
}
