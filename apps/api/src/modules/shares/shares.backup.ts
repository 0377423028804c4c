import { Injectable, OnModuleInit } from '@nestjs/common';
import { FtpShare, NfsShare, RelativePath, shareNameKey, SmbSectionName, SmbShare, type ConfigChange, type FieldError, MAX_SHARES_PER_PROTOCOL } from '@moxnas/contracts';
import { isWithin } from '@moxnas/host';
import { SmbPreviousVersionsState } from '@moxnas/render';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { DomainError } from '../../core/errors/domain-error';
import { ApplyEngine } from '../services/apply/apply-engine';
import { PoolEntity } from '../storage/entities/pool.entity';
import { ConfigBackupRegistry } from '../system/config-backup/config-backup.registry';
import { FtpShareEntity } from './entities/ftp-share.entity';
import { NfsShareEntity } from './entities/nfs-share.entity';
import { SmbShareEntity } from './entities/smb-share.entity';
import { fieldsOf as ftpFields, toDto as ftpDto } from './ftp/ftp-shares.service';
import { fieldsOf as nfsFields, toDto as nfsDto } from './nfs/nfs-shares.service';
import { fieldsOf as smbFields, toDto as smbDto } from './smb/smb-shares.service';
import { planById } from '../system/config-backup/config-diff';

const meta = { poolId: true, poolName: true, createdAt: true, updatedAt: true } as const;
const Shadow = SmbPreviousVersionsState.omit({ sort: true, mountpoint: true }).extend({ mountpoint: z.string().startsWith('/'), datasetId: z.string().uuid() });
/**
 * A recycle bin as exported: files written before `perUser` existed lack it and read like the
 * migration that added it (a one-folder repository per user, a nested one shared).
 */
const StoredRecycleBin = z
  .object({ repository: RelativePath, perUser: z.boolean().optional(), keepTree: z.boolean(), versions: z.boolean() })
  .transform((b) => ({ ...b, perUser: b.perUser ?? !b.repository.includes('/') }));
// Names as stored: shares made before the stricter name rules must import again.
const SmbRecord = SmbShare.omit(meta).extend({ name: SmbSectionName, recycleBin: StoredRecycleBin.nullable(), shadow: Shadow.nullable() });
const NfsRecord = NfsShare.omit(meta);
const FtpRecord = FtpShare.omit(meta);

const Section = z
  .object({ smb: z.array(SmbRecord).max(MAX_SHARES_PER_PROTOCOL), nfs: z.array(NfsRecord).max(MAX_SHARES_PER_PROTOCOL), ftp: z.array(FtpRecord).max(MAX_SHARES_PER_PROTOCOL) })
  .superRefine((s, ctx) => {
    const names = new Map<string, number>();
    s.smb.forEach((share, i) => {
      const key = shareNameKey(share.name);
      if (names.has(key)) ctx.addIssue({ code: 'custom', path: ['smb', i, 'name'], message: `the SMB share name "${share.name}" is used twice` });
      names.set(key, i);
    });
    const paths = new Set<string>();
    s.nfs.forEach((share, i) => {
      if (paths.has(share.path)) ctx.addIssue({ code: 'custom', path: ['nfs', i, 'path'], message: `${share.path} is exported twice` });
      paths.add(share.path);
    });
  });
type Section = z.infer<typeof Section>;

type Kind = 'smb' | 'nfs' | 'ftp';
const KIND_LABEL: Record<Kind, string> = { smb: 'SMB share', nfs: 'NFS export', ftp: 'FTP share' };

/**
 * The `shares` section of the configuration export: every SMB, NFS and FTP share with its options
 * (and the resolved previous-versions options). Imported after users and storage, so the accounts
 * and pools it names are in place; a share whose path lies in no pool refuses the import.
 */
@Injectable()
export class SharesBackupSection implements OnModuleInit {
  private touched = false;

  constructor(
    private readonly registry: ConfigBackupRegistry,
    private readonly engine: ApplyEngine,
  ) {}

