import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  ID_ALLOCATION_START,
  ID_MAX,
  type CreateUserRequest,
  type DeleteResult,
  type FieldError,
  type GroupRef,
  type UpdateUserRequest,
  type User,
  type UserChange,
  type UserListQuery,
} from '@moxnas/contracts';
import { Brackets, DataSource, In, Not, Repository, type EntityManager } from 'typeorm';
import { DomainError } from '../../../core/errors/domain-error';
import type { EntityKind } from '../../services/apply/managed-config';
import { AccountDependents, dependantsMessage } from './account-dependents';
import { AuditContext } from '../audit/audit-context';
import { AuthStateService } from '../auth/auth-state.service';
import { PasswordHasher } from '../auth/password-hasher';
import { SessionsService } from '../auth/sessions.service';
import { CLOCK, type Clock } from '../clock';
import { GroupEntity, UserGroupEntity } from '../entities/group.entity';
import { UserEntity } from '../entities/user.entity';
import { AccountsLock } from './accounts-lock';
import { AccountChanges } from './account-change';
import { HostAccountsService } from './host-accounts.service';
import { newUserRow } from './new-account-rows';
import { likeContaining } from '../../../core/database/like';
import type { Page } from '../../../core/http/page';

export function passwordMentionsName(password: string, name: string): boolean {
  return name.length >= 3 && password.toLowerCase().includes(name.toLowerCase());
}

const groupRef = (g: GroupEntity): GroupRef => ({ id: g.id, name: g.name, gid: g.gid });

/** What a user change writes: the user row and its group memberships (the services reading them are re-applied). */
const USER_KINDS: EntityKind[] = ['users', 'memberships'];

