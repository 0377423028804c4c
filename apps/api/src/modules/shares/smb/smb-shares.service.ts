import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { shareNameKey, type FieldError, type SmbShare, type SmbShareCreate, type SmbShareListQuery, type SmbShareMutation } from '@moxnas/contracts';
import { Not, Repository, type EntityManager } from 'typeorm';
import { DomainError } from '../../../core/errors/domain-error';
import { ApplyEngine } from '../../services/apply/apply-engine';
import { PoolEntity } from '../../storage/entities/pool.entity';
import { SnapshotsService } from '../../storage/snapshots/snapshots.service';
import { AuditContext } from '../../users/audit/audit-context';
import { SmbShareEntity, type StoredShadowOptions } from '../entities/smb-share.entity';
import { ShareChecks } from '../share-checks.service';
import { pendingSkip, pickColumns, shareDto, ShareCrud, shareFields, type CurrentShare, type ListedShare, type PendingAccounts, type PreparedShare, type PrepareOptions, type ShareFields, type ShareProtocol } from '../share-crud';
import { normalizeOctal, type MutationOptions } from '../share-support';
import { applySmbPreset, SMB_PRESETS } from './smb-presets';

export type SmbShareFields = ShareFields<SmbShare>;

/** The entity columns that are share fields under the same name, in the DTO's order. */
const FIELDS = [
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
] as const satisfies ReadonlyArray<keyof SmbShareFields & keyof SmbShareEntity>;

const SORT_COLUMNS = { name: 's.name_key', path: 's.path', createdAt: 's.created_at', updatedAt: 's.updated_at' } satisfies Record<SmbShareListQuery['sort'], string>;

export interface PreparedSmbShare extends PreparedShare<SmbShareFields> {
  shadow: StoredShadowOptions | null;
}

const PROTOCOL: ShareProtocol<SmbShareEntity, SmbShare, (typeof FIELDS)[number]> = {
    entity: SmbShareEntity,
    service: 'smb',
    noun: 'SMB share',
    key: (s) => s.name,
    fields: FIELDS,
    sortColumns: SORT_COLUMNS,
    searchColumns: ['s.name', 's.path', 's.comment'],
    toDto,
    taken: (row) => new DomainError('CONFLICT', `An SMB share named "${row.name}" exists (share names are case-insensitive).`, [{ field: 'name', message: 'is taken' }]),
  };

@Injectable()
export class SmbSharesService extends ShareCrud<SmbShareEntity, SmbShare, PreparedSmbShare, (typeof FIELDS)[number]> {
  constructor(
    @InjectRepository(SmbShareEntity) shares: Repository<SmbShareEntity>,
    @InjectRepository(PoolEntity) pools: Repository<PoolEntity>,
    checks: ShareChecks,
    private readonly snapshots: SnapshotsService,
    engine: ApplyEngine,
    audit: AuditContext,
  ) {
    super(PROTOCOL, shares, pools, checks, engine, audit);
  }

  presets() {
    return SMB_PRESETS;
  }

  async create(body: SmbShareCreate, sent: ReadonlySet<string>, options: MutationOptions): Promise<SmbShareMutation> {
    const { body: filled, errors } = applySmbPreset(body, sent);
    const { preset: _preset, createDirectory, ...fields } = filled;
    return this.createShare(fields, createDirectory, errors, options);
  }

  /** A create body checked like create does, without storing it (bulk provisioning); errors are collected. */
  async prepareNew(body: SmbShareCreate, sent: ReadonlySet<string>, pending: PendingAccounts, errors: FieldError[]): Promise<PreparedSmbShare> {
    const { body: filled, errors: presetErrors } = applySmbPreset(body, sent);
    errors.push(...presetErrors);
    const { preset: _preset, createDirectory, ...fields } = filled;
    return this.prepare(fields, { createDirectory, changed: 'all', pending }, errors);
  }

  /**
   * Besides the path and the directory: the accounts and the snapshots behind previous versions.
   * An update that sends its path, even unchanged, has it resolved again.
   */
  async prepare(fields: SmbShareFields, options: PrepareOptions, errors: FieldError[]): Promise<PreparedSmbShare> {
    const touched = this.touches(options);
    const location = await this.locate(fields.path, touched('path') ? { ...options, currentPath: undefined } : options, errors);
    await this.checks.checkAccounts(
      [
        { field: 'validUsers', kind: 'user' as const, names: fields.validUsers },
        { field: 'validGroups', kind: 'group' as const, names: fields.validGroups },
        { field: 'writeUsers', kind: 'user' as const, names: fields.writeUsers },
        { field: 'writeGroups', kind: 'group' as const, names: fields.writeGroups },
        { field: 'forceUser', kind: 'user' as const, names: fields.forceUser },
        { field: 'forceGroup', kind: 'group' as const, names: fields.forceGroup },
      ]
        .filter((f) => touched(f.field))
        .map((f) => ({ ...f, skip: pendingSkip(f, options) })),
      errors,
    );
    let shadow: StoredShadowOptions | null = null;
    if (fields.previousVersions && !errors.some((e) => e.field === 'path')) {
      const found = await this.snapshots.previousVersionsFor(location.path);
      if (!found) {
        errors.push({ field: 'previousVersions', message: `${location.path} is in no dataset, so it has no snapshots to show; create a dataset for it (Storage → Datasets) first` });
      } else {
        shadow = { mountpoint: found.mountpoint, snapdir: found.snapdir, format: found.format, datasetId: found.datasetId };
      }
    }
    const directory = await this.planDirectory(location, options, errors);
    return {
      fields: {
        ...fields,
        path: location.path,
        createMask: fields.createMask === null ? null : normalizeOctal(fields.createMask),
        directoryMask: fields.directoryMask === null ? null : normalizeOctal(fields.directoryMask),
      },
      poolId: location.poolId,
      shadow,
      directory,
    };
  }

  protected toColumns(p: PreparedSmbShare): Partial<SmbShareEntity> {
    return { ...pickColumns(p.fields, FIELDS), nameKey: shareNameKey(p.fields.name), poolId: p.poolId, shadow: p.shadow };
  }

  /** Names are unique case-insensitively (Samba matches sections that way). */
  protected async assertFree(m: EntityManager, p: PreparedSmbShare, current: CurrentShare<SmbShareEntity> | null): Promise<void> {
    if (current && !current.changed.has('name')) return;
    const other = await m.findOneBy(SmbShareEntity, { nameKey: shareNameKey(p.fields.name), ...(current ? { id: Not(current.row.id) } : {}) });
    if (other) {
      throw new DomainError('CONFLICT', `An SMB share named "${other.name}" exists (share names are case-insensitive).`, [{ field: 'name', message: `clashes with the share "${other.name}"` }]);
    }
  }
}

export const fieldsOf: (s: SmbShare) => SmbShareFields = shareFields;

export function toDto(r: ListedShare<SmbShareEntity, (typeof FIELDS)[number]>, poolName: string): SmbShare {
  return shareDto(r, FIELDS, poolName);
}
