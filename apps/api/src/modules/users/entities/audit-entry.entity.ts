import { Column, Entity, PrimaryColumn } from 'typeorm';

export type AuditAuthMethod = 'session' | 'token' | 'anonymous' | 'cli';
export type AuditResultKind = 'success' | 'failure' | 'denied';
/** A JSON object; other values are wrapped as `{ value }`. */
export type AuditJson = object | null;

/** One mutating request. Actor columns are copies, not foreign keys: entries outlive deleted users. */
@Entity('audit_log')
export class AuditEntryEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId!: string | null;

  @Column({ name: 'actor_name', type: 'varchar', length: 64, nullable: true })
  actorName!: string | null;

  @Column({ name: 'auth_method', type: 'varchar', length: 10 })
  authMethod!: AuditAuthMethod;

  @Column({ name: 'session_id', type: 'uuid', nullable: true })
  sessionId!: string | null;

  @Column({ name: 'token_id', type: 'uuid', nullable: true })
  tokenId!: string | null;

  @Column({ name: 'source_ip', type: 'varchar', length: 64, nullable: true })
  sourceIp!: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 128 })
  requestId!: string;

  @Column({ type: 'varchar', length: 100 })
  action!: string;

  @Column({ type: 'varchar', length: 10 })
  method!: string;

  @Column({ type: 'varchar', length: 500 })
  path!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  target!: string | null;

  /** Redacted JSON (see audit/redact.ts). */
  @Column({ type: 'jsonb', nullable: true })
  before!: AuditJson;

  @Column({ type: 'jsonb', nullable: true })
  after!: AuditJson;

  @Column({ type: 'varchar', length: 10 })
  result!: AuditResultKind;

  @Column({ type: 'integer' })
  status!: number;

  /** A `?dryRun=true` request: it showed what would change and changed nothing. */
  @Column({ name: 'dry_run', type: 'boolean', default: false })
  dryRun!: boolean;

  @Column({ type: 'text', nullable: true })
  message!: string | null;
}
