import { Injectable } from '@nestjs/common';
import {
  FtpShareCreate,
  NfsShareCreate,
  shareNameKey,
  SmbShareCreate,
  type CreateDirectory,
  type FieldError,
  type ImportNote,
  type ShareImportReport,
  type ShareImportRequest,
} from '@moxnas/contracts';
import { DataSource } from 'typeorm';
import type { z } from 'zod';
import { DomainError } from '../../core/errors/domain-error';
import { fieldErrors } from '../../core/http/validation';
import { FtpShareEntity } from './entities/ftp-share.entity';
import { NfsShareEntity } from './entities/nfs-share.entity';
import { SmbShareEntity } from './entities/smb-share.entity';
import { FtpSharesService } from './ftp/ftp-shares.service';
import { proposeShares, type ShareImportInput } from './import/propose-shares';
import { NfsSharesService } from './nfs/nfs-shares.service';
import { OriginalConfigs } from './original-configs';
import { expandFtpShares, groupMembers } from './share-render';
import type { MutationOptions } from './share-support';
import { applySmbPreset } from './smb/smb-presets';
import { SmbSharesService } from './smb/smb-shares.service';

/** Directories made for imported shares that point at a missing path (createDirectories: true). */
const IMPORT_DIRECTORY: CreateDirectory = { owner: null, group: null, mode: '0775' };

type Proposal<S> = { share: S; source: string; errors: FieldError[]; notes: ImportNote[] };

/**
 * `POST /api/shares/import`: hand-made smb.conf / exports / vsftpd.conf → proposed shares
 * (proposeShares, a pure parser), each checked exactly as its create would be; without dryRun the
 * valid proposals are created in one apply per protocol.
 */
