import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { FieldError, NfsClient, NfsShare, NfsShareCreate, NfsShareListQuery, NfsShareMutation } from '@moxnas/contracts';
import { Not, Repository, type EntityManager } from 'typeorm';
import { DomainError } from '../../../core/errors/domain-error';
import { ApplyEngine } from '../../services/apply/apply-engine';
import { PoolEntity } from '../../storage/entities/pool.entity';
import { AuditContext } from '../../users/audit/audit-context';
import { NfsShareEntity } from '../entities/nfs-share.entity';
import { ShareChecks } from '../share-checks.service';
import { pickColumns, shareDto, ShareCrud, shareFields, type CurrentShare, type ListedShare, type PreparedShare, type PrepareOptions, type ShareFields, type ShareProtocol } from '../share-crud';
import type { MutationOptions } from '../share-support';

export type NfsShareFields = ShareFields<NfsShare>;

/** The entity columns that are export fields under the same name, in the DTO's order. */
const FIELDS = ['path', 'comment', 'enabled', 'clients', 'squash', 'anonUid', 'anonGid', 'sync', 'security', 'subtreeCheck', 'insecure'] as const satisfies ReadonlyArray<
  keyof NfsShareFields & keyof NfsShareEntity
>;

const SORT_COLUMNS = { path: 's.path', createdAt: 's.created_at', updatedAt: 's.updated_at' } satisfies Record<NfsShareListQuery['sort'], string>;

export type PreparedNfsShare = PreparedShare<NfsShareFields>;

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

const PROTOCOL: ShareProtocol<NfsShareEntity, NfsShare, (typeof FIELDS)[number]> = {
    entity: NfsShareEntity,
    service: 'nfs',
    noun: 'NFS export',
    key: (s) => s.path,
    fields: FIELDS,
    sortColumns: SORT_COLUMNS,
    searchColumns: ['s.path', 's.comment', 'CAST(s.clients AS text)'],
    toDto,
    taken: (row) => new DomainError('CONFLICT', `${row.path} is already exported.`, [{ field: 'path', message: 'is already exported' }]),
    invalidMessage: 'The export is not valid.',
  };

@Injectable()
export class NfsSharesService extends ShareCrud<NfsShareEntity, NfsShare, PreparedNfsShare, (typeof FIELDS)[number]> {
  constructor(
    @InjectRepository(NfsShareEntity) shares: Repository<NfsShareEntity>,
    @InjectRepository(PoolEntity) pools: Repository<PoolEntity>,
    checks: ShareChecks,
    engine: ApplyEngine,
    audit: AuditContext,
  ) {
    super(PROTOCOL, shares, pools, checks, engine, audit);
  }

  async create(body: NfsShareCreate, options: MutationOptions): Promise<NfsShareMutation> {
    const { createDirectory, ...fields } = body;
    return this.createShare(fields, createDirectory, [], options);
  }

  /** A create body checked like create does, without storing it (bulk provisioning); errors are collected. */
  prepareNew(body: NfsShareCreate, errors: FieldError[]): Promise<PreparedNfsShare> {
    const { createDirectory, ...fields } = body;
    return this.prepare(fields, { createDirectory, changed: 'all' }, errors);
  }

  /** Besides the path and the directory: the client list, merged. */
  async prepare(fields: NfsShareFields, options: PrepareOptions, errors: FieldError[]): Promise<PreparedNfsShare> {
    const clients = mergeNfsClients(fields.clients, errors);
    const location = await this.locate(fields.path, options, errors);
    const directory = await this.planDirectory(location, options, errors);
    return { fields: { ...fields, path: location.path, clients }, poolId: location.poolId, directory };
  }

  protected toColumns(p: PreparedNfsShare): Partial<NfsShareEntity> {
    return { ...pickColumns(p.fields, FIELDS), poolId: p.poolId };
  }

  /** One export per path: exportfs would pick one of two lines for a path silently. */
  protected async assertFree(m: EntityManager, p: PreparedNfsShare, current: CurrentShare<NfsShareEntity> | null): Promise<void> {
    if (current && p.fields.path === current.row.path) return;
    const other = await m.findOneBy(NfsShareEntity, { path: p.fields.path, ...(current ? { id: Not(current.row.id) } : {}) });
    if (other) throw new DomainError('CONFLICT', `${p.fields.path} is already exported; change that export instead.`, [{ field: 'path', message: 'is already exported' }]);
  }
}

export const fieldsOf: (s: NfsShare) => NfsShareFields = shareFields;

export function toDto(r: ListedShare<NfsShareEntity, (typeof FIELDS)[number]>, poolName: string): NfsShare {
  return shareDto(r, FIELDS, poolName);
}
