import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { SharesSummary } from '@moxnas/contracts';
import { isWithin } from '@moxnas/host';
import { Repository, type EntityManager } from 'typeorm';
import { ConfigContributions } from '../services/configs/config-contributions';
import { PoolDependents, type DependantTarget, type StorageDependant } from '../storage/pools/pool-dependents';
import { SystemRegistry } from '../system/metrics/system-registry';
import { AccountDependents, type AccountDependant } from '../users/accounts/account-dependents';
import { FtpShareEntity } from './entities/ftp-share.entity';
import { NfsShareEntity } from './entities/nfs-share.entity';
import { SmbShareEntity } from './entities/smb-share.entity';
import { ftpShareStates, nfsExportStates, smbShareStates } from './share-render';

/**
 * Where the shares module plugs into the others: the share sections of smb.conf, /etc/exports and
 * the vsftpd files (ConfigContributions), "this pool is in use" (PoolDependents), and the share
 * counts of the metrics and dashboard (SystemRegistry).
 */
@Injectable()
export class SharesIntegration implements OnModuleInit {
  constructor(
    @InjectRepository(SmbShareEntity) private readonly smb: Repository<SmbShareEntity>,
    @InjectRepository(NfsShareEntity) private readonly nfs: Repository<NfsShareEntity>,
    @InjectRepository(FtpShareEntity) private readonly ftp: Repository<FtpShareEntity>,
    private readonly contributions: ConfigContributions,
    private readonly dependents: PoolDependents,
    private readonly registry: SystemRegistry,
    private readonly accounts: AccountDependents,
  ) {}

  onModuleInit(): void {
    this.contributions.provide('smbShares', smbShareStates);
    this.contributions.provide('nfsExports', nfsExportStates);
    this.contributions.provide('ftpShares', ftpShareStates);
    this.dependents.register('shares', (target) => this.sharesUnder(target));
    this.accounts.register('shares', (kind, name) => this.sharesNaming(kind, name));
    this.accounts.registerRenamer('shares', ['shares.smb', 'shares.ftp'], (m, kind, from, to) => this.renameIn(m, kind, from, to));
    this.registry.contributeShares({
      counts: async () => ({ smb: await this.smb.count(), nfs: await this.nfs.count(), ftp: await this.ftp.count() }),
    });
  }

  /** Every share (enabled or not) whose path is the target's path or inside it. */
  async sharesUnder(target: DependantTarget): Promise<StorageDependant[]> {
    const inside = <T extends { path: string }>(rows: T[]) => rows.filter((r) => isWithin(r.path, target.path));
    const [smb, nfs, ftp] = await Promise.all([this.smb.find({ order: { nameKey: 'ASC' } }), this.nfs.find({ order: { path: 'ASC' } }), this.ftp.find({ order: { name: 'ASC' } })]);
    return [
      ...inside(smb).map((s) => ({ kind: 'smb-share', id: s.id, name: s.name, path: s.path })),
      ...inside(nfs).map((s) => ({ kind: 'nfs-share', id: s.id, name: s.path, path: s.path })),
      ...inside(ftp).map((s) => ({ kind: 'ftp-share', id: s.id, name: s.name, path: s.path })),
    ];
  }

  /** Every share (enabled or not) whose access settings name the user or group. */
  async sharesNaming(kind: 'user' | 'group', name: string): Promise<AccountDependant[]> {
    const [smb, ftp] = await Promise.all([this.smb.find({ order: { nameKey: 'ASC' } }), this.ftp.find({ order: { name: 'ASC' } })]);
    const out: AccountDependant[] = [];
    for (const s of smb) {
      const fields =
        kind === 'user'
          ? [s.validUsers.includes(name) && 'validUsers', s.writeUsers.includes(name) && 'writeUsers', s.forceUser === name && 'forceUser']
          : [s.validGroups.includes(name) && 'validGroups', s.writeGroups.includes(name) && 'writeGroups', s.forceGroup === name && 'forceGroup'];
      const named = fields.filter((f): f is string => typeof f === 'string');
      if (named.length) out.push({ kind: 'smb-share', id: s.id, name: s.name, fields: named });
    }
    for (const s of ftp) {
      if ((kind === 'user' ? s.allowedUsers : s.allowedGroups).includes(name)) {
        out.push({ kind: 'ftp-share', id: s.id, name: s.name, fields: [kind === 'user' ? 'allowedUsers' : 'allowedGroups'] });
      }
    }
    return out;
  }

  /** Carries a renamed account into every share that names it (the same fields sharesNaming reports). */
  async renameIn(m: EntityManager, kind: 'user' | 'group', from: string, to: string): Promise<void> {
    const swap = (list: string[]) => list.map((n) => (n === from ? to : n));
    const one = (n: string | null) => (n === from ? to : n);
    for (const s of await m.find(SmbShareEntity)) {
      const named = kind === 'user' ? [...s.validUsers, ...s.writeUsers, s.forceUser] : [...s.validGroups, ...s.writeGroups, s.forceGroup];
      if (!named.includes(from)) continue;
      await m.update(
        SmbShareEntity,
        { id: s.id },
        kind === 'user'
          ? { validUsers: swap(s.validUsers), writeUsers: swap(s.writeUsers), forceUser: one(s.forceUser) }
          : { validGroups: swap(s.validGroups), writeGroups: swap(s.writeGroups), forceGroup: one(s.forceGroup) },
      );
    }
    for (const s of await m.find(FtpShareEntity)) {
      const field = kind === 'user' ? 'allowedUsers' : 'allowedGroups';
      if (s[field].includes(from)) await m.update(FtpShareEntity, { id: s.id }, { [field]: swap(s[field]) });
    }
  }

  async summary(): Promise<SharesSummary> {
    const count = async (repo: Repository<SmbShareEntity> | Repository<NfsShareEntity> | Repository<FtpShareEntity>) => ({
      total: await repo.count(),
      enabled: await repo.countBy({ enabled: true }),
    });
    return { smb: await count(this.smb), nfs: await count(this.nfs), ftp: await count(this.ftp) };
  }
}
