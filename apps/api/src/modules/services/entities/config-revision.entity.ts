import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ServiceId } from '@moxnas/contracts';

export type RevisionResult = 'applied' | 'failed' | 'adopted' | 'rolled-back';

/** One version of one managed file, as written (or attempted) by the apply engine. */
@Entity('config_revisions')
export class ConfigRevisionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  service!: ServiceId;

  @Column({ type: 'text' })
  path!: string;

  @Column({ type: 'text' })
  content!: string;

  @Column({ type: 'char', length: 64 })
  hash!: string;

  /** The service's global settings that produced this content (for rollback). */
  @Column({ type: 'jsonb', nullable: true })
  settings!: Record<string, unknown> | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  actor!: string | null;

  @Column({ name: 'job_id', type: 'uuid', nullable: true })
  jobId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  result!: RevisionResult;

  @Column({ type: 'text', nullable: true })
  message!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'clock_timestamp()' })
  createdAt!: Date;
}
