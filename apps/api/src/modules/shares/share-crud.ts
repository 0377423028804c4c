import { randomUUID } from 'node:crypto';
import type { ApplyResult, CreateDirectory, FieldError, ServiceId, ShareDeletion } from '@moxnas/contracts';
import { In, type DeepPartial, type EntityManager, type FindOptionsWhere, type ObjectLiteral, type Repository } from 'typeorm';
import { DomainError } from '../../core/errors/domain-error';
import { ApplyEngine } from '../services/apply/apply-engine';
import { PoolEntity } from '../storage/entities/pool.entity';
import { AuditContext } from '../users/audit/audit-context';
import { ShareChecks, type AccountField, type DirectoryPlan } from './share-checks.service';
import { isUniqueViolation } from '../../core/database/unique-violation';
import { likeTerm, throwIfInvalid, type MutationOptions, type Page } from './share-support';

/** The columns every share table has besides its protocol's options. */
export interface ShareRow extends ObjectLiteral {
  id: string;
  path: string;
  poolId: string;
  createdAt: Date;
  updatedAt: Date;
}

/** What every share DTO carries besides its protocol's options. */
export interface ShareDto {
  id: string;
  path: string;
  poolId: string;
  poolName: string;
  createdAt: string;
  updatedAt: string;
}

/** The names of an account field not to look up: its own skips plus the accounts the change creates. */
export function pendingSkip(field: AccountField, options: PrepareOptions): ReadonlySet<string> | undefined {
  const pending = options.pending ? (field.kind === 'user' ? options.pending.users : options.pending.groups) : undefined;
  return pending ? new Set([...(field.skip ?? []), ...pending]) : field.skip;
}

/** A share's fields, without ids and bookkeeping: what create takes and update merges into. */
export type ShareFields<D extends ShareDto> = Omit<D, 'id' | 'poolId' | 'poolName' | 'createdAt' | 'updatedAt'>;

/** The entity columns a DTO is made of: the protocol's options (K) and the bookkeeping. */
export type ListedShare<E extends ShareRow, K extends keyof E> = Pick<E, K | 'id' | 'poolId' | 'createdAt' | 'updatedAt'>;

/** A share that passed every check outside the transaction, ready to be stored. */
export interface PreparedShare<F> {
  fields: F;
  poolId: string;
  directory: DirectoryPlan | null;
}

export interface PrepareOptions {
  createDirectory: CreateDirectory | undefined;
  /** The fields the request sets ('all', the default, on create): an update checks only those. */
  changed?: ReadonlySet<string> | 'all';
  /** An update that keeps its path: the stored real path and pool, not resolved again. */
  currentPath?: { path: string; poolId: string };
  /** Accounts created in the same change (a bulk batch): named by a share, they count as existing. */
  pending?: PendingAccounts;
}

/** Users and groups that a change creates alongside its shares (bulk provisioning). */
export interface PendingAccounts {
  users: ReadonlySet<string>;
  groups: ReadonlySet<string>;
}

/** Where a share's directory is: resolved in its pool, or kept from the stored share. */
export interface ShareLocation {
  path: string;
  poolId: string;
  exists: boolean;
}

/** The share the transaction changes on an update, and the fields the request sets. */
export interface CurrentShare<E> {
  row: E;
  changed: ReadonlySet<string>;
}

/** What sets one protocol's shares apart in the shared flow. */
export interface ShareProtocol<E extends ShareRow, D extends ShareDto, K extends keyof E & string> {
  entity: new () => E;
  /** The apply engine's service. The audit target is `<service>-share:<key>`. */
  service: ServiceId;
  /** How messages and revisions name one share: `SMB share`, `NFS export`. */
  noun: string;
  /** What names one share: its name, or for NFS its path. */
  key: (share: ShareFields<D>) => string;
  /** The entity columns that are DTO fields under the same name (everything but the bookkeeping). */
  fields: readonly K[];
  /** Sort key of the list query → SQL expression over the alias `s`. */
  sortColumns: Readonly<Record<string, string>>;
  /** SQL expressions over the alias `s` that the list's `search` matches (ILIKE, any of them). */
  searchColumns: readonly string[];
  toDto: (row: ListedShare<E, K>, poolName: string) => D;
  /** A unique index refused the row (a race the conflict check lost): the 409 to answer. */
  taken?: (row: E) => DomainError;
  /** The 422's message when a field is wrong. */
  invalidMessage?: string;
}

