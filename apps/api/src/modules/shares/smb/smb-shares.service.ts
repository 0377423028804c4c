import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  shareNameKey,
  type FieldError,
  type ShareDeletion,
  type SmbShare,
  type SmbShareCreate,
  type SmbShareListQuery,
  type SmbShareMutation,
  type SmbShareUpdate,
} from '@moxnas/contracts';
import { Brackets, In, Not, Repository, type EntityManager } from 'typeorm';
import { DomainError } from '../../../core/errors/domain-error';
import { ApplyEngine } from '../../services/apply/apply-engine';
import { PoolEntity } from '../../storage/entities/pool.entity';
import { SnapshotsService } from '../../storage/snapshots/snapshots.service';
import { AuditContext } from '../../users/audit/audit-context';
import { SmbShareEntity, type StoredShadowOptions } from '../entities/smb-share.entity';
import { ShareChecks, type DirectoryPlan } from '../share-checks.service';
import { isUniqueViolation, likeTerm, normalizeOctal, throwIfInvalid, type MutationOptions, type Page } from '../share-support';
import { applySmbPreset, SMB_PRESETS } from './smb-presets';

/** The share fields, without ids and bookkeeping: what create takes and update merges into. */
export type SmbShareFields = Omit<SmbShare, 'id' | 'poolId' | 'poolName' | 'createdAt' | 'updatedAt'>;

const SORT_COLUMNS: Record<SmbShareListQuery['sort'], string> = { name: 's.name_key', path: 's.path', createdAt: 's.created_at', updatedAt: 's.updated_at' };

/** The entity fields a share's DTO is made of (toDto), what the list reads. */
const LISTED_FIELDS = [
  'id',
  'name',
  'comment',
  'path',
  'enabled',
  'browseable',
  'readOnly',
  'guestOk',
  'validUsers',
  'validGroups',
  'writeUsers',
  'writeGroups',
  'hostsAllow',
  'hostsDeny',
  'createMask',
  'directoryMask',
  'forceUser',
  'forceGroup',
  'recycleBin',
  'previousVersions',
  'timeMachine',
  'audit',
  'poolId',
  'createdAt',
  'updatedAt',
] as const satisfies ReadonlyArray<keyof SmbShareEntity>;

type ListedShare = Pick<SmbShareEntity, (typeof LISTED_FIELDS)[number]>;

/** A raw row of the list query: `s.<field>` selected under its property name, as the driver parsed it. */
type ListedShareRow = ListedShare & { poolName: string | null; total: string };

/** A share that passed every check outside the transaction, ready to be stored. */
interface PreparedSmbShare {
  fields: SmbShareFields;
  poolId: string;
  shadow: StoredShadowOptions | null;
  directory: DirectoryPlan | null;
}

@Injectable()
export class SmbSharesService {
  constructor(
    @InjectRepository(SmbShareEntity) private readonly shares: Repository<SmbShareEntity>,
    @InjectRepository(PoolEntity) private readonly pools: Repository<PoolEntity>,
    private readonly checks: ShareChecks,
    private readonly snapshots: SnapshotsService,
    private readonly engine: ApplyEngine,
    private readonly audit: AuditContext,
  ) {}

  presets() {
    return SMB_PRESETS;
  }

  // ─── Reading ────────────────────────────────────────────────────────────────────────────────

