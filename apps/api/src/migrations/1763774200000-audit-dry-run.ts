import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Marks audit entries of `?dryRun=true` requests, which otherwise read like real applies. */
export class AuditDryRun1763774200000 implements MigrationInterface {
  name = 'AuditDryRun1763774200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE audit_log ADD COLUMN dry_run boolean NOT NULL DEFAULT false');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE audit_log DROP COLUMN dry_run');
  }
}
