import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { FieldError, FtpShare, FtpShareCreate, FtpShareListQuery, FtpShareMutation, FtpShareUpdate, ShareDeletion } from '@moxnas/contracts';
import { ANONYMOUS_LOGINS } from '@moxnas/render';
import { Brackets, In, Not, Repository, type EntityManager } from 'typeorm';
import { DomainError } from '../../../core/errors/domain-error';
import { ApplyEngine } from '../../services/apply/apply-engine';
import { PoolEntity } from '../../storage/entities/pool.entity';
import { AuditContext } from '../../users/audit/audit-context';
import { FtpShareEntity } from '../entities/ftp-share.entity';
import { ShareChecks, type DirectoryPlan } from '../share-checks.service';
import { expandFtpShares, groupMembers } from '../share-render';
import { likeTerm, pageOf, throwIfInvalid, type MutationOptions, type Page } from '../share-support';

export type FtpShareFields = Omit<FtpShare, 'id' | 'poolId' | 'poolName' | 'createdAt' | 'updatedAt'>;

const SORT_COLUMNS: Record<FtpShareListQuery['sort'], string> = { name: 'LOWER(s.name)', path: 's.path', createdAt: 's.created_at', updatedAt: 's.updated_at' };

interface PreparedFtpShare {
  fields: FtpShareFields;
  poolId: string;
  directory: DirectoryPlan | null;
}

@Injectable()
export class FtpSharesService {
  constructor(
    @InjectRepository(FtpShareEntity) private readonly shares: Repository<FtpShareEntity>,
    @InjectRepository(PoolEntity) private readonly pools: Repository<PoolEntity>,
    private readonly checks: ShareChecks,
    private readonly engine: ApplyEngine,
    private readonly audit: AuditContext,
  ) {}

  async list(query: FtpShareListQuery): Promise<Page<FtpShare>> {
    const qb = this.shares.createQueryBuilder('s');
    if (query.search) {
      const term = likeTerm(query.search);
      qb.andWhere(new Brackets((w) => w.where('s.name ILIKE :term', { term }).orWhere('s.path ILIKE :term', { term })));
    }
    if (query.enabled !== undefined) qb.andWhere('s.enabled = :enabled', { enabled: query.enabled });
    if (query.poolId) qb.andWhere('s.pool_id = :poolId', { poolId: query.poolId });
    const order = query.order === 'desc' ? 'DESC' : 'ASC';
    qb.orderBy(SORT_COLUMNS[query.sort], order).addOrderBy('s.id', order);
    return pageOf(qb, query, (rows) => this.toDtos(rows));
  }

  async get(id: string): Promise<FtpShare> {
    return (await this.toDtos([await this.find(id)]))[0];
  }

  private async find(id: string): Promise<FtpShareEntity> {
    const row = await this.shares.findOneBy({ id });
    if (!row) throw DomainError.notFound('The FTP share');
    return row;
  }

  async toDtos(rows: FtpShareEntity[]): Promise<FtpShare[]> {
    const poolIds = [...new Set(rows.map((r) => r.poolId))];
    const pools = new Map((poolIds.length ? await this.pools.findBy({ id: In(poolIds) }) : []).map((p) => [p.id, p.name]));
    return rows.map((r) => toDto(r, pools.get(r.poolId) ?? ''));
  }

  async prepare(
    fields: FtpShareFields,
    options: { createDirectory: FtpShareCreate['createDirectory']; changed: ReadonlySet<string> | 'all'; currentPath?: { path: string; poolId: string } },
    errors: FieldError[],
  ): Promise<PreparedFtpShare> {
    const touched = (k: string) => options.changed === 'all' || options.changed.has(k);
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
    const reserved = new Set<string>(ANONYMOUS_LOGINS);
    fields.allowedUsers.forEach((u, i) => {
      if (reserved.has(u)) errors.push({ field: `allowedUsers.${i}`, message: `${u} is the anonymous FTP login; use the share's anonymous option instead` });
    });
    await this.checks.checkAccounts(
      [
        { field: 'allowedUsers', kind: 'user' as const, names: fields.allowedUsers, skip: reserved },
        { field: 'allowedGroups', kind: 'group' as const, names: fields.allowedGroups },
      ].filter((f) => touched(f.field)),
      errors,
    );
    const directory = options.createDirectory && !exists ? await this.checks.planDirectory(realPath, options.createDirectory, errors) : null;
    return { fields: { ...fields, path: realPath }, poolId, directory };
  }

  /**
   * vsftpd gives a login one root directory, so a user (named or through a group) may have one
   * enabled FTP share; there is one anonymous root. Checked in the transaction, against the others.
   */
  private async assertNoConflicts(m: EntityManager, fields: FtpShareFields, self: string | null): Promise<void> {
    if (!fields.enabled) return;
    const others = await m.find(FtpShareEntity, { where: { enabled: true, ...(self ? { id: Not(self) } : {}) }, order: { createdAt: 'ASC' } });
    const owner = new Map<string, string>();
    for (const e of await expandFtpShares(m, others)) {
      for (const u of [...e.users, ...[...e.viaGroups.values()].flat()]) if (!owner.has(u)) owner.set(u, e.row.name);
    }
    const errors: FieldError[] = [];
    fields.allowedUsers.forEach((u, i) => {
      const share = owner.get(u);
      if (share !== undefined) errors.push({ field: `allowedUsers.${i}`, message: `${u} already has the FTP share "${share}"; an FTP login has exactly one root directory` });
    });
    const members = await groupMembers(m, fields.allowedGroups);
    fields.allowedGroups.forEach((g, i) => {
      const taken = (members.get(g) ?? []).filter((u) => owner.has(u));
      if (taken.length) {
        errors.push({
          field: `allowedGroups.${i}`,
          message: `members of ${g} already have an FTP share (${taken.map((u) => `${u}: "${owner.get(u)}"`).join(', ')}); an FTP login has exactly one root directory`,
        });
      }
    });
    const anonymous = fields.anonymous ? others.find((o) => o.anonymous) : undefined;
    if (anonymous) errors.push({ field: 'anonymous', message: `the FTP share "${anonymous.name}" already serves anonymous FTP; there is one anonymous root` });
    if (errors.length) throw new DomainError('CONFLICT', 'The share clashes with another FTP share.', errors);
  }

