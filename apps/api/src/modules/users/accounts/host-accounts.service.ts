import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Provisioning } from '@moxnas/contracts';
import { DEFAULT_PRIMARY_GROUP, type AccountManager, type HostCredentials, type HostUserSpec } from '@moxnas/host';
import { Repository } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../../core/config/config';
import { DomainError } from '../../../core/errors/domain-error';
import { GroupEntity, UserGroupEntity } from '../entities/group.entity';
import { UserEntity } from '../entities/user.entity';
import { ACCOUNT_MANAGER } from '../users.tokens';
import { AccountsLock } from './accounts-lock';

export interface HostAvailability {
  available: boolean;
  reason: string;
  sambaNote: string | null;
}

export interface ReconcileReport {
  skipped: string | null;
  users: number;
  groups: number;
  failures: Array<{ target: string; message: string }>;
}

/** What a dry run reports for the host: nothing was run there (the diffs say what the daemons' files would become). */
export const DRY_RUN_PROVISIONING: Provisioning = { status: 'not-needed', message: 'Dry run: no host account was created, changed or removed.' };

const NOT_NEEDED: Provisioning = { status: 'not-needed', message: 'The built-in admin is a dashboard-only account; nothing to do on the host.' };

function unavailable(reason: string): Provisioning {
  return {
    status: 'unavailable',
    message: `Saved, but NOT applied to the host: ${reason} The Linux/SMB/FTP account is created when provisioning becomes available (at the next start).`,
  };
}

export function applyFailed(err: unknown, what: string): DomainError {
  return new DomainError('APPLY_FAILED', `Could not apply ${what} to the host, so nothing was saved: ${(err as Error).message}`);
}

/**
 * Maps users and groups to host accounts through the AccountManager, and says plainly when that
 * is not possible (not root, turned off) instead of pretending.
 */
@Injectable()
export class HostAccountsService {
  private readonly log = new Logger('accounts');
  private prepared: Promise<void> | undefined;

  constructor(
    @Inject(ACCOUNT_MANAGER) private readonly accounts: AccountManager,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(GroupEntity) private readonly groups: Repository<GroupEntity>,
    @InjectRepository(UserGroupEntity) private readonly memberships: Repository<UserGroupEntity>,
    private readonly lock: AccountsLock,
  ) {}

  async availability(): Promise<HostAvailability> {
    if (this.config.hostAccounts === 'off') {
      return { available: false, reason: 'host accounts are turned off (MOXNAS_HOST_ACCOUNTS=off).', sambaNote: null };
    }
    const a = await this.accounts.availability();
    return {
      available: a.available,
      reason: a.reason ?? '',
      sambaNote: a.available && !a.samba ? `SMB access is not set up: ${a.sambaReason ?? 'Samba is not available.'}` : null,
    };
  }

  /**
   * A host account lookup. A lookup that fails (getent missing, NSS down) says nothing about the
   * name or id, so it fails the change (503) instead of reading as "free".
   */
  private async lookup<T>(what: string, find: () => Promise<T>): Promise<T> {
    try {
      return await find();
    } catch (err) {
      throw DomainError.unavailable(`Could not look up ${what} on the host, so it is unknown whether it is free; nothing was changed: ${(err as Error).message}`);
    }
  }

  /** Whether a name or id is used on the host by an account MoxNAS does not manage. Read-only; works unprivileged. */
  async userTaken(key: string | number): Promise<boolean> {
    return (await this.lookup(`the user ${JSON.stringify(key)}`, () => this.accounts.findUser(key))) !== null;
  }

  /**
   * Which of these names and ids the host uses (as text: `alice`, `10001`), in few lookups; for
   * bulk checks. Fails like the single lookups when the lookup itself fails.
   */
  async usersTaken(keys: ReadonlyArray<string | number>): Promise<Set<string>> {
    const found = await this.lookup(`${keys.length} user names and uids`, () => this.accounts.findUsers(keys));
    return new Set(found.flatMap((u) => [u.username, String(u.uid)]));
  }