  async list(query: SmbShareListQuery): Promise<Page<SmbShare>> {
    const qb = this.shares.createQueryBuilder('s');
    if (query.search) {
      const term = likeTerm(query.search);
      qb.andWhere(new Brackets((w) => w.where('s.name ILIKE :term', { term }).orWhere('s.path ILIKE :term', { term }).orWhere('s.comment ILIKE :term', { term })));
    }
    if (query.enabled !== undefined) qb.andWhere('s.enabled = :enabled', { enabled: query.enabled });
    if (query.poolId) qb.andWhere('s.pool_id = :poolId', { poolId: query.poolId });
    const order = query.order === 'desc' ? 'DESC' : 'ASC';
    qb.orderBy(SORT_COLUMNS[query.sort], order).addOrderBy('s.id', order);
    // One round trip, no entity hydration: the page, its total (a window count over the same
    // filter, taken before LIMIT) and the pool names in one query, read as raw rows. Page, count
    // and pool names used to be three round trips, and hydrating the entities cost more CPU than
    // the query itself. A page past the end has no row to carry the total, so it counts apart.
    const counting = qb.clone();
    qb.select([]);
    // Quoted column names, not `s.<property>`: TypeORM replaces the alias of a selected entity
    // property with its own (`s_pool_id`), and the row keys must be the property names.
    for (const field of LISTED_FIELDS) qb.addSelect(`"s"."${this.columnName(field)}"`, field);
    const rows = await qb
      .leftJoin(PoolEntity, 'p', 'p.id = s.pool_id')
      .addSelect('p.name', 'poolName')
      .addSelect('COUNT(*) OVER ()', 'total')
      .offset((query.page - 1) * query.pageSize)
      .limit(query.pageSize)
      .getRawMany<ListedShareRow>();
    const total = rows.length ? Number(rows[0].total) : query.page > 1 ? await counting.getCount() : 0;
    return { items: rows.map((r) => toDto(r, r.poolName ?? '')), total, page: query.page, pageSize: query.pageSize };
  }

  private columnName(field: keyof SmbShareEntity): string {
    const column = this.shares.metadata.findColumnWithPropertyName(field);
    if (!column) throw new Error(`SmbShareEntity has no column ${field}`);
    return column.databaseName;
  }

  async get(id: string): Promise<SmbShare> {
    return (await this.toDtos([await this.find(id)]))[0];
  }

  private async find(id: string): Promise<SmbShareEntity> {
    const row = await this.shares.findOneBy({ id });
    if (!row) throw DomainError.notFound('The SMB share');
    return row;
  }

  async toDtos(rows: SmbShareEntity[]): Promise<SmbShare[]> {
    const poolIds = [...new Set(rows.map((r) => r.poolId))];
    const pools = new Map((poolIds.length ? await this.pools.findBy({ id: In(poolIds) }) : []).map((p) => [p.id, p.name]));
    return rows.map((r) => toDto(r, pools.get(r.poolId) ?? ''));
  }

  // ─── Checks ─────────────────────────────────────────────────────────────────────────────────

  /**
   * Everything that can be checked before the apply transaction: the path, the accounts, the
   * snapshots behind previous versions, the directory to create. `changed` limits the account
   * checks to the lists the request sets (an update does not fail on a list it leaves alone).
   */
  async prepare(
    fields: SmbShareFields,
    options: { createDirectory: SmbShareCreate['createDirectory']; changed: ReadonlySet<string> | 'all'; currentPath?: { path: string; poolId: string } },
    errors: FieldError[],
  ): Promise<PreparedSmbShare> {
    const touched = (k: string) => options.changed === 'all' || options.changed.has(k);
    let realPath = options.currentPath?.path ?? fields.path;
    let poolId = options.currentPath?.poolId ?? '';
    let exists = true;
    if (!options.currentPath || touched('path') || options.createDirectory) {
      const resolved = await this.checks.resolvePath(fields.path, { create: !!options.createDirectory }, errors);
      if (resolved) {
        realPath = resolved.path;
        poolId = resolved.pool.id;
        exists = resolved.exists;
      }
    }
    await this.checks.checkAccounts(
      [
        { field: 'validUsers', kind: 'user' as const, names: fields.validUsers },
        { field: 'validGroups', kind: 'group' as const, names: fields.validGroups },
        { field: 'writeUsers', kind: 'user' as const, names: fields.writeUsers },
        { field: 'writeGroups', kind: 'group' as const, names: fields.writeGroups },
        { field: 'forceUser', kind: 'user' as const, names: fields.forceUser },
        { field: 'forceGroup', kind: 'group' as const, names: fields.forceGroup },
      ].filter((f) => touched(f.field)),
      errors,
    );
    let shadow: StoredShadowOptions | null = null;
    if (fields.previousVersions && !errors.some((e) => e.field === 'path')) {
      const options = await this.snapshots.previousVersionsFor(realPath);
      if (!options) {
        errors.push({ field: 'previousVersions', message: `${realPath} is in no dataset, so it has no snapshots to show; create a dataset for it (Storage → Datasets) first` });
      } else {
        shadow = { mountpoint: options.mountpoint, snapdir: options.snapdir, format: options.format, datasetId: options.datasetId };
      }
    }
    const directory = options.createDirectory && !exists ? await this.checks.planDirectory(realPath, options.createDirectory, errors) : null;
    return {
      fields: {
        ...fields,
        path: realPath,
        createMask: fields.createMask === null ? null : normalizeOctal(fields.createMask),
        directoryMask: fields.directoryMask === null ? null : normalizeOctal(fields.directoryMask),
      },
      poolId,
      shadow,
      directory,
    };
  }