export interface ShareListQuery {
  page: number;
  pageSize: number;
  search?: string;
  sort: string;
  order: 'asc' | 'desc';
  enabled?: boolean;
  poolId?: string;
}

/** A raw row of the list query: each column under its property name, as the driver parsed it. */
type ListedRow<E extends ShareRow, K extends keyof E> = ListedShare<E, K> & { poolName: string | null; total: string };

/**
 * List, get, create, update and delete of one protocol's shares through the apply engine. A
 * protocol's service extends this with its checks: `prepare` (everything outside the transaction)
 * and `assertFree` (conflicts with the other shares, inside it).
 */
export abstract class ShareCrud<E extends ShareRow, D extends ShareDto, P extends PreparedShare<ShareFields<D>>, K extends keyof E & string> {
  private listedColumns?: Array<[property: string, column: string]>;

  protected constructor(
    private readonly protocol: ShareProtocol<E, D, K>,
    private readonly shares: Repository<E>,
    private readonly pools: Repository<PoolEntity>,
    protected readonly checks: ShareChecks,
    private readonly engine: ApplyEngine,
    private readonly audit: AuditContext,
  ) {}

  /** Everything that can be checked before the apply transaction; errors are collected in `errors`. */
  abstract prepare(fields: ShareFields<D>, options: PrepareOptions, errors: FieldError[]): Promise<P>;

  /** The columns of a prepared share, bookkeeping (id, dates) aside. */
  protected abstract toColumns(prepared: P): DeepPartial<E>;

  /** Conflicts with the other shares, checked against the rows in the transaction (409). `current` is set on an update. */
  protected abstract assertFree(m: EntityManager, prepared: P, current: CurrentShare<E> | null): Promise<void>;

  // ─── Reading ────────────────────────────────────────────────────────────────────────────────

  async list(query: ShareListQuery): Promise<Page<D>> {
    const qb = this.shares.createQueryBuilder('s');
    if (query.search) {
      qb.andWhere(`(${this.protocol.searchColumns.map((c) => `${c} ILIKE :term`).join(' OR ')})`, { term: likeTerm(query.search) });
    }
    if (query.enabled !== undefined) qb.andWhere('s.enabled = :enabled', { enabled: query.enabled });
    if (query.poolId) qb.andWhere('s.pool_id = :poolId', { poolId: query.poolId });
    const order = query.order === 'desc' ? 'DESC' : 'ASC';
    qb.orderBy(this.protocol.sortColumns[query.sort], order).addOrderBy('s.id', order);
    // One round trip, no entity hydration: the page, its total (a window count over the same
    // filter, taken before LIMIT) and the pool names in one query, read as raw rows. Page, count
    // and pool names used to be three round trips, and hydrating the entities cost more CPU than
    // the query itself. A page past the end has no row to carry the total, so it counts apart.
    const counting = qb.clone();
    qb.select([]);
    // Quoted column names, not `s.<property>`: TypeORM replaces the alias of a selected entity
    // property with its own (`s_pool_id`), and the row keys must be the property names.
    for (const [property, column] of this.columns()) qb.addSelect(`"s"."${column}"`, property);
    const rows = await qb
      .leftJoin(PoolEntity, 'p', 'p.id = s.pool_id')
      .addSelect('p.name', 'poolName')
      .addSelect('COUNT(*) OVER ()', 'total')
      .offset((query.page - 1) * query.pageSize)
      .limit(query.pageSize)
      .getRawMany<ListedRow<E, K>>();
    const total = rows.length ? Number(rows[0].total) : query.page > 1 ? await counting.getCount() : 0;
    return { items: rows.map((r) => this.protocol.toDto(r, r.poolName ?? '')), total, page: query.page, pageSize: query.pageSize };
  }

  /** Property and column name of each listed field. */
  private columns(): Array<[property: string, column: string]> {
    this.listedColumns ??= ['id', 'poolId', 'createdAt', 'updatedAt', ...this.protocol.fields].map((field) => {
      const column = this.shares.metadata.findColumnWithPropertyName(field);
      if (!column) throw new Error(`${this.shares.metadata.name} has no column ${field}`);
      return [field, column.databaseName];
    });
    return this.listedColumns;
  }