  async groupsTaken(keys: ReadonlyArray<string | number>): Promise<Set<string>> {
    const found = await this.lookup(`${keys.length} group names and gids`, () => this.accounts.findGroups(keys));
    return new Set(found.flatMap((g) => [g.name, String(g.gid)]));
  }

  async hostUserOf(uid: number): Promise<string | null> {
    return (await this.lookup(`uid ${uid}`, () => this.accounts.findUser(uid)))?.username ?? null;
  }

  async hostGroupOf(gid: number): Promise<string | null> {
    return (await this.lookup(`gid ${gid}`, () => this.accounts.findGroup(gid)))?.name ?? null;
  }

  async groupTaken(key: string | number): Promise<boolean> {
    return (await this.lookup(`the group ${JSON.stringify(key)}`, () => this.accounts.findGroup(key))) !== null;
  }

  private async prepare(): Promise<void> {
    this.prepared ??= this.accounts.prepare().catch((err: unknown) => {
      this.prepared = undefined;
      throw err;
    });
    await this.prepared;
  }

  spec(user: UserEntity, primary: GroupEntity | null, groups: GroupEntity[]): HostUserSpec {
    if (user.uid === null) throw new Error(`user ${user.username} has no uid`);
    return {
      username: user.username,
      uid: user.uid,
      primaryGroup: primary ? { name: primary.name, gid: primary.gid } : DEFAULT_PRIMARY_GROUP,
      groups: groups.map((g) => g.name),
      shell: user.shell,
      home: user.homeDir,
      fullName: user.fullName,
      disabled: user.disabled,
      smbEnabled: user.smbEnabled,
      ftpEnabled: user.ftpEnabled,
    };
  }

  private credentials(user: UserEntity, password?: string): HostCredentials {
    if (!user.unixHash || !user.ntHash) throw new Error(`user ${user.username} has no stored password hashes`);
    return { unixHash: user.unixHash, ntHash: user.ntHash, ...(password !== undefined ? { password } : {}) };
  }

  private applied(action: string, availability: HostAvailability): Provisioning {
    return { status: 'applied', message: [action, availability.sambaNote].filter(Boolean).join(' ') };
  }

  /** Makes the host account match the user. Throws APPLY_FAILED (502) when a command fails. */
  async applyUser(user: UserEntity, primary: GroupEntity | null, groups: GroupEntity[], password?: string): Promise<Provisioning> {
    if (user.builtIn) return NOT_NEEDED;
    const availability = await this.availability();
    if (!availability.available) return unavailable(availability.reason);
    try {
      await this.prepare();
      await this.accounts.ensureUser(this.spec(user, primary, groups), this.credentials(user, password));
    } catch (err) {
      throw applyFailed(err, `the account "${user.username}"`);
    }
    return this.applied(`The Linux account "${user.username}" (uid ${user.uid}) is up to date${user.smbEnabled ? ', with SMB access' : ''}${user.ftpEnabled ? ', with FTP access' : ''}.`, availability);
  }

  /**
   * Undoes a change to a host account: makes it match `user` again. Throws when that fails, so the
   * apply engine reports it with the change's error (ChangeTransaction.onRollback).
   */
  async restoreUser(user: UserEntity, primary: GroupEntity | null, groups: GroupEntity[]): Promise<void> {
    if (!user.builtIn && (await this.availability()).available) await this.accounts.ensureUser(this.spec(user, primary, groups), this.credentials(user));
  }

  async removeUser(user: UserEntity, keepFiles: boolean): Promise<Provisioning> {
    if (user.builtIn) return NOT_NEEDED;
    const availability = await this.availability();
    if (!availability.available) {
      return {
        status: 'unavailable',
        message: `Deleted from MoxNAS, but the host account "${user.username}" was NOT removed: ${availability.reason}`,
      };
    }
    try {
      await this.accounts.removeUser(user.username, { removeHome: !keepFiles });
    } catch (err) {
      throw applyFailed(err, `the removal of "${user.username}"`);
    }
    return this.applied(`The Linux and Samba account "${user.username}" was removed${keepFiles ? '; its files were kept' : ' with its home directory'}.`, availability);
  }

