import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { FieldError, NfsClient, NfsShare, NfsShareCreate, NfsShareListQuery, NfsShareMutation, NfsShareUpdate, ShareDeletion } from '@moxnas/contracts';
import { Brackets, In, Not, Repository, type EntityManager } from 'typeorm';
import { DomainError } from '../../../core/errors/domain-error';
import { ApplyEngine } from '../../services/apply/apply-engine';
import { PoolEntity } from '../../storage/entities/pool.entity';
import { AuditContext } from '../../users/audit/audit-context';
import { NfsShareEntity } from '../entities/nfs-share.entity';
import { ShareChecks, type DirectoryPlan } from '../share-checks.service';
import { isUniqueViolation, likeTerm, pageOf, throwIfInvalid, type MutationOptions, type Page } from '../share-support';

export type NfsShareFields = Omit<NfsShare, 'id' | 'poolId' | 'poolName' | 'createdAt' | 'updatedAt'>;

const SORT_COLUMNS: Record<NfsShareListQuery['sort'], string> = { path: 's.path', createdAt: 's.created_at', updatedAt: 's.updated_at' };

interface PreparedNfsShare {
  fields: NfsShareFields;
  poolId: string;
  directory: DirectoryPlan | null;
}

/**
 * Identical client entries are merged (first position kept); one host listed both read-only and
 * read-write is a contradiction exportfs would settle silently, so it is refused. Hosts compare
 * case-insensitively (host names are).
 */
export function mergeNfsClients(clients: readonly NfsClient[], errors: FieldError[]): NfsClient[] {
  const seen = new Map<string, { index: number; access: NfsClient['access'] }>();
  const merged: NfsClient[] = [];
  clients.forEach((c, i) => {
    const key = c.host.toLowerCase();
    const first = seen.get(key);
    if (!first) {
      seen.set(key, { index: i, access: c.access });
      merged.push(c);
    } else if (first.access !== c.access) {
      errors.push({ field: `clients.${i}.host`, message: `${c.host} is listed as ${first.access} (clients.${first.index}) and as ${c.access}; give it one access` });
    }
  });
  return merged;
}

@Injectable()
export class NfsSharesService {
  constructor(
    @InjectRepository(NfsShareEntity) private readonly shares: Repository<NfsShareEntity>,
    @InjectRepository(PoolEntity) private readonly pools: Repository<PoolEntity>,
    private readonly checks: ShareChecks,
    private readonly engine: ApplyEngine,
    private readonly audit: AuditContext,
  ) {}

  async list(query: NfsShareListQuery): Promise<Page<NfsShare>> {
    const qb = this.shares.createQueryBuilder('s');
    if (query.search) {
      const term = likeTerm(query.search);
      qb.andWhere(new Brackets((w) => w.where('s.path ILIKE :term', { term }).orWhere('s.comment ILIKE :term', { term }).orWhere('CAST(s.clients AS text) ILIKE :term', { term })));
    }
    if (query.enabled !== undefined) qb.andWhere('s.enabled = :enabled', { enabled: query.enabled });
    if (query.poolId) qb.andWhere('s.pool_id = :poolId', { poolId: query.poolId });
    const order = query.order === 'desc' ? 'DESC' : 'ASC';
    qb.orderBy(SORT_COLUMNS[query.sort], order).addOrderBy('s.id', order);
    return pageOf(qb, query, (rows) => this.toDtos(rows));
  }

  async get(id: string): Promise<NfsShare> {
    return (await this.toDtos([await this.find(id)]))[0];
  }

  private async find(id: string): Promise<NfsShareEntity> {
    const row = await this.shares.findOneBy({ id });
    if (!row) throw DomainError.notFound('The NFS export');
    return row;
  }

  async toDtos(rows: NfsShareEntity[]): Promise<NfsShare[]> {
    const poolIds = [...new Set(rows.map((r) => r.poolId))];
    const pools = new Map((poolIds.length ? await this.pools.findBy({ id: In(poolIds) }) : []).map((p) => [p.id, p.name]));
    return rows.map((r) => toDto(r, pools.get(r.poolId) ?? ''));
  }

  async prepare(
    fields: NfsShareFields,
    options: { createDirectory: NfsShareCreate['createDirectory']; currentPath?: { path: string; poolId: string } },
    errors: FieldError[],
  ): Promise<PreparedNfsShare> {
    const clients = mergeNfsClients(fields.clients, errors);
    let realPath = options.currentPath?.path ?? fields.path;
    let poolId = options.currentPath?.poolId ?? '';
    let exists = true;
    if (!options.currentPath) {
      const resolved = await this.checks.resolvePath(fields.path, { create: !!options.createDirectory }, errors);
      if (resolved) {
        realPath = resolved.path;
        poolId = resolved.pool.id;
        exists = resolved.exists;
      }
    }
    const directory = options.createDirectory && !exists ? await this.checks.planDirectory(realPath, options.createDirectory, errors) : null;
    return { fields: { ...fields, path: realPath, clients }, poolId, directory };
  }

