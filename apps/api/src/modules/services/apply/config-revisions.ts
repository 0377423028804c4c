import { sha256 } from '../../../core/crypto/sha256';
import type { ServiceId } from '@moxnas/contracts';
import type { Repository } from 'typeorm';
import type { ConfigRevisionEntity, RevisionResult } from '../entities/config-revision.entity';
import type { RenderedConfig } from './managed-config';

/** Who made a change, for its revisions. */
export interface RevisionAuthor {
  actor?: string | null;
  jobId?: string | null;
}

/** The history of every managed file: one revision row per file and change (applied, failed, adopted, rolled back). */
export class ConfigRevisions {
  constructor(private readonly revisions: Repository<ConfigRevisionEntity>) {}

  async record(service: ServiceId, files: ReadonlyArray<{ path: string; after: string | null }>, rendered: RenderedConfig, result: RevisionResult, message: string | null, by: RevisionAuthor): Promise<string[]> {
    const rows = files.map((f) =>
      this.revisions.create({
        service,
        path: f.path,
        content: f.after ?? '',
        hash: sha256(f.after ?? ''),
        settings: rendered.settings,
        actor: by.actor ?? null,
        jobId: by.jobId ?? null,
        result,
        message,
      }),
    );
    const saved = await this.revisions.save(rows);
    return saved.map((r) => r.id);
  }

  /** The last revision that describes what should be on disk (applied, adopted or rolled back). */
  last(service: ServiceId, file: string): Promise<ConfigRevisionEntity | null> {
    return this.revisions
      .createQueryBuilder('r')
      .where('r.service = :service AND r.path = :file AND r.result <> :failed', { service, file, failed: 'failed' })
      .orderBy('r.created_at', 'DESC')
      .getOne();
  }

  /** The first time a service's files are seen as applied, record them so drift has a baseline. */
  async ensureBaseline(service: ServiceId, rendered: RenderedConfig, reason: string | null, by: RevisionAuthor): Promise<string[]> {
    const missing: Array<{ path: string; after: string | null }> = [];
    for (const [file, content] of rendered.files) {
      const last = await this.last(service, file);
      if (!last || last.hash !== sha256(content)) missing.push({ path: file, after: content });
    }
    return missing.length ? this.record(service, missing, rendered, 'applied', reason ?? 'baseline', by) : [];
  }
}
