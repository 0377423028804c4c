import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recycle bins say whether they are per user (issue 14, defect 2). Until now the API stored the
 * folder `.recycle` and the renderer wrote it as one bin the first deleter made 0700, so every
 * other user's deleted files were lost. Bins with a one-folder repository (the old default among
 * them) become per-user bins, `<folder>/%u`; a nested repository cannot hold per-user bins
 * (vfs_recycle makes only the first folder for everyone) and becomes a shared bin, which is now
 * created writable for every share user.
 */
export class SmbRecyclePerUser1763774100000 implements MigrationInterface {
  name = 'SmbRecyclePerUser1763774100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE smb_shares
      SET recycle_bin = recycle_bin || jsonb_build_object('perUser', strpos(recycle_bin->>'repository', '/') = 0)
      WHERE recycle_bin IS NOT NULL AND NOT (recycle_bin ? 'perUser')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE smb_shares SET recycle_bin = recycle_bin - 'perUser' WHERE recycle_bin IS NOT NULL`);
  }
}