  onModuleInit(): void {
    this.registry.contribute<Section>({
      name: 'shares',
      version: 1,
      order: 400,
      schema: Section,
      export: (m) => this.export(m),
      plan: (m, incoming) => this.plan(m, incoming),
      import: (m, incoming) => this.replace(m, incoming),
      afterImport: () => this.afterImport(),
    });
  }

  private async export(m: EntityManager): Promise<Section> {
    return {
      smb: (await m.find(SmbShareEntity, { order: { nameKey: 'ASC' } })).map((r) => ({ ...smbFields(smbDto(r, '')), id: r.id, shadow: r.shadow as z.infer<typeof Shadow> | null })),
      nfs: (await m.find(NfsShareEntity, { order: { path: 'ASC' } })).map((r) => ({ ...nfsFields(nfsDto(r, '')), id: r.id })),
      ftp: (await m.find(FtpShareEntity, { order: { name: 'ASC' } })).map((r) => ({ ...ftpFields(ftpDto(r, '')), id: r.id })),
    };
  }

  private async plan(m: EntityManager, incoming: Section): Promise<ConfigChange[]> {
    const current = await this.export(m);
    const label = (s: { path: string; name?: string }) => s.name ?? s.path;
    return (['smb', 'nfs', 'ftp'] as const).flatMap((kind) => planById<{ id: string; path: string; name?: string }>(KIND_LABEL[kind], current[kind], incoming[kind], label));
  }

  private async replace(m: EntityManager, incoming: Section): Promise<void> {
    const pools = await m.find(PoolEntity);
    const errors: FieldError[] = [];
    const poolOf = (kind: Kind, i: number, p: string): string => {
      const pool = pools.filter((x) => isWithin(p, x.path)).sort((a, b) => b.path.length - a.path.length)[0];
      if (!pool) errors.push({ field: `shares.${kind}.${i}.path`, message: `${p} is not inside a registered pool` });
      return pool?.id ?? '';
    };
    const smb = incoming.smb.map((s, i) => ({ s, poolId: poolOf('smb', i, s.path) }));
    const nfs = incoming.nfs.map((s, i) => ({ s, poolId: poolOf('nfs', i, s.path) }));
    const ftp = incoming.ftp.map((s, i) => ({ s, poolId: poolOf('ftp', i, s.path) }));
    if (errors.length) throw DomainError.validation(errors, 'Some shares lie outside every pool of the imported configuration.');

    const now = new Date();
    // Creation times survive a round trip; everything else is replaced. Rows go first, because
    // unique names and paths may move between ids.
    const createdAt = new Map<string, Date>();
    for (const entity of [SmbShareEntity, NfsShareEntity, FtpShareEntity]) {
      for (const r of await m.find(entity, { select: { id: true, createdAt: true } })) createdAt.set(r.id, r.createdAt);
      await m.createQueryBuilder().delete().from(entity).execute();
    }
    for (const { s, poolId } of smb) {
      const { id, shadow, ...fields } = s;
      await m.save(m.create(SmbShareEntity, { ...fields, id, nameKey: shareNameKey(s.name), poolId, shadow, createdAt: createdAt.get(id) ?? now, updatedAt: now }));
    }
    for (const { s, poolId } of nfs) await m.save(m.create(NfsShareEntity, { ...s, poolId, createdAt: createdAt.get(s.id) ?? now, updatedAt: now }));
    for (const { s, poolId } of ftp) await m.save(m.create(FtpShareEntity, { ...s, poolId, createdAt: createdAt.get(s.id) ?? now, updatedAt: now }));
    this.touched = true;
  }

  /** Renders, checks and applies each protocol's files from the imported shares. */
  private async afterImport(): Promise<void> {
    if (!this.touched) return;
    this.touched = false;
    const failures: string[] = [];
    for (const service of ['smb', 'nfs', 'ftp'] as const) {
      try {
        await this.engine.apply(service, { reason: 'configuration import (shares)' });
      } catch (err) {
        const fields = (err as { fieldErrors?: FieldError[] }).fieldErrors ?? [];
        failures.push(`${service}: ${[(err as Error).message, ...fields.map((f) => `${f.field} ${f.message}`)].join(' ')}`);
      }
    }
    if (failures.length) throw new Error(failures.join('; '));
  }
}