  /** One export per path: exportfs would pick one of two lines for a path silently. */
  private async assertPathFree(m: EntityManager, p: string, self: string | null): Promise<void> {
    const other = await m.findOneBy(NfsShareEntity, { path: p, ...(self ? { id: Not(self) } : {}) });
    if (other) throw new DomainError('CONFLICT', `${p} is already exported; change that export instead.`, [{ field: 'path', message: 'is already exported' }]);
  }

  async create(body: NfsShareCreate, options: MutationOptions): Promise<NfsShareMutation> {
    const { createDirectory, ...fields } = body;
    const errors: FieldError[] = [];
    const prepared = await this.prepare(fields, { createDirectory }, errors);
    throwIfInvalid(errors, 'The export is not valid.');
    const { share, apply } = await this.store([prepared], options, `NFS export ${prepared.fields.path} created`);
    this.audit.describe({ target: `nfs-share:${share[0].path}`, after: share[0] });
    return { share: share[0], apply };
  }

  async store(prepared: PreparedNfsShare[], options: MutationOptions, reason: string): Promise<{ share: NfsShare[]; apply: NfsShareMutation['apply'] }> {
    const created: Array<string | null> = [];
    try {
      const { result, value } = await this.engine.apply('nfs', {
        dryRun: options.dryRun,
        actor: options.actor,
        reason,
        mutate: async (m) => {
          const rows: NfsShareEntity[] = [];
          for (const p of prepared) {
            await this.assertPathFree(m, p.fields.path, null);
            const now = new Date();
            const row = m.create(NfsShareEntity, { id: randomUUID(), ...toColumns(p.fields), poolId: p.poolId, createdAt: now, updatedAt: now });
            await save(m, row);
            rows.push(row);
          }
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

  async update(id: string, body: NfsShareUpdate, options: MutationOptions): Promise<NfsShareMutation> {
    const row = await this.find(id);
    const before = (await this.toDtos([row]))[0];
    const { createDirectory, ...changes } = body;
    const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as Partial<NfsShareFields>;
    const merged: NfsShareFields = { ...fieldsOf(before), ...defined };
    const errors: FieldError[] = [];
    const pathChanged = defined.path !== undefined && defined.path !== row.path;
    const prepared = await this.prepare(merged, { createDirectory, ...(pathChanged || createDirectory ? {} : { currentPath: { path: row.path, poolId: row.poolId } }) }, errors);
    throwIfInvalid(errors, 'The export is not valid.');
    let createdTop: string | null = null;
    try {
      const { result, value } = await this.engine.apply('nfs', {
        dryRun: options.dryRun,
        actor: options.actor,
        reason: `NFS export ${prepared.fields.path} changed`,
        mutate: async (m) => {
          const fresh = await m.findOneBy(NfsShareEntity, { id });
          if (!fresh) throw DomainError.notFound('The NFS export');
          if (prepared.fields.path !== fresh.path) await this.assertPathFree(m, prepared.fields.path, id);
          Object.assign(fresh, toColumns(prepared.fields), { poolId: prepared.poolId, updatedAt: new Date() });
          await save(m, fresh);
          if (!options.dryRun && prepared.directory) createdTop = await this.checks.createDirectory(prepared.directory);
          return fresh;
        },
      });
      const share = (await this.toDtos([value]))[0];
      this.audit.describe({ target: `nfs-share:${share.path}`, before, after: share });
      return { share, apply: result };
    } catch (err) {
      await this.checks.removeCreated(createdTop);
      throw err;
    }
  }

  async remove(id: string, options: MutationOptions): Promise<ShareDeletion> {
    const before = await this.get(id);
    const { result } = await this.engine.apply('nfs', {
      dryRun: options.dryRun,
      actor: options.actor,
      reason: `NFS export ${before.path} deleted`,
      mutate: async (m) => {
        await m.delete(NfsShareEntity, { id });
      },
    });
    this.audit.describe({ target: `nfs-share:${before.path}`, before });
    return { apply: result };
  }
}

async function save(m: EntityManager, row: NfsShareEntity): Promise<void> {
  try {
    await m.save(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw new DomainError('CONFLICT', `${row.path} is already exported.`, [{ field: 'path', message: 'is already exported' }]);
    throw err;
  }
}

function toColumns(f: NfsShareFields): Partial<NfsShareEntity> {
  return {
    path: f.path,
    comment: f.comment,
    enabled: f.enabled,
    clients: f.clients,
    squash: f.squash,
    anonUid: f.anonUid,
    anonGid: f.anonGid,
    sync: f.sync,
    security: f.security,
    subtreeCheck: f.subtreeCheck,
    insecure: f.insecure,
  };
}

export function fieldsOf(s: NfsShare): NfsShareFields {
  const { id: _id, poolId: _p, poolName: _n, createdAt: _c, updatedAt: _u, ...fields } = s;
  return fields;
}

export function toDto(r: NfsShareEntity, poolName: string): NfsShare {
  return {
    id: r.id,
    path: r.path,
    comment: r.comment,
    enabled: r.enabled,
    clients: r.clients,
    squash: r.squash,
    anonUid: r.anonUid,
    anonGid: r.anonGid,
    sync: r.sync,
    security: r.security,
    subtreeCheck: r.subtreeCheck,
    insecure: r.insecure,
    poolId: r.poolId,
    poolName,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