  async get(id: string): Promise<D> {
    return (await this.toDtos([await this.find(id)]))[0];
  }

  private async find(id: string): Promise<E> {
    const row = await this.shares.findOneBy({ id } as FindOptionsWhere<E>);
    if (!row) throw DomainError.notFound(`The ${this.protocol.noun}`);
    return row;
  }

  async toDtos(rows: E[]): Promise<D[]> {
    const poolIds = [...new Set(rows.map((r) => r.poolId))];
    const pools = new Map((poolIds.length ? await this.pools.findBy({ id: In(poolIds) }) : []).map((p) => [p.id, p.name]));
    return rows.map((r) => this.protocol.toDto(r, pools.get(r.poolId) ?? ''));
  }

  // ─── Checks ─────────────────────────────────────────────────────────────────────────────────

  /**
   * The real path and pool of the share's directory: kept from the stored share on an update that
   * keeps its path, else resolved in its pool (errors on `path`; then the path as given, no pool).
   */
  protected async locate(path: string, options: PrepareOptions, errors: FieldError[]): Promise<ShareLocation> {
    if (options.currentPath) return { ...options.currentPath, exists: true };
    const resolved = await this.checks.resolvePath(path, { create: !!options.createDirectory }, errors);
    return resolved ? { path: resolved.path, poolId: resolved.pool.id, exists: resolved.exists } : { path, poolId: '', exists: true };
  }

  /** Whether the request sets a field: everything on create, on an update the fields it sends. */
  protected touches(options: PrepareOptions): (field: string) => boolean {
    return (field) => options.changed === undefined || options.changed === 'all' || options.changed.has(field);
  }

  /** The directory to create: only when asked for and missing. */
  protected async planDirectory(location: ShareLocation, options: PrepareOptions, errors: FieldError[]): Promise<DirectoryPlan | null> {
    return options.createDirectory && !location.exists ? this.checks.planDirectory(location.path, options.createDirectory, errors) : null;
  }

  // ─── Changing ───────────────────────────────────────────────────────────────────────────────

  /** Creates one share from the body's fields; `errors` holds what the protocol found already. */
  protected async createShare(fields: ShareFields<D>, createDirectory: CreateDirectory | undefined, errors: FieldError[], options: MutationOptions): Promise<{ share: D; apply: ApplyResult }> {
    const prepared = await this.prepare(fields, { createDirectory, changed: 'all' }, errors);
    throwIfInvalid(errors, this.protocol.invalidMessage);
    const { share, apply } = await this.store([prepared], options, `${this.describe(prepared.fields)} created`);
    this.audit.describe({ target: this.auditTarget(share[0]), after: share[0] });
    return { share: share[0], apply };
  }

  /** Stores new shares in one apply (create, import). Directories are made only on a real run. */
  async store(prepared: P[], options: MutationOptions, reason: string): Promise<{ share: D[]; apply: ApplyResult }> {
    const created: Array<string | null> = [];
    try {
      const { result, value } = await this.engine.apply(this.protocol.service, {
        dryRun: options.dryRun,
        actor: options.actor,
        reason,
        mutate: async (m) => {
          const rows = await this.insert(m, prepared);
          if (!options.dryRun) for (const p of prepared) if (p.directory) created.push(await this.checks.createDirectory(p.directory));
          return rows;
        },
      });
      return { share: await this.toDtos(value), apply: result };
    } catch (err) {
      for (const top of created) await this.checks.removeCreated(top);
      throw err;
    }
  }

  /**
   * Stores prepared shares inside a change's transaction (create, import, bulk), checking each
   * against the shares already there. Makes no directory: the caller does, on a real run.
   */
  async insert(m: EntityManager, prepared: P[], ids: readonly string[] = []): Promise<E[]> {
    const rows: E[] = [];
    for (const [i, p] of prepared.entries()) {
      // Shares twice in one batch (import) clash here as well: rows are saved one by one.
      await this.assertFree(m, p, null);
      const now = new Date();
      const row = m.create(this.protocol.entity, { ...this.toColumns(p), id: ids[i] ?? randomUUID(), createdAt: now, updatedAt: now });
      await this.save(m, row);
      rows.push(row);
    }
    return rows;
  }