  async create(body: FtpShareCreate, options: MutationOptions): Promise<FtpShareMutation> {
    const { createDirectory, confirmAnonymous: _confirm, ...fields } = body;
    const errors: FieldError[] = [];
    const prepared = await this.prepare(fields, { createDirectory, changed: 'all' }, errors);
    throwIfInvalid(errors);
    const { share, apply } = await this.store([prepared], options, `FTP share ${fields.name} created`);
    this.audit.describe({ target: `ftp-share:${share[0].name}`, after: share[0] });
    return { share: share[0], apply };
  }

  async store(prepared: PreparedFtpShare[], options: MutationOptions, reason: string): Promise<{ share: FtpShare[]; apply: FtpShareMutation['apply'] }> {
    const created: Array<string | null> = [];
    try {
      const { result, value } = await this.engine.apply('ftp', {
        dryRun: options.dryRun,
        actor: options.actor,
        reason,
        mutate: async (m) => {
          const rows: FtpShareEntity[] = [];
          for (const p of prepared) {
            await this.assertNoConflicts(m, p.fields, null);
            const now = new Date();
            const row = m.create(FtpShareEntity, { id: randomUUID(), ...toColumns(p.fields), poolId: p.poolId, createdAt: now, updatedAt: now });
            await m.save(row);
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

  async update(id: string, body: FtpShareUpdate, options: MutationOptions): Promise<FtpShareMutation> {
    const row = await this.find(id);
    const before = (await this.toDtos([row]))[0];
    const { createDirectory, confirmAnonymous: _confirm, ...changes } = body;
    const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as Partial<FtpShareFields>;
    const changed = new Set(Object.keys(defined));
    const merged: FtpShareFields = { ...fieldsOf(before), ...defined };
    const errors: FieldError[] = [];
    const pathChanged = defined.path !== undefined && defined.path !== row.path;
    const prepared = await this.prepare(merged, { createDirectory, changed, ...(pathChanged || createDirectory ? {} : { currentPath: { path: row.path, poolId: row.poolId } }) }, errors);
    throwIfInvalid(errors);
    let createdTop: string | null = null;
    try {
      const { result, value } = await this.engine.apply('ftp', {
        dryRun: options.dryRun,
        actor: options.actor,
        reason: `FTP share ${prepared.fields.name} changed`,
        mutate: async (m) => {
          const fresh = await m.findOneBy(FtpShareEntity, { id });
          if (!fresh) throw DomainError.notFound('The FTP share');
          await this.assertNoConflicts(m, prepared.fields, id);
          Object.assign(fresh, toColumns(prepared.fields), { poolId: prepared.poolId, updatedAt: new Date() });
          await m.save(fresh);
          if (!options.dryRun && prepared.directory) createdTop = await this.checks.createDirectory(prepared.directory);
          return fresh;
        },
      });
      const share = (await this.toDtos([value]))[0];
      this.audit.describe({ target: `ftp-share:${share.name}`, before, after: share });
      return { share, apply: result };
    } catch (err) {
      await this.checks.removeCreated(createdTop);
      throw err;
    }
  }

  async remove(id: string, options: MutationOptions): Promise<ShareDeletion> {
    const before = await this.get(id);
    const { result } = await this.engine.apply('ftp', {
      dryRun: options.dryRun,
      actor: options.actor,
      reason: `FTP share ${before.name} deleted`,
      mutate: async (m) => {
        await m.delete(FtpShareEntity, { id });
      },
    });
    this.audit.describe({ target: `ftp-share:${before.name}`, before });
    return { apply: result };
  }
}

function toColumns(f: FtpShareFields): Partial<FtpShareEntity> {
  return {
    name: f.name,
    path: f.path,
    enabled: f.enabled,
    allowedUsers: f.allowedUsers,
    allowedGroups: f.allowedGroups,
    writeEnable: f.writeEnable,
    anonymous: f.anonymous,
    chroot: f.chroot,
  };
}

export function fieldsOf(s: FtpShare): FtpShareFields {
  const { id: _id, poolId: _p, poolName: _n, createdAt: _c, updatedAt: _u, ...fields } = s;
  return fields;
}

export function toDto(r: FtpShareEntity, poolName: string): FtpShare {
  return {
    id: r.id,
    name: r.name,
    path: r.path,
    enabled: r.enabled,
    allowedUsers: r.allowedUsers,
    allowedGroups: r.allowedGroups,
    writeEnable: r.writeEnable,
    anonymous: r.anonymous,
    chroot: r.chroot,
    poolId: r.poolId,
    poolName,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