  /** Undoes the creation of a host account (keeping any files); idempotent, throws when it fails. */
  async removeNewUser(username: string): Promise<void> {
    if ((await this.availability()).available) await this.accounts.removeUser(username, { removeHome: false });
  }

  /**
   * Makes the host group match. Called inside the caller's transaction, so it must not query the
   * database itself (the embedded database serialises other connections behind an open transaction).
   * `memberNames` are users with host accounts (the built-in admin can be no group's member).
   */
  async applyGroup(group: GroupEntity, memberNames: string[], previousName?: string): Promise<Provisioning> {
    const availability = await this.availability();
    if (!availability.available) return unavailable(availability.reason);
    try {
      await this.prepare();
      await this.accounts.ensureGroup({ name: group.name, gid: group.gid, members: memberNames }, previousName);
    } catch (err) {
      throw applyFailed(err, `the group "${group.name}"`);
    }
    return this.applied(`The Linux group "${group.name}" (gid ${group.gid}) is up to date.`, availability);
  }

  /** Undoes a change to a host group (also a removal); idempotent, throws when it fails. */
  async restoreGroup(group: GroupEntity, memberNames: string[], currentName: string): Promise<void> {
    if ((await this.availability()).available) {
      await this.accounts.ensureGroup({ name: group.name, gid: group.gid, members: memberNames }, currentName);
    }
  }

  async removeGroup(group: GroupEntity): Promise<Provisioning> {
    const availability = await this.availability();
    if (!availability.available) {
      return { status: 'unavailable', message: `Deleted from MoxNAS, but the host group "${group.name}" was NOT removed: ${availability.reason}` };
    }
    try {
      await this.accounts.removeGroup(group.name);
    } catch (err) {
      throw applyFailed(err, `the removal of the group "${group.name}"`);
    }
    return this.applied(`The Linux group "${group.name}" was removed.`, availability);
  }

  /**
   * Rebuilds every group and user on the host from the database, idempotently: what a new
   * container plus a database restore needs. Accounts MoxNAS does not know are left alone.
   */
  reconcile(): Promise<ReconcileReport> {
    return this.lock.run(async () => {
      const report: ReconcileReport = { skipped: null, users: 0, groups: 0, failures: [] };
      const availability = await this.availability();
      if (!availability.available) return { ...report, skipped: availability.reason };
      await this.prepare();
      const groups = await this.groups.find({ order: { gid: 'ASC' } });
      const users = await this.users.find({ where: { builtIn: false }, order: { uid: 'ASC' } });
      const memberships = await this.memberships.find();
      const groupById = new Map(groups.map((g) => [g.id, g]));
      const userById = new Map(users.map((u) => [u.id, u]));
      // Groups must exist before users name them; members are set once the users exist.
      for (const group of groups) {
        try {
          if (!(await this.accounts.findGroup(group.name))) await this.accounts.ensureGroup({ name: group.name, gid: group.gid, members: [] });
        } catch (err) {
          report.failures.push({ target: `group:${group.name}`, message: (err as Error).message });
        }
      }
      for (const user of users) {
        const own = memberships.filter((m) => m.userId === user.id).map((m) => groupById.get(m.groupId)).filter((g): g is GroupEntity => !!g);
        try {
          await this.accounts.ensureUser(this.spec(user, user.primaryGroupId ? (groupById.get(user.primaryGroupId) ?? null) : null, own), this.credentials(user));
          if (user.hostStatus !== 'synced') await this.users.update({ id: user.id }, { hostStatus: 'synced' });
          report.users++;
        } catch (err) {
          report.failures.push({ target: `user:${user.username}`, message: (err as Error).message });
        }
      }
      for (const group of groups) {
        const members = memberships.filter((m) => m.groupId === group.id).map((m) => userById.get(m.userId)?.username).filter((n): n is string => !!n);
        try {
          await this.accounts.ensureGroup({ name: group.name, gid: group.gid, members });
          if (group.hostStatus !== 'synced') await this.groups.update({ id: group.id }, { hostStatus: 'synced' });
          report.groups++;
        } catch (err) {
          report.failures.push({ target: `group:${group.name}`, message: (err as Error).message });
        }
      }
      return report;
    });
  }
}
