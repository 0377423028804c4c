import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  shareNameKey,
  type BulkCreated,
  type BulkKind,
  type BulkRequest,
  type BulkResult,
  type BulkRow,
  type FieldError,
  type FtpShareCreate,
  type NfsShareCreate,
  type Provisioning,
  type SmbShareCreate,
} from '@moxnas/contracts';
import { In, Repository } from 'typeorm';
import { DomainError } from '../../core/errors/domain-error';
import { ApplyEngine, type ChangeTransaction } from '../services/apply/apply-engine';
import type { EntityKind } from '../services/apply/managed-config';
import { NfsShareEntity } from '../shares/entities/nfs-share.entity';
import { SmbShareEntity } from '../shares/entities/smb-share.entity';
import { FtpSharesService, type PreparedFtpShare } from '../shares/ftp/ftp-shares.service';
import { NfsSharesService, type PreparedNfsShare } from '../shares/nfs/nfs-shares.service';
import type { PendingAccounts } from '../shares/share-crud';
import type { MutationOptions } from '../shares/share-support';
import { JobsService, type JobContext } from '../system/jobs/jobs.service';
import { SmbSharesService, type PreparedSmbShare } from '../shares/smb/smb-shares.service';
import { ACCOUNT_BATCH_KINDS, AccountBatches, rowField, type AccountsPlan, type BatchGroupRow, type BatchUserRow } from '../users/accounts/account-batch';
import { DRY_RUN_PROVISIONING } from '../users/accounts/host-accounts.service';
import { AuditContext } from '../users/audit/audit-context';

type Prepared<P> = { row: number; prepared: P };

/** A share row that passed its checks, ready to be stored (SMB, NFS or FTP). */
interface PreparedShares {
  smb: Array<Prepared<PreparedSmbShare>>;
  nfs: Array<Prepared<PreparedNfsShare>>;
  ftp: Array<Prepared<PreparedFtpShare>>;
}

/** How a row is named in messages: `user alice`, `SMB share docs`. */
function describeRow(row: BulkRow): string {
  switch (row.kind) {
    case 'user':
      return `user ${row.data.username}`;
    case 'group':
      return `group ${row.data.name}`;
    case 'smbShare':
      return `SMB share ${row.data.name}`;
    case 'nfsShare':
      return `NFS export ${row.data.path}`;
    case 'ftpShare':
      return `FTP share ${row.data.name}`;
  }
}

/**
 * Bulk provisioning: the whole batch checked first (every row's errors at once, cross-row
 * conflicts included; 422 and nothing written), then one apply-engine change that writes every
 * row, makes every host account and applies each affected service once. Any failure undoes all of
 * it: the engine rolls the transaction back, restores the files and runs the undo steps the
 * accounts and directories registered. The request waits for the answer; a real run is also a job
 * with progress (docs/bulk.md).
 */
@Injectable()
export class BulkService {
  constructor(
    private readonly engine: ApplyEngine,
    private readonly accounts: AccountBatches,
    private readonly smbShares: SmbSharesService,
    private readonly nfsShares: NfsSharesService,
    private readonly ftpShares: FtpSharesService,
    @InjectRepository(SmbShareEntity) private readonly smbRows: Repository<SmbShareEntity>,
    @InjectRepository(NfsShareEntity) private readonly nfsRows: Repository<NfsShareEntity>,
    private readonly audit: AuditContext,
    private readonly jobs: JobsService,
  ) {}

  /**
   * The batch is checked first (a refused batch leaves nothing behind, not even a job); a real
   * run is then a job (`bulk.provision`), so `/api/events` and the jobs list show its progress while
   * the request waits for the answer. A dry run changes nothing and leaves no job.
   */
  create(body: BulkRequest, sent: ReadonlyArray<ReadonlySet<string>>, options: MutationOptions): Promise<BulkResult> {
    return this.accounts.exclusive(async () => {
      const { plan, shares } = await this.validate(body.rows, sent);
      if (options.dryRun) return this.apply(body.rows, plan, shares, options, null);
      const run = (ctx: JobContext) => this.apply(body.rows, plan, shares, options, ctx);
      return (await this.jobs.run('bulk.provision', run, { actor: options.actor })).value;
    });
  }

  // ─── Validation: every row, against the system and the other rows ─────────────────────────

  private async validate(rows: readonly BulkRow[], sent: ReadonlyArray<ReadonlySet<string>>): Promise<{ plan: AccountsPlan; shares: PreparedShares }> {
    const errors: FieldError[] = [];
    const users: BatchUserRow[] = [];
    const groups: BatchGroupRow[] = [];
    rows.forEach((r, row) => {
      if (r.kind === 'user') users.push({ row, data: r.data });
      if (r.kind === 'group') groups.push({ row, data: r.data });
    });
    const checked = await this.accounts.check(users, groups, errors);
    // What shares may name besides existing accounts: what the batch creates (even rows with errors,
    // which are reported on their own rows rather than again on every share naming them).
    const pending: PendingAccounts = { users: new Set(users.map((u) => u.data.username)), groups: new Set(groups.map((g) => g.data.name)) };
    const shares = await this.prepareShares(rows, sent, pending, errors);
    await this.shareConflicts(shares, errors);
    if (errors.length || !checked) {
      const bad = new Set(errors.map((e) => e.field.split('.')[1])).size;
      throw DomainError.validation(errors, `${bad} of ${rows.length} row(s) are not valid; nothing was written.`);
    }
    return { plan: await this.accounts.build(checked), shares };
  }