/**
 * Users: the database rows and, through HostAccountsService, their Linux/Samba/FTP accounts. A
 * change is validated first, then made as one apply-engine change: the rows, the host account and
 * every service whose files read users or memberships (FTP's user list) in one transaction. A
 * failed host command or apply rolls the rows back, restores the files and undoes the host
 * account, so the API either did the whole change or none of it.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(GroupEntity) private readonly groups: Repository<GroupEntity>,
    @InjectRepository(UserGroupEntity) private readonly memberships: Repository<UserGroupEntity>,
    private readonly host: HostAccountsService,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly state: AuthStateService,
    private readonly lock: AccountsLock,
    private readonly audit: AuditContext,
    private readonly dependents: AccountDependents,
    private readonly changes: AccountChanges,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  // ─── Reading ────────────────────────────────────────────────────────────────────────────────

  async list(query: UserListQuery): Promise<Page<User>> {
    const qb = this.users.createQueryBuilder('u').orderBy('u.username', 'ASC');
    if (query.search) {
      const term = likeContaining(query.search);
      qb.andWhere(
        new Brackets((w) => {
          w.where('u.username ILIKE :term', { term }).orWhere('u.full_name ILIKE :term', { term }).orWhere('u.email ILIKE :term', { term });
        }),
      );
    }
    if (query.role) qb.andWhere('u.role = :role', { role: query.role });
    const [rows, total] = await qb.skip((query.page - 1) * query.pageSize).take(query.pageSize).getManyAndCount();
    return { items: await this.toUsers(rows), total, page: query.page, pageSize: query.pageSize };
  }

  async get(id: string): Promise<User> {
    return (await this.toUsers([await this.find(id)]))[0];
  }

  private async find(id: string, em: EntityManager = this.dataSource.manager): Promise<UserEntity> {
    const user = await em.findOneBy(UserEntity, { id });
    if (!user) throw DomainError.notFound('The user');
    return user;
  }

  /** Rows → API shape, with the groups of all rows loaded in two queries (through `em` inside a change). */
  async toUsers(rows: UserEntity[], em: EntityManager = this.dataSource.manager): Promise<User[]> {
    if (!rows.length) return [];
    const links = await em.find(UserGroupEntity, { where: { userId: In(rows.map((r) => r.id)) } });
    const groupIds = new Set([...links.map((l) => l.groupId), ...rows.map((r) => r.primaryGroupId).filter((g): g is string => !!g)]);
    const groups = new Map((groupIds.size ? await em.findBy(GroupEntity, { id: In([...groupIds]) }) : []).map((g) => [g.id, g]));
    return rows.map((u) => {
      const own = links.filter((l) => l.userId === u.id).map((l) => groups.get(l.groupId)).filter((g): g is GroupEntity => !!g);
      const primary = u.primaryGroupId ? groups.get(u.primaryGroupId) : undefined;
      return {
        id: u.id,
        username: u.username,
        fullName: u.fullName,
        email: u.email,
        uid: u.uid,
        primaryGroup: primary ? groupRef(primary) : null,
        groups: own.sort((a, b) => a.name.localeCompare(b.name)).map(groupRef),
        shell: u.shell,
        homeDir: u.homeDir,
        smbEnabled: u.smbEnabled,
        ftpEnabled: u.ftpEnabled,
        role: u.role,
        disabled: u.disabled,
        builtIn: u.builtIn,
        mustChangePassword: u.mustChangePassword,
        totpEnabled: u.totpSecret !== null,
        hostStatus: u.hostStatus,
        lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
        passwordChangedAt: u.passwordChangedAt?.toISOString() ?? null,
        createdAt: u.createdAt.toISOString(),
        updatedAt: u.updatedAt.toISOString(),
      };
    });
  }

  // ─── Checks shared by create and update ─────────────────────────────────────────────────────

  /** The groups named by the input; every unknown id becomes a field error. */
  private async resolveGroups(
    input: { primaryGroupId?: string | null; groupIds?: string[] },
    errors: FieldError[],
  ): Promise<{ primary: GroupEntity | null | undefined; groups: GroupEntity[] | undefined }> {
    const wanted = [...new Set([...(input.groupIds ?? []), ...(input.primaryGroupId ? [input.primaryGroupId] : [])])];
    const found = new Map((wanted.length ? await this.groups.findBy({ id: In(wanted) }) : []).map((g) => [g.id, g]));
    let primary: GroupEntity | null | undefined = input.primaryGroupId === null ? null : undefined;
    if (input.primaryGroupId) {
      primary = found.get(input.primaryGroupId);
      if (!primary) errors.push({ field: 'primaryGroupId', message: 'no such group' });
    }
    let groups: GroupEntity[] | undefined;
    if (input.groupIds) {
      groups = [];
      for (const [i, id] of [...new Set(input.groupIds)].entries()) {
        const g = found.get(id);
        if (g) groups.push(g);
        else errors.push({ field: `groupIds.${i}`, message: 'no such group' });
      }
    }
    return { primary, groups };
  }

  /** A uid may belong to nobody else, here or on the host (the user's own host account is fine). */
  private async checkUidFree(uid: number, self: UserEntity | null): Promise<void> {
    const owner = await this.users.findOneBy({ uid });
    if (owner && owner.id !== self?.id) {
      throw new DomainError('CONFLICT', `uid ${uid} belongs to the user "${owner.username}".`, [{ field: 'uid', message: 'is taken' }]);
    }
    const hostOwner = await this.host.hostUserOf(uid);
    if (hostOwner && hostOwner !== self?.username) {
      throw new DomainError('CONFLICT', `uid ${uid} is used by the host account "${hostOwner}", which MoxNAS does not manage.`, [
        { field: 'uid', message: 'is taken on the host' },
      ]);
    }
  }

  /** The lowest free uid from 10000 up, free both here and on the host. */
  private async allocateUid(): Promise<number> {
    const rows = await this.users
      .createQueryBuilder('u')
      .select('u.uid', 'uid')
      .where('u.uid >= :start', { start: ID_ALLOCATION_START })
      .getRawMany<{ uid: number }>();
    const used = new Set(rows.map((r) => Number(r.uid)));
    for (let uid = ID_ALLOCATION_START; uid <= ID_MAX; uid++) {
      if (used.has(uid) || (await this.host.userTaken(uid))) continue;
      return uid;
    }
    throw DomainError.conflict(`No free uid is left between ${ID_ALLOCATION_START} and ${ID_MAX}.`);
  }

  /** Refuses a change that would leave no enabled admin able to log in. */
  private async keepAnAdmin(user: UserEntity, next: { role: string; disabled: boolean } | null): Promise<void> {
    const isActiveAdmin = user.role === 'admin' && !user.disabled;
    const staysActiveAdmin = next !== null && next.role === 'admin' && !next.disabled;
    if (!isActiveAdmin || staysActiveAdmin) return;
    const others = await this.users.countBy({ role: 'admin', disabled: false, id: Not(user.id) });
    if (others === 0) throw DomainError.conflict('This is the last enabled admin; make another user admin first.');
  }

  // ─── Create ────────────────────────────────────────────────────────────────────────────────

  /** `actor` is recorded on the revisions of the services the change re-applies. */
  create(input: CreateUserRequest, actor: string | null = null, dryRun = false): Promise<UserChange> {
    return this.lock.run(async () => {
      const errors: FieldError[] = [];
      if (passwordMentionsName(input.password, input.username)) errors.push({ field: 'password', message: 'must not contain the username' });
      const { primary, groups } = await this.resolveGroups(input, errors);
      if (errors.length) throw DomainError.validation(errors);

      if (await this.users.existsBy({ username: input.username })) {
        throw new DomainError('CONFLICT', `A user named "${input.username}" already exists.`, [{ field: 'username', message: 'is taken' }]);
      }
      if (await this.host.userTaken(input.username)) {
        throw new DomainError('CONFLICT', `"${input.username}" is already an account on the host that MoxNAS does not manage.`, [
          { field: 'username', message: 'exists on the host' },
        ]);
      }
      if (input.uid !== undefined) await this.checkUidFree(input.uid, null);
      const uid = input.uid ?? (await this.allocateUid());

      const now = this.clock.now();
      const availability = await this.host.availability();
      const credentials = this.hasher.hostCredentials(input.password);
      const user = newUserRow(this.users, input, {
        uid,
        primaryGroupId: primary?.id ?? null,
        hostStatus: availability.available ? 'synced' : 'pending',
        passwordHash: await this.hasher.hash(input.password),
        credentials,
        now,
      });

      const { apply, value: result, provisioning } = await this.changes.change({
        touches: USER_KINDS,
        actor,
        dryRun,
        reason: `user ${user.username} created`,
        rows: async (em) => {
          await em.insert(UserEntity, user);
          if (groups?.length) await em.insert(UserGroupEntity, groups.map((g) => ({ userId: user.id, groupId: g.id })));
        },
        host: {
          undo: `removing the new host account "${user.username}"`,
          rollback: () => this.host.removeNewUser(user.username),
          run: () => this.host.applyUser(user, primary ?? null, groups ?? [], input.password),
        },
        result: async (em) => (await this.toUsers([user], em))[0],
        conflict: 'The username or uid was taken at the same moment; try again.',
      });
      if (!dryRun) {
        await this.state.publish(user);
        this.audit.describe({ target: `user:${user.username}`, after: result });
      }
      return { ...result, provisioning, apply };
    });
  }

  // ─── Update ────────────────────────────────────────────────────────────────────────────────

  update(id: string, input: UpdateUserRequest, actor: string | null = null, dryRun = false): Promise<UserChange> {
    return this.lock.run(async () => {
      const current = await this.find(id);
      const before = (await this.toUsers([current]))[0];
      const errors: FieldError[] = [];
      if (current.builtIn) {
        const hostOnly: Array<keyof UpdateUserRequest> = ['uid', 'primaryGroupId', 'groupIds', 'shell', 'homeDir'];
        for (const field of hostOnly) if (input[field] !== undefined) errors.push({ field, message: 'the built-in admin has no Linux account' });
        if (input.smbEnabled) errors.push({ field: 'smbEnabled', message: 'the built-in admin has no SMB account' });
        if (input.ftpEnabled) errors.push({ field: 'ftpEnabled', message: 'the built-in admin has no FTP account' });
      }
      if (input.password !== undefined && passwordMentionsName(input.password, current.username)) {
        errors.push({ field: 'password', message: 'must not contain the username' });
      }
      const resolved = await this.resolveGroups(input, errors);
      if (errors.length) throw DomainError.validation(errors);
      if (input.uid !== undefined && input.uid !== current.uid) await this.checkUidFree(input.uid, current);

      const next = this.users.create({ ...current });
      const set = <K extends keyof UserEntity>(key: K, value: UserEntity[K] | undefined) => {
        if (value !== undefined) next[key] = value;
      };
      set('fullName', input.fullName === undefined ? undefined : input.fullName || null);
      set('email', input.email === undefined ? undefined : input.email || null);
      set('uid', input.uid);
      set('primaryGroupId', resolved.primary === undefined ? undefined : (resolved.primary?.id ?? null));
      set('shell', input.shell);
      set('homeDir', input.homeDir);
      set('smbEnabled', input.smbEnabled);
      set('ftpEnabled', input.ftpEnabled);
      set('role', input.role);
      set('disabled', input.disabled);
      set('mustChangePassword', input.mustChangePassword);
      if (input.totpEnabled === false) Object.assign(next, { totpSecret: null, totpPendingSecret: null, totpLastStep: null });
      await this.keepAnAdmin(current, next);

      const now = this.clock.now();
      if (input.password !== undefined) {
        const credentials = this.hasher.hostCredentials(input.password);
        next.passwordHash = await this.hasher.hash(input.password);
        next.passwordChangedAt = now;
        if (!next.builtIn) Object.assign(next, { ntHash: credentials.ntHash, unixHash: credentials.unixHash });
      }
      const revokes = input.password !== undefined || next.role !== current.role || (next.disabled && !current.disabled);
      if (revokes) next.tokenVersion = current.tokenVersion + 1;
      next.updatedAt = now;

      const previous = await this.groupsOf(current);
      const primary = resolved.primary === undefined ? previous.primary : resolved.primary;
      const groups = resolved.groups ?? previous.groups;
      const availability = await this.host.availability();
      if (!next.builtIn) next.hostStatus = availability.available ? 'synced' : 'pending';

      const { apply, value: result, provisioning } = await this.changes.change({
        touches: USER_KINDS,
        actor,
        dryRun,
        reason: `user ${next.username} changed`,
        rows: async (em) => {
          await em.save(UserEntity, next);
          if (resolved.groups) {
            await em.delete(UserGroupEntity, { userId: id });
            if (groups.length) await em.insert(UserGroupEntity, groups.map((g) => ({ userId: id, groupId: g.id })));
          }
        },
        host: {
          undo: `restoring the host account "${current.username}"`,
          rollback: () => this.host.restoreUser(current, previous.primary, previous.groups),
          run: () => this.host.applyUser(next, primary, groups, input.password),
        },
        result: async (em) => (await this.toUsers([next], em))[0],
        conflict: 'The uid was taken at the same moment; try again.',
      });
      if (!dryRun) {
        await this.state.publish(next);
        if (revokes) await this.sessions.revokeAllOf(id, input.password !== undefined ? 'password-changed' : next.disabled ? 'disabled' : 'role-changed');
        this.audit.describe({ target: `user:${next.username}`, before, after: result });
      }
      return { ...result, provisioning, apply };
    });
  }

  /** A user's own password change (auth.changePassword): the same path, host and revocation, as an admin's reset. */
  async setOwnPassword(id: string, password: string): Promise<UserEntity> {
    await this.update(id, { password, mustChangePassword: false });
    return this.find(id);
  }

  private async groupsOf(user: UserEntity): Promise<{ primary: GroupEntity | null; groups: GroupEntity[] }> {
    const links = await this.memberships.findBy({ userId: user.id });
    const groups = links.length ? await this.groups.findBy({ id: In(links.map((l) => l.groupId)) }) : [];
    const primary = user.primaryGroupId ? await this.groups.findOneBy({ id: user.primaryGroupId }) : null;
    return { primary, groups };
  }

  // ─── Delete ────────────────────────────────────────────────────────────────────────────────

  delete(id: string, keepFiles: boolean, actor: string | null = null, dryRun = false): Promise<DeleteResult> {
    return this.lock.run(async () => {
      const user = await this.find(id);
      await this.keepAnAdmin(user, null);
      const dependants = await this.dependents.find('user', user.username);
      if (dependants.length) throw DomainError.conflict(dependantsMessage('user', user.username, dependants), { dependants });
      const before = (await this.toUsers([user]))[0];
      const previous = await this.groupsOf(user);
      const { apply, provisioning } = await this.changes.change({
        touches: USER_KINDS,
        actor,
        dryRun,
        reason: `user ${user.username} deleted`,
        rows: async (em) => void (await em.delete(UserEntity, { id })),
        host: {
          undo: `restoring the host account "${user.username}"`,
          rollback: () => this.host.restoreUser(user, previous.primary, previous.groups),
          run: () => this.host.removeUser(user, keepFiles),
        },
      });
      if (!dryRun) {
        await this.state.forget(id);
        this.audit.describe({ target: `user:${user.username}`, before, after: { keepFiles } });
      }
      return { id, provisioning, apply };
    });
  }
}