  /** Names are unique case-insensitively (Samba matches sections that way). */
  private async assertNameFree(m: EntityManager, name: string, self: string | null): Promise<void> {
    const other = await m.findOneBy(SmbShareEntity, { nameKey: shareNameKey(name), ...(self ? { id: Not(self) } : {}) });
    if (other) {
      throw new DomainError('CONFLICT', `An SMB share named "${other.name}" exists (share names are case-insensitive).`, [{ field: 'name', message: `clashes with the share "${other.name}"` }]);
    }
  }

  // ─── Changing ───────────────────────────────────────────────────────────────────────────────

  async create(body: SmbShareCreate, sent: ReadonlySet<string>, options: MutationOptions): Promise<SmbShareMutation> {
    const { body: filled, errors } = applySmbPreset(body, sent);
    const { preset: _preset, createDirectory, ...fields } = filled;
    const prepared = await this.prepare(fields, { createDirectory, changed: 'all' }, errors);
    throwIfInvalid(errors);
    const { share, apply } = await this.store([prepared], options, `SMB share ${fields.name} created`);
    this.audit.describe({ target: `smb-share:${share[0].name}`, after: share[0] });
    return { share: share[0], apply };
  }

  /** Stores new shares in one apply (create, import). Directories are made only on a real run. */
  async store(prepared: PreparedSmbShare[], options: MutationOptions, reason: string): Promise<{ share: SmbShare[]; apply: SmbShareMutation['apply'] }> {
    const created: Array<string | null> = [];
    try {
      const { result, value } = await this.engine.apply('smb', {
        dryRun: options.dryRun,
        actor: options.actor,
        reason,
        mutate: async (m) => {
          const rows: SmbShareEntity[] = [];
          for (const p of prepared) {
            await this.assertNameFree(m, p.fields.name, null);
            // A name twice in one batch (import) is caught here as well: rows are saved one by one.
            const now = new Date();
            const row = m.create(SmbShareEntity, { id: randomUUID(), ...toColumns(p.fields), poolId: p.poolId, shadow: p.shadow, createdAt: now, updatedAt: now });
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

  async update(id: string, body: SmbShareUpdate, options: MutationOptions): Promise<SmbShareMutation> {
    const row = await this.find(id);
    const before = (await this.toDtos([row]))[0];
    const { createDirectory, ...changes } = body;
    const changed = new Set(Object.keys(changes).filter((k) => (changes as Record<string, unknown>)[k] !== undefined));
    const current = fieldsOf(before);
    const merged: SmbShareFields = { ...current, ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) };
    const errors: FieldError[] = [];
    const pathChanged = changed.has('path') && changes.path !== row.path;
    const prepared = await this.prepare(merged, { createDirectory, changed, ...(pathChanged || createDirectory ? {} : { currentPath: { path: row.path, poolId: row.poolId } }) }, errors);
    throwIfInvalid(errors);
    let createdTop: string | null = null;
    try {
      const { result, value } = await this.engine.apply('smb', {
        dryRun: options.dryRun,
        actor: options.actor,
        reason: `SMB share ${prepared.fields.name} changed`,
        mutate: async (m) => {
          const fresh = await m.findOneBy(SmbShareEntity, { id });
          if (!fresh) throw DomainError.notFound('The SMB share');
          if (changed.has('name')) await this.assertNameFree(m, prepared.fields.name, id);
          Object.assign(fresh, toColumns(prepared.fields), { poolId: prepared.poolId, shadow: prepared.shadow, updatedAt: new Date() });
          await save(m, fresh);
          if (!options.dryRun && prepared.directory) createdTop = await this.checks.createDirectory(prepared.directory);
          return fresh;
        },
      });
      const share = (await this.toDtos([value]))[0];
      this.audit.describe({ target: `smb-share:${share.name}`, before, after: share });
      return { share, apply: result };
    } catch (err) {
      await this.checks.removeCreated(createdTop);
      throw err;
    }
  }

  async remove(id: string, options: MutationOptions): Promise<ShareDeletion> {
    const before = await this.get(id);
    const { result } = await this.engine.apply('smb', {
      dryRun: options.dryRun,
      actor: options.actor,
      reason: `SMB share ${before.name} deleted`,
      mutate: async (m) => {
        await m.delete(SmbShareEntity, { id });
      },
    });
    this.audit.describe({ target: `smb-share:${before.name}`, before });
    return { apply: result };
  }
}

async function save(m: EntityManager, row: SmbShareEntity): Promise<void> {
  try {
    await m.save(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw new DomainError('CONFLICT', `An SMB share named "${row.name}" exists (share names are case-insensitive).`, [{ field: 'name', message: 'is taken' }]);
    throw err;
  }
}

function toColumns(f: SmbShareFields): Partial<SmbShareEntity> {
  return {
    name: f.name,
    nameKey: shareNameKey(f.name),
    comment: f.comment,
    path: f.path,
    enabled: f.enabled,
    browseable: f.browseable,
    readOnly: f.readOnly,
    guestOk: f.guestOk,
    validUsers: f.validUsers,
    validGroups: f.validGroups,
    writeUsers: f.writeUsers,
    writeGroups: f.writeGroups,
    hostsAllow: f.hostsAllow,
    hostsDeny: f.hostsDeny,
    createMask: f.createMask,
    directoryMask: f.directoryMask,
    forceUser: f.forceUser,
    forceGroup: f.forceGroup,
    recycleBin: f.recycleBin,
    previousVersions: f.previousVersions,
    timeMachine: f.timeMachine,
    audit: f.audit,
  };
}

export function fieldsOf(s: SmbShare): SmbShareFields {
  const { id: _id, poolId: _p, poolName: _n, createdAt: _c, updatedAt: _u, ...fields } = s;
  return fields;
}

export function toDto(r: ListedShare, poolName: string): SmbShare {
  return {
    id: r.id,
    name: r.name,
    comment: r.comment,
    path: r.path,
    enabled: r.enabled,
    browseable: r.browseable,
    readOnly: r.readOnly,
    guestOk: r.guestOk,
    validUsers: r.validUsers,
    validGroups: r.validGroups,
    writeUsers: r.writeUsers,
    writeGroups: r.writeGroups,
    hostsAllow: r.hostsAllow,
    hostsDeny: r.hostsDeny,
    createMask: r.createMask,
    directoryMask: r.directoryMask,
    forceUser: r.forceUser,
    forceGroup: r.forceGroup,
    recycleBin: r.recycleBin,
    previousVersions: r.previousVersions,
    timeMachine: r.timeMachine,
    audit: r.audit,
    poolId: r.poolId,
    poolName,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