  private async prepareShares(rows: readonly BulkRow[], sent: ReadonlyArray<ReadonlySet<string>>, pending: PendingAccounts, errors: FieldError[]): Promise<PreparedShares> {
    const shares: PreparedShares = { smb: [], nfs: [], ftp: [] };
    const collect = async <P>(row: number, into: Array<Prepared<P>>, prepare: (own: FieldError[]) => Promise<P>) => {
      const own: FieldError[] = [];
      const prepared = await prepare(own);
      errors.push(...own.map((e) => ({ field: rowField(row, e.field), message: e.message })));
      into.push({ row, prepared });
    };
    for (const [row, r] of rows.entries()) {
      if (r.kind === 'smbShare') await collect(row, shares.smb, (own) => this.smbShares.prepareNew(r.data as SmbShareCreate, sent[row] ?? new Set(), pending, own));
      if (r.kind === 'nfsShare') await collect(row, shares.nfs, (own) => this.nfsShares.prepareNew(r.data as NfsShareCreate, own));
      if (r.kind === 'ftpShare') await collect(row, shares.ftp, (own) => this.ftpShares.prepareNew(r.data as FtpShareCreate, pending, own));
    }
    return shares;
  }

  /**
   * SMB names (case-insensitive, as Samba matches sections) and NFS paths are unique: against
   * the stored shares and within the batch. What needs the transaction (an FTP login given two
   * shares) is checked there, as on a single create.
   */
  private async shareConflicts(shares: PreparedShares, errors: FieldError[]): Promise<void> {
    const keys = shares.smb.map((s) => shareNameKey(s.prepared.fields.name));
    const existing = new Map((keys.length ? await this.smbRows.findBy({ nameKey: In(keys) }) : []).map((s) => [s.nameKey, s.name]));
    const firstSmb = new Map<string, number>();
    shares.smb.forEach(({ row }, i) => {
      const other = existing.get(keys[i]);
      const earlier = firstSmb.get(keys[i]);
      if (other !== undefined) errors.push({ field: rowField(row, 'name'), message: `clashes with the share "${other}" (share names are case-insensitive)` });
      else if (earlier !== undefined) errors.push({ field: rowField(row, 'name'), message: `clashes with row ${earlier} (share names are case-insensitive)` });
      else firstSmb.set(keys[i], row);
    });
    const paths = shares.nfs.map((s) => s.prepared.fields.path);
    const exported = new Set((paths.length ? await this.nfsRows.findBy({ path: In(paths) }) : []).map((s) => s.path));
    const firstNfs = new Map<string, number>();
    shares.nfs.forEach(({ row }, i) => {
      const earlier = firstNfs.get(paths[i]);
      if (exported.has(paths[i])) errors.push({ field: rowField(row, 'path'), message: 'is already exported' });
      else if (earlier !== undefined) errors.push({ field: rowField(row, 'path'), message: `is also exported by row ${earlier}` });
      else firstNfs.set(paths[i], row);
    });
  }

  // ─── The change: one transaction, one apply per affected service ──────────────────────────

