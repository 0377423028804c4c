import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { FieldError, FtpShare, FtpShareCreate, FtpShareListQuery, FtpShareMutation, FtpShareUpdate } from '@moxnas/contracts';
import { ANONYMOUS_LOGINS } from '@moxnas/render';
import { Not, Repository, type EntityManager } from 'typeorm';
import { DomainError } from '../../../core/errors/domain-error';
import { ApplyEngine } from '../../services/apply/apply-engine';
import { PoolEntity } from '../../storage/entities/pool.entity';
import { AuditContext } from '../../users/audit/audit-context';
import { FtpShareEntity } from '../entities/ftp-share.entity';
import { ShareChecks } from '../share-checks.service';
import { pendingSkip, pickColumns, shareDto, ShareCrud, shareFields, type CurrentShare, type ListedShare, type PendingAccounts, type PreparedShare, type PrepareOptions, type ShareFields, type ShareProtocol } from '../share-crud';
import { expandFtpShares, groupMembers } from '../share-render';
import type { MutationOptions } from '../share-support';

export type FtpShareFields = ShareFields<FtpShare>;

/** The entity columns that are share fields under the same name, in the DTO's order. */
const FIELDS = ['name', 'path', 'enabled', 'allowedUsers', 'allowedGroups', 'writeEnable', 'anonymous', 'chroot'] as const satisfies ReadonlyArray<keyof FtpShareFields & keyof FtpShareEntity>;

const SORT_COLUMNS = { name: 'LOWER(s.name)', path: 's.path', createdAt: 's.created_at', updatedAt: 's.updated_at' } satisfies Record<FtpShareListQuery['sort'], string>;

export type PreparedFtpShare = PreparedShare<FtpShareFields>;

const PROTOCOL: ShareProtocol<FtpShareEntity, FtpShare, (typeof FIELDS)[number]> = { entity: FtpShareEntity, service: 'ftp', noun: 'FTP share', key: (s) => s.name, fields: FIELDS, sortColumns: SORT_COLUMNS, searchColumns: ['s.name', 's.path'], toDto };

@Injectable()
export class FtpSharesService extends ShareCrud<FtpShareEntity, FtpShare, PreparedFtpShare, (typeof FIELDS)[number]> {
  constructor(
    @InjectRepository(FtpShareEntity) shares: Repository<FtpShareEntity>,
    @InjectRepository(PoolEntity) pools: Repository<PoolEntity>,
    checks: ShareChecks,
    engine: ApplyEngine,
    audit: AuditContext,
  ) {
    super(PROTOCOL, shares, pools, checks, engine, audit);
  }

  /** confirmAnonymous is the request's consent (checked by the contract), not a share field. */
  async create(body: FtpShareCreate, options: MutationOptions): Promise<FtpShareMutation> {
    const { createDirectory, confirmAnonymous: _confirm, ...fields } = body;
    return this.createShare(fields, createDirectory, [], options);
  }

  /** A create body checked like create does, without storing it (bulk provisioning); errors are collected. */
  prepareNew(body: FtpShareCreate, pending: PendingAccounts, errors: FieldError[]): Promise<PreparedFtpShare> {
    const { createDirectory, confirmAnonymous: _confirm, ...fields } = body;
    return this.prepare(fields, { createDirectory, changed: 'all', pending }, errors);
  }

  override async update(id: string, body: FtpShareUpdate, options: MutationOptions): Promise<FtpShareMutation> {
    const { confirmAnonymous: _confirm, ...changes } = body;
    return super.update(id, changes, options);
  }

  /** Besides the path and the directory: the accounts, of which the anonymous logins are none. */
  async prepare(fields: FtpShareFields, options: PrepareOptions, errors: FieldError[]): Promise<PreparedFtpShare> {
    const touched = this.touches(options);
    const location = await this.locate(fields.path, options, errors);
    const reserved = new Set<string>(ANONYMOUS_LOGINS);
    fields.allowedUsers.forEach((u, i) => {
      if (reserved.has(u)) errors.push({ field: `allowedUsers.${i}`, message: `${u} is the anonymous FTP login; use the share's anonymous option instead` });
    });
    await this.checks.checkAccounts(
      [
        { field: 'allowedUsers', kind: 'user' as const, names: fields.allowedUsers, skip: reserved },
        { field: 'allowedGroups', kind: 'group' as const, names: fields.allowedGroups },
      ]
        .filter((f) => touched(f.field))
        .map((f) => ({ ...f, skip: pendingSkip(f, options) })),
      errors,
    );
    const directory = await this.planDirectory(location, options, errors);
    return { fields: { ...fields, path: location.path }, poolId: location.poolId, directory };
  }

  protected toColumns(p: PreparedFtpShare): Partial<FtpShareEntity> {
    return { ...pickColumns(p.fields, FIELDS), poolId: p.poolId };
  }

  /**
   * vsftpd gives a login one root directory, so a user (named or through a group) may have one
   * enabled FTP share; there is one anonymous root. Checked in the transaction, against the others.
   */
  protected async assertFree(m: EntityManager, p: PreparedFtpShare, current: CurrentShare<FtpShareEntity> | null): Promise<void> {
    const fields = p.fields;
    if (!fields.enabled) return;
    const others = await m.find(FtpShareEntity, { where: { enabled: true, ...(current ? { id: Not(current.row.id) } : {}) }, order: { createdAt: 'ASC' } });
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
}

export const fieldsOf: (s: FtpShare) => FtpShareFields = shareFields;

export function toDto(r: ListedShare<FtpShareEntity, (typeof FIELDS)[number]>, poolName: string): FtpShare {
  return shareDto(r, FIELDS, poolName);
}
