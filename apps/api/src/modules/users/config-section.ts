import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { accountNameProblem, HomeDir, ID_MAX, ID_MIN, Role, Shell, type ConfigChange } from '@moxnas/contracts';
import { In, Repository, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { ConfigBackupRegistry } from '../system/config-backup/config-backup.registry';
import { AccountsLock } from './accounts/accounts-lock';
import { HostAccountsService } from './accounts/host-accounts.service';
import { AuthStateService } from './auth/auth-state.service';
import { GroupEntity, UserGroupEntity } from './entities/group.entity';
import { UserEntity } from './entities/user.entity';
import { planById } from '../system/config-backup/config-diff';

const BUILT_IN_NAME = 'admin';

const PosixId = z.number().int().min(ID_MIN).max(ID_MAX);
const Name = (builtInAllowed: boolean) =>
  z.string().superRefine((v, ctx) => {
    if (builtInAllowed && v === BUILT_IN_NAME) return;
    const problem = accountNameProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const OneLine = (max: number) => z.string().max(max).regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');

const GroupRecord = z.strictObject({
  id: z.string().uuid(),
  name: Name(false),
  gid: PosixId,
  description: OneLine(200).nullable(),
});

/**
 * Credentials travel as the hashes the database keeps (never a clear password): argon2id for the
 * dashboard, the SHA-512 crypt for Linux, the NT hash for Samba, and the TOTP secret. They are
 * password equivalents, which is why the whole document is encrypted (scrypt + AES-256-GCM).
 */
const Credentials = z.strictObject({
  passwordHash: z.string().max(512).regex(/^\$argon2id?\$/, 'must be an argon2 hash'),
  unixHash: z.string().max(512).regex(/^\$6\$[^:\s]+$/, 'must be a SHA-512 crypt hash').nullable(),
  ntHash: z.string().regex(/^[0-9A-Fa-f]{32}$/, 'must be 32 hex digits').nullable(),
  totpSecret: z.string().max(256).regex(/^[A-Z2-7]+=*$/, 'must be a base32 secret').nullable(),
  passwordChangedAt: z.string().datetime({ offset: true }).nullable(),
});

const UserRecord = z
  .strictObject({
    id: z.string().uuid(),
    username: Name(true),
    builtIn: z.boolean(),
    fullName: OneLine(100).regex(/^[^:,]*$/, 'must not contain ":" or ","').nullable(),
    email: z.string().max(254).email('must be an email address').nullable(),
    uid: PosixId.nullable(),
    primaryGroup: z.string().nullable().describe('Name of a group of this section; null = the system group `users`.'),
    groups: z.array(z.string()).max(200),
    shell: Shell,
    homeDir: HomeDir.nullable(),
    smbEnabled: z.boolean(),
    ftpEnabled: z.boolean(),
    role: Role,
    disabled: z.boolean(),
    mustChangePassword: z.boolean(),
    credentials: Credentials,
  })
  .superRefine((u, ctx) => {
    if (u.builtIn && u.username !== BUILT_IN_NAME) ctx.addIssue({ code: 'custom', message: `the built-in account is called ${BUILT_IN_NAME}`, path: ['username'] });
    if (!u.builtIn && u.username === BUILT_IN_NAME) ctx.addIssue({ code: 'custom', message: `"${BUILT_IN_NAME}" is reserved for the built-in account`, path: ['username'] });
    if (!u.builtIn && u.uid === null) ctx.addIssue({ code: 'custom', message: 'is required (only the built-in admin has no host account)', path: ['uid'] });
  });

/** Reports the second use of a key at its path. */
function unique<T>(list: T[], key: (item: T) => string | number | null, path: (i: number) => (string | number)[], what: string, ctx: z.RefinementCtx): void {
  const seen = new Set<string | number>();
  list.forEach((item, i) => {
    const k = key(item);
    if (k === null) return;
    if (seen.has(k)) ctx.addIssue({ code: 'custom', message: `${what} ${k} is used twice`, path: path(i) });
    seen.add(k);
  });
}

export const UsersSection = z
  .strictObject({
    groups: z.array(GroupRecord).max(10000),
    users: z.array(UserRecord).max(10000),
  })
  .superRefine((s, ctx) => {
    unique(s.groups, (g) => g.id, (i) => ['groups', i, 'id'], 'the id', ctx);
    unique(s.groups, (g) => g.name, (i) => ['groups', i, 'name'], 'the name', ctx);
    unique(s.groups, (g) => g.gid, (i) => ['groups', i, 'gid'], 'the gid', ctx);
    unique(s.users, (u) => u.id, (i) => ['users', i, 'id'], 'the id', ctx);
    unique(s.users, (u) => u.username, (i) => ['users', i, 'username'], 'the name', ctx);
    unique(s.users, (u) => u.uid, (i) => ['users', i, 'uid'], 'the uid', ctx);
    const names = new Set(s.groups.map((g) => g.name));
    s.users.forEach((u, i) => {
      if (u.primaryGroup !== null && !names.has(u.primaryGroup)) ctx.addIssue({ code: 'custom', message: `no group ${u.primaryGroup} in this section`, path: ['users', i, 'primaryGroup'] });
      u.groups.forEach((g, j) => {
        if (!names.has(g)) ctx.addIssue({ code: 'custom', message: `no group ${g} in this section`, path: ['users', i, 'groups', j] });
      });
    });
    if (s.users.filter((u) => u.builtIn).length > 1) ctx.addIssue({ code: 'custom', message: 'only one built-in account', path: ['users'] });
    // Importing a state without a way in would lock every administrator out of the dashboard.
    if (!s.users.some((u) => u.role === 'admin' && !u.disabled)) ctx.addIssue({ code: 'custom', message: 'must contain at least one enabled admin', path: ['users'] });
  });
export type UsersSection = z.infer<typeof UsersSection>;
type UserRecord = UsersSection['users'][number];
type GroupRecord = UsersSection['groups'][number];

interface Current {
  groups: GroupEntity[];
  users: UserEntity[];
  memberships: UserGroupEntity[];
}

async function current(m: EntityManager): Promise<Current> {
  return {
    groups: await m.find(GroupEntity, { order: { name: 'ASC' } }),
    users: await m.find(UserEntity, { order: { username: 'ASC' } }),
    memberships: await m.find(UserGroupEntity),
  };
}

function toRecords(c: Current): UsersSection {
  const groupName = new Map(c.groups.map((g) => [g.id, g.name]));
  return {
    groups: c.groups.map((g) => ({ id: g.id, name: g.name, gid: g.gid, description: g.description })),
    users: c.users.map((u) => ({
      id: u.id,
      username: u.username,
      builtIn: u.builtIn,
      fullName: u.fullName,
      email: u.email,
      uid: u.uid,
      primaryGroup: u.primaryGroupId ? (groupName.get(u.primaryGroupId) ?? null) : null,
      groups: c.memberships
        .filter((x) => x.userId === u.id)
        .map((x) => groupName.get(x.groupId))
        .filter((n): n is string => !!n)
        .sort(),
      shell: u.shell as UserRecord['shell'],
      homeDir: u.homeDir,
      smbEnabled: u.smbEnabled,
      ftpEnabled: u.ftpEnabled,
      role: u.role,
      disabled: u.disabled,
      mustChangePassword: u.mustChangePassword,
      credentials: {
        passwordHash: u.passwordHash,
        unixHash: u.unixHash,
        ntHash: u.ntHash,
        totpSecret: u.totpSecret,
        passwordChangedAt: u.passwordChangedAt?.toISOString() ?? null,
      },
    })),
  };
}

/** Names of the changed fields; credentials show as `password` / `totp`, never as values. */
function userFields(a: UserRecord, b: UserRecord): string[] {
  const out: string[] = [];
  for (const k of ['username', 'fullName', 'email', 'uid', 'primaryGroup', 'shell', 'homeDir', 'smbEnabled', 'ftpEnabled', 'role', 'disabled', 'mustChangePassword'] as const) {
    if (a[k] !== b[k]) out.push(k);
  }
  if ([...a.groups].sort().join() !== [...b.groups].sort().join()) out.push('groups');
  const ca = a.credentials;
  const cb = b.credentials;
  if (ca.passwordHash !== cb.passwordHash || ca.unixHash !== cb.unixHash || ca.ntHash?.toUpperCase() !== cb.ntHash?.toUpperCase()) out.push('password');
  if (ca.totpSecret !== cb.totpSecret) out.push('totp');
  return out.sort();
}

function groupFields(a: GroupRecord, b: GroupRecord): string[] {
  return (['name', 'gid', 'description'] as const).filter((k) => a[k] !== b[k]);
}

/** What the host must catch up with after an import (accounts removed, sessions to drop). */
interface AfterImport {
  removedUsers: UserEntity[];
  removedGroups: GroupEntity[];
  userIds: string[];
}

/**
 * The `users` section of the configuration export: groups, and users with their credential hashes
 * and group memberships (docs/users.md, "Backup and restore"). Rows are identified by id; an
 * import makes the tables equal to the file, keeps the sessions of users whose credentials did not
 * change, and then rebuilds the host accounts.
 */
@Injectable()
export class UsersConfigSection implements OnModuleInit {
  private readonly log = new Logger('config-backup');
  private pending: AfterImport | null = null;

  constructor(
    private readonly registry: ConfigBackupRegistry,
    private readonly hostAccounts: HostAccountsService,
    private readonly authState: AuthStateService,
    private readonly lock: AccountsLock,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
  ) {}

  onModuleInit(): void {
    this.registry.contribute<UsersSection>({
      name: 'users',
      version: 1,
      order: 100,
      schema: UsersSection,
      export: async (m) => toRecords(await current(m)),
      plan: (m, incoming) => this.plan(m, incoming),
      import: (m, incoming) => this.replace(m, incoming),
      afterImport: () => this.afterImport(),
    });
  }

  private async plan(m: EntityManager, incoming: UsersSection): Promise<ConfigChange[]> {
    const now = toRecords(await current(m));
    return [...planById('group', now.groups, incoming.groups, (g) => g.name, groupFields), ...planById('user', now.users, incoming.users, (u) => u.username, userFields)];
  }

  private async replace(m: EntityManager, incoming: UsersSection): Promise<void> {
    const now = await current(m);
    const at = new Date();
    const fileUsers = new Map(incoming.users.map((u) => [u.id, u]));
    const fileGroups = new Map(incoming.groups.map((g) => [g.id, g]));
    const before = new Map(toRecords(now).users.map((u) => [u.id, u]));

    // Users and groups not in the file go (their sessions, API tokens and memberships with them).
    const removedUsers = now.users.filter((u) => !fileUsers.has(u.id));
    if (removedUsers.length) await m.delete(UserEntity, { id: In(removedUsers.map((u) => u.id)) });
    await m.createQueryBuilder().delete().from(UserGroupEntity).execute();
    const keptUsers = now.users.filter((u) => fileUsers.has(u.id));
    if (keptUsers.length) await m.update(UserEntity, { id: In(keptUsers.map((u) => u.id)) }, { primaryGroupId: null });
    const removedGroups = now.groups.filter((g) => !fileGroups.has(g.id));
    if (removedGroups.length) await m.delete(GroupEntity, { id: In(removedGroups.map((g) => g.id)) });

    // Names and ids are unique: park the kept rows that change them on values nobody uses, so a
    // swap (alice↔bob, uid 10001↔10002) does not trip the unique indexes half way.
    const keptGroups = now.groups.filter((g) => fileGroups.has(g.id));
    const usedGids = new Set([...now.groups.map((g) => g.gid), ...incoming.groups.map((g) => g.gid)]);
    const usedUids = new Set([...now.users.map((u) => u.uid), ...incoming.users.map((u) => u.uid)]);
    const free = (used: Set<number | null>) => {
      let id = ID_MAX;
      while (used.has(id)) id--;
      used.add(id);
      return id;
    };
    for (const g of keptGroups) {
      const f = fileGroups.get(g.id)!;
      if (f.name !== g.name || f.gid !== g.gid) await m.update(GroupEntity, { id: g.id }, { name: `~${g.id.slice(0, 30)}`, gid: free(usedGids) });
    }
    for (const u of keptUsers) {
      const f = fileUsers.get(u.id)!;
      if (f.username !== u.username || f.uid !== u.uid) await m.update(UserEntity, { id: u.id }, { username: `~${u.id.slice(0, 30)}`, uid: u.builtIn ? null : free(usedUids) });
    }

    const groupId = new Map<string, string>();
    for (const g of incoming.groups) {
      groupId.set(g.name, g.id);
      const old = now.groups.find((x) => x.id === g.id);
      const changed = !old || groupFields({ id: old.id, name: old.name, gid: old.gid, description: old.description }, g).length > 0;
      await m.save(
        m.create(GroupEntity, {
          id: g.id,
          name: g.name,
          gid: g.gid,
          description: g.description,
          hostStatus: changed ? 'pending' : old.hostStatus,
          createdAt: old?.createdAt ?? at,
          updatedAt: changed ? at : old.updatedAt,
        }),
      );
    }
    for (const u of incoming.users) {
      const old = now.users.find((x) => x.id === u.id);
      const was = before.get(u.id);
      const fields = was ? userFields(was, u) : [];
      const credentialsChanged = !old || fields.includes('password') || fields.includes('totp');
      // A changed password, role or enablement ends the user's sessions, as the API's own changes do.
      const revoke = !!old && (credentialsChanged || fields.includes('role') || fields.includes('disabled'));
      const c = u.credentials;
      await m.save(
        m.create(UserEntity, {
          id: u.id,
          username: u.username,
          fullName: u.fullName,
          email: u.email,
          uid: u.uid,
          primaryGroupId: u.primaryGroup ? groupId.get(u.primaryGroup)! : null,
          shell: u.shell,
          homeDir: u.homeDir,
          smbEnabled: u.smbEnabled,
          ftpEnabled: u.ftpEnabled,
          role: u.role,
          disabled: u.disabled,
          builtIn: u.builtIn,
          passwordHash: c.passwordHash,
          ntHash: c.ntHash ? c.ntHash.toUpperCase() : null,
          unixHash: c.unixHash,
          mustChangePassword: u.mustChangePassword,
          tokenVersion: old ? old.tokenVersion + (revoke ? 1 : 0) : 0,
          totpSecret: c.totpSecret,
          totpPendingSecret: null,
          totpLastStep: old && !fields.includes('totp') ? old.totpLastStep : null,
          hostStatus: u.builtIn ? 'none' : fields.length || !old ? 'pending' : old.hostStatus,
          passwordChangedAt: c.passwordChangedAt ? new Date(c.passwordChangedAt) : null,
          lastLoginAt: old?.lastLoginAt ?? null,
          createdAt: old?.createdAt ?? at,
          updatedAt: fields.length || !old ? at : old.updatedAt,
        }),
      );
      const memberships = u.groups.map((name) => ({ userId: u.id, groupId: groupId.get(name)! }));
      if (memberships.length) await m.insert(UserGroupEntity, memberships);
    }
    this.pending = {
      // A name that comes back with the file (under another id) keeps its host account.
      removedUsers: removedUsers.filter((u) => !incoming.users.some((f) => f.username === u.username)),
      removedGroups: removedGroups.filter((g) => !incoming.groups.some((f) => f.name === g.name)),
      userIds: [...now.users.map((u) => u.id), ...incoming.users.map((u) => u.id)],
    };
  }

  /** After the commit: cached auth state, host accounts of removed users and groups, then a full account reconcile. */
  private async afterImport(): Promise<void> {
    const work = this.pending;
    this.pending = null;
    if (!work) return;
    // Requests check the cached auth state: give them the imported rows (or "deleted") at once.
    const rows = new Map((await this.users.findBy({ id: In([...new Set(work.userIds)]) })).map((u) => [u.id, u]));
    for (const id of new Set(work.userIds)) {
      const row = rows.get(id);
      await (row ? this.authState.publish(row) : this.authState.forget(id)).catch(() => undefined);
    }
    const failures: string[] = [];
    await this.lock.run(async () => {
      for (const u of work.removedUsers) await this.hostAccounts.removeUser(u, true).catch((e: Error) => failures.push(`user ${u.username}: ${e.message}`));
      for (const g of work.removedGroups) await this.hostAccounts.removeGroup(g).catch((e: Error) => failures.push(`group ${g.name}: ${e.message}`));
    });
    const report = await this.hostAccounts.reconcile();
    failures.push(...report.failures.map((f) => `${f.target}: ${f.message}`));
    if (report.skipped) this.log.log({ reason: report.skipped }, 'imported users and groups are not applied to the host');
    if (failures.length) throw new Error(failures.join('; '));
  }
}