  /** Makes a prepared share's directory (real runs only); returns the topmost directory made, for undoing. */
  createDirectory(plan: DirectoryPlan): Promise<string | null> {
    return this.checks.createDirectory(plan);
  }

  /** Removes a directory a failed change made. */
  removeCreated(top: string | null): Promise<void> {
    return this.checks.removeCreated(top);
  }

  /** Changes the fields the body sets; the others stay. */
  async update(id: string, body: Partial<ShareFields<D>> & { createDirectory?: CreateDirectory }, options: MutationOptions): Promise<{ share: D; apply: ApplyResult }> {
    const row = await this.find(id);
    const before = (await this.toDtos([row]))[0];
    const { createDirectory, ...changes } = body;
    const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as Partial<ShareFields<D>>;
    const changed = new Set(Object.keys(defined));
    const merged = { ...shareFields(before), ...defined } as ShareFields<D>;
    const errors: FieldError[] = [];
    const pathChanged = defined.path !== undefined && defined.path !== row.path;
    const prepared = await this.prepare(merged, { createDirectory, changed, ...(pathChanged || createDirectory ? {} : { currentPath: { path: row.path, poolId: row.poolId } }) }, errors);
    throwIfInvalid(errors, this.protocol.invalidMessage);
    let createdTop: string | null = null;
    try {
      const { result, value } = await this.engine.apply(this.protocol.service, {
        dryRun: options.dryRun,
        actor: options.actor,
        reason: `${this.describe(prepared.fields)} changed`,
        mutate: async (m) => {
          const fresh = await m.findOneBy(this.protocol.entity, { id } as FindOptionsWhere<E>);
          if (!fresh) throw DomainError.notFound(`The ${this.protocol.noun}`);
          await this.assertFree(m, prepared, { row: fresh, changed });
          Object.assign(fresh, this.toColumns(prepared), { updatedAt: new Date() });
          await this.save(m, fresh);
          if (!options.dryRun && prepared.directory) createdTop = await this.checks.createDirectory(prepared.directory);
          return fresh;
        },
      });
      const share = (await this.toDtos([value]))[0];
      this.audit.describe({ target: this.auditTarget(share), before, after: share });
      return { share, apply: result };
    } catch (err) {
      await this.checks.removeCreated(createdTop);
      throw err;
    }
  }

  async remove(id: string, options: MutationOptions): Promise<ShareDeletion> {
    const before = await this.get(id);
    const { result } = await this.engine.apply(this.protocol.service, {
      dryRun: options.dryRun,
      actor: options.actor,
      reason: `${this.describe(before)} deleted`,
      mutate: async (m) => {
        await m.delete(this.protocol.entity, { id } as FindOptionsWhere<E>);
      },
    });
    this.audit.describe({ target: this.auditTarget(before), before });
    return { apply: result };
  }

  private async save(m: EntityManager, row: E): Promise<void> {
    try {
      await m.save(row);
    } catch (err) {
      if (this.protocol.taken && isUniqueViolation(err)) throw this.protocol.taken(row);
      throw err;
    }
  }

  private describe(share: ShareFields<D>): string {
    return `${this.protocol.noun} ${this.protocol.key(share)}`;
  }

  private auditTarget(share: D): string {
    return `${this.protocol.service}-share:${this.protocol.key(share)}`;
  }
}

/** A DTO's fields without ids and bookkeeping (update merges into them, the backup stores them). */
export function shareFields<D extends ShareDto>(share: D): ShareFields<D> {
  const { id: _id, poolId: _p, poolName: _n, createdAt: _c, updatedAt: _u, ...fields } = share;
  return fields;
}

/** The DTO of a row: its protocol's fields as they are, the pool's name, dates as ISO text. */
export function shareDto<E extends ShareRow, K extends keyof E & string>(row: ListedShare<E, K>, fields: readonly K[], poolName: string) {
  const options = Object.fromEntries(fields.map((f) => [f, row[f]])) as Pick<E, K>;
  return { id: row.id, ...options, poolId: row.poolId, poolName, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

/** The columns of a share's fields that the entity stores under the same names. */
export function pickColumns<F, K extends keyof F & string>(fields: F, keys: readonly K[]): Pick<F, K> {
  return Object.fromEntries(keys.map((k) => [k, fields[k]])) as Pick<F, K>;
}