@Injectable()
export class SharesImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly originals: OriginalConfigs,
    private readonly smb: SmbSharesService,
    private readonly nfs: NfsSharesService,
    private readonly ftp: FtpSharesService,
  ) {}

  private async input(body: ShareImportRequest): Promise<ShareImportInput> {
    if (body.source === 'upload') return { smbConf: body.smbConf, exports: body.exports, vsftpdConf: body.vsftpdConf };
    const [smbConf, exports, vsftpdConf] = await Promise.all([this.originals.read('smbConf'), this.originals.read('exports'), this.originals.read('vsftpdConf')]);
    if (!smbConf && !exports && !vsftpdConf) {
      throw DomainError.validation([{ field: 'source', message: 'no smb.conf, exports or vsftpd.conf was found on this host; upload them instead' }]);
    }
    return { smbConf: smbConf?.text, exports: exports?.text, vsftpdConf: vsftpdConf?.text };
  }

  async import(body: ShareImportRequest, options: MutationOptions): Promise<ShareImportReport> {
    const proposals = proposeShares(await this.input(body));
    const directory = body.createDirectories ? { createDirectory: IMPORT_DIRECTORY } : {};
    const report: ShareImportReport = { dryRun: options.dryRun, smb: [], nfs: [], ftp: [], notes: proposals.notes, created: { smb: 0, nfs: 0, ftp: 0 }, apply: [] };

    // SMB
    const smbKeys = new Set((await this.dataSource.manager.find(SmbShareEntity, { select: { nameKey: true } })).map((r) => r.nameKey));
    const smbReady: Array<Awaited<ReturnType<SmbSharesService['prepare']>>> = [];
    for (const p of proposals.smb) {
      const share = { ...p.share, ...directory };
      const { proposal, parsed } = this.parse(SmbShareCreate, share, p);
      if (parsed) {
        const { body: filled, errors } = applySmbPreset(parsed, new Set(Object.keys(share)));
        const { preset: _preset, createDirectory, ...fields } = filled;
        const prepared = await this.smb.prepare(fields, { createDirectory, changed: 'all' }, errors);
        const key = shareNameKey(fields.name);
        if (smbKeys.has(key)) errors.push({ field: 'name', message: `an SMB share named ${fields.name} exists (names are case-insensitive)` });
        smbKeys.add(key);
        proposal.errors.push(...errors);
        if (!errors.length) smbReady.push(prepared);
      }
      report.smb.push(proposal as ShareImportReport['smb'][number]);
    }

    // NFS
    const nfsPaths = new Set((await this.dataSource.manager.find(NfsShareEntity, { select: { path: true } })).map((r) => r.path));
    const nfsReady: Array<Awaited<ReturnType<NfsSharesService['prepare']>>> = [];
    for (const p of proposals.nfs) {
      const share = { ...p.share, ...directory };
      const { proposal, parsed } = this.parse(NfsShareCreate, share, p);
      if (parsed) {
        const errors: FieldError[] = [];
        const { createDirectory, ...fields } = parsed;
        const prepared = await this.nfs.prepare(fields, { createDirectory }, errors);
        if (!errors.length && nfsPaths.has(prepared.fields.path)) errors.push({ field: 'path', message: `${prepared.fields.path} is already exported` });
        nfsPaths.add(prepared.fields.path);
        proposal.errors.push(...errors);
        if (!errors.length) nfsReady.push(prepared);
      }
      report.nfs.push(proposal as ShareImportReport['nfs'][number]);
    }

    // FTP: one share per login, counting the shares there are and those proposed before.
    const m = this.dataSource.manager;
    const owner = new Map<string, string>();
    for (const e of await expandFtpShares(m, await m.find(FtpShareEntity, { where: { enabled: true } }))) {
      for (const u of [...e.users, ...[...e.viaGroups.values()].flat()]) if (!owner.has(u)) owner.set(u, e.row.name);
    }
    let anonymousTaken = (await m.countBy(FtpShareEntity, { enabled: true, anonymous: true })) > 0;
    const ftpReady: Array<Awaited<ReturnType<FtpSharesService['prepare']>>> = [];
    for (const p of proposals.ftp) {
      // Anonymous access is the admin's call, made in this request, never the old file's.
      const share = { ...p.share, ...directory, ...(p.share.anonymous ? { confirmAnonymous: body.confirmAnonymous } : {}) };
      const { proposal, parsed } = this.parse(FtpShareCreate, share, p);
      if (parsed) {
        const errors: FieldError[] = [];
        const { createDirectory, confirmAnonymous: _c, ...fields } = parsed;
        const prepared = await this.ftp.prepare(fields, { createDirectory, changed: 'all' }, errors);
        if (fields.enabled) {
          const members = await groupMembers(m, fields.allowedGroups);
          const logins = [...fields.allowedUsers, ...fields.allowedGroups.flatMap((g) => members.get(g) ?? [])];
          fields.allowedUsers.forEach((u, i) => {
            if (owner.has(u)) errors.push({ field: `allowedUsers.${i}`, message: `${u} already has the FTP share "${owner.get(u)}"` });
          });
          fields.allowedGroups.forEach((g, i) => {
            const taken = (members.get(g) ?? []).filter((u) => owner.has(u));
            if (taken.length) errors.push({ field: `allowedGroups.${i}`, message: `members of ${g} already have an FTP share: ${taken.join(', ')}` });
          });
          if (fields.anonymous && anonymousTaken) errors.push({ field: 'anonymous', message: 'another FTP share already serves anonymous FTP' });
          if (!errors.length) {
            for (const u of logins) owner.set(u, fields.name);
            anonymousTaken ||= fields.anonymous;
          }
        }
        proposal.errors.push(...errors);
        if (!errors.length) ftpReady.push(prepared);
      }
      report.ftp.push(proposal as ShareImportReport['ftp'][number]);
    }

    // One apply per protocol, all or nothing each; on a dry run the diffs of each.
    const reason = 'shares imported';
    if (smbReady.length) {
      const { apply } = await this.smb.store(smbReady, options, reason);
      report.apply.push(apply);
      if (!options.dryRun) report.created.smb = smbReady.length;
    }
    if (nfsReady.length) {
      const { apply } = await this.nfs.store(nfsReady, options, reason);
      report.apply.push(apply);
      if (!options.dryRun) report.created.nfs = nfsReady.length;
    }
    if (ftpReady.length) {
      const { apply } = await this.ftp.store(ftpReady, options, reason);
      report.apply.push(apply);
      if (!options.dryRun) report.created.ftp = ftpReady.length;
    }
    return report;
  }

  /** A proposal checked against the create contract: its field errors, or the parsed body. */
  private parse<S extends z.ZodType>(schema: S, share: unknown, p: { source: string; notes: ImportNote[] }): { proposal: Proposal<unknown>; parsed: z.infer<S> | null } {
    const result = schema.safeParse(share);
    const proposal: Proposal<unknown> = { share: result.success ? result.data : share, source: p.source, errors: result.success ? [] : fieldErrors(result.error), notes: p.notes };
    return { proposal, parsed: result.success ? (result.data as z.infer<S>) : null };
  }
}