  private async apply(rows: readonly BulkRow[], plan: AccountsPlan, shares: PreparedShares, options: MutationOptions, job: JobContext | null): Promise<BulkResult> {
    const touches = new Set<EntityKind>();
    if (plan.users.length || plan.groups.length) ACCOUNT_BATCH_KINDS.forEach((k) => touches.add(k));
    if (shares.smb.length) touches.add('shares.smb');
    if (shares.nfs.length) touches.add('shares.nfs');
    if (shares.ftp.length) touches.add('shares.ftp');
    const counts = countKinds(rows);
    /** The row whose step is running, so a failure can name it. */
    let current: number | null = null;
    // Progress: the host steps (one per account and directory) take most of a real run.
    const steps = plan.groups.length + plan.users.length + [...shares.smb, ...shares.nfs, ...shares.ftp].filter((s) => s.prepared.directory).length;
    let done = 0;
    const at = (row: number | null) => {
      current = row;
      if (row !== null && job && steps) job.progress(10 + Math.floor((60 * done++) / steps), `row ${row}: ${describeRow(rows[row])}`);
    };
    try {
      const { result, services, value } = await this.engine.change({
        touches: [...touches],
        actor: options.actor,
        dryRun: options.dryRun,
        reason: `bulk provisioning: ${Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', ')}`,
        jobId: job?.id ?? null,
        // The engine's own stages after the rows: render, check, write, reload (its 25–90 %).
        onProgress: job ? (p, m) => p >= 25 && job.progress(70 + Math.round((p - 25) * 0.4), m) : undefined,
        mutate: async (em, tx) => {
          const outcomes = await this.accounts.write(em, tx, plan, options.dryRun, at);
          const created = new Map<number, { id: string; name: string }>();
          const store = async <P, E extends { id: string }>(list: Array<Prepared<P>>, insert: (p: P) => Promise<E[]>, name: (e: E) => string) => {
            for (const { row, prepared } of list) {
              at(row);
              const [stored] = await insert(prepared);
              created.set(row, { id: stored.id, name: name(stored) });
            }
          };
          await store(shares.smb, (p) => this.smbShares.insert(em, [p]), (e) => e.name);
          await store(shares.nfs, (p) => this.nfsShares.insert(em, [p]), (e) => e.path);
          await store(shares.ftp, (p) => this.ftpShares.insert(em, [p]), (e) => e.name);
          if (!options.dryRun) await this.makeDirectories(shares, tx, at);
          // Past this point the engine renders, checks and reloads: no row is to blame.
          at(null);
          for (const u of plan.users) created.set(u.row, { id: u.entity.id, name: u.entity.username });
          for (const g of plan.groups) created.set(g.row, { id: g.entity.id, name: g.entity.name });
          return { outcomes, created };
        },
      });
      if (!options.dryRun) await this.accounts.committed(plan);
      const createdRows: BulkCreated[] = rows.map((r, row) => ({ row, kind: r.kind, ...(value.created.get(row) as { id: string; name: string }) }));
      const provisioning = options.dryRun ? DRY_RUN_PROVISIONING : summariseProvisioning(value.outcomes, plan);
      this.audit.describe({ target: `bulk:${rows.length} rows`, after: { counts, created: createdRows.map((c) => `${c.kind}:${c.name}`), provisioning: provisioning.message } });
      return { dryRun: options.dryRun, jobId: job?.id ?? null, created: createdRows, counts, provisioning, apply: result, services };
    } catch (err) {
      throw this.failure(err, current === null ? null : { row: current, what: describeRow(rows[current]) });
    }
  }

  /** The directories shares asked for (createDirectory), each with its undo registered first. */
  private async makeDirectories(shares: PreparedShares, tx: ChangeTransaction, at: (row: number) => void): Promise<void> {
    const services = { smb: this.smbShares, nfs: this.nfsShares, ftp: this.ftpShares } as const;
    for (const protocol of ['smb', 'nfs', 'ftp'] as const) {
      for (const { row, prepared } of shares[protocol]) {
        if (!prepared.directory) continue;
        at(row);
        const top = await services[protocol].createDirectory(prepared.directory);
        if (top !== null) tx.onRollback(`removing the directory ${top} made for row ${row}`, () => services[protocol].removeCreated(top));
      }
    }
  }

  /** The batch's answer to a failed change: which row (if one was running), what failed, and that nothing (or not everything) was undone. */
  private failure(err: unknown, at: { row: number; what: string } | null): unknown {
    const message = err instanceof Error ? err.message : String(err);
    // The engine marks an error whose undoing failed too: then the batch must not claim that nothing changed.
    const clean = !(err instanceof DomainError && err.details?.['restored'] === false);
    const where = at ? `Row ${at.row} (${at.what}) failed: ` : 'The batch failed: ';
    const undone = clean ? ' Every row of the batch was rolled back; nothing was changed.' : ' The batch was rolled back, but not completely (see above).';
    if (!(err instanceof DomainError)) return new DomainError('APPLY_FAILED', `${where}${message}${undone}`, undefined, { row: at?.row ?? null });
    const fieldErrors = err.fieldErrors?.map((e) => ({ field: at ? rowField(at.row, e.field) : e.field, message: e.message }));
    return new DomainError(err.code, `${where}${message.replace(/\s*$/, '')}${undone}`, fieldErrors, { ...err.details, row: at?.row ?? null, rolledBack: clean });
  }
}

function countKinds(rows: readonly BulkRow[]): Partial<Record<BulkKind, number>> {
  const counts: Partial<Record<BulkKind, number>> = {};
  for (const r of rows) counts[r.kind] = (counts[r.kind] ?? 0) + 1;
  return counts;
}

/** One sentence for the host side of the batch. */
function summariseProvisioning(outcomes: readonly Provisioning[], plan: AccountsPlan): Provisioning {
  if (!outcomes.length) return { status: 'not-needed', message: 'The batch creates no accounts; nothing to do on the host.' };
  const unavailable = outcomes.find((o) => o.status === 'unavailable');
  if (unavailable) return { status: 'unavailable', message: `${plan.groups.length} group(s) and ${plan.users.length} user(s) saved. ${unavailable.message}` };
  return { status: 'applied', message: `${plan.groups.length} Linux group(s) and ${plan.users.length} Linux account(s) (with their Samba entries where SMB is enabled) were created on the host.` };
}
