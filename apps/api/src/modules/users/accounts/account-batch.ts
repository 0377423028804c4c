import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ID_ALLOCATION_START, ID_MAX, type BulkUserData, type CreateGroupRequest, type FieldError, type Provisioning } from '@moxnas/contracts';
import { In, MoreThanOrEqual, Repository, type EntityManager } from 'typeorm';
import { DomainError } from '../../../core/errors/domain-error';
import type { ChangeTransaction } from '../../services/apply/apply-engine';
import type { EntityKind } from '../../services/apply/managed-config';
import { AuthStateService } from '../auth/auth-state.service';
import { PasswordHasher } from '../auth/password-hasher';
import { CLOCK, type Clock } from '../clock';
import { GroupEntity, UserGroupEntity } from '../entities/group.entity';
import { UserEntity } from '../entities/user.entity';
import { AccountsLock } from './accounts-lock';
import { HostAccountsService } from './host-accounts.service';
import { newGroupRow, newUserRow } from './new-account-rows';
import { passwordMentionsName } from './users.service';

/** A user row of a batch: its index in the request and its create body. */
export interface BatchUserRow {
  row: number;
  data: BulkUserData;
}

export interface BatchGroupRow {
  row: number;
  data: CreateGroupRequest;
}

interface PlannedGroup {
  row: number;
  entity: GroupEntity;
  /** Existing users put in the group (memberIds). */
  members: UserEntity[];
}

interface PlannedUser {
  row: number;
  entity: UserEntity;
  password: string;
  primary: GroupEntity | null;
  groups: GroupEntity[];
}

/** Account rows that passed their checks, with the existing groups and users they name. */
export interface CheckedAccounts {
  userRows: readonly BatchUserRow[];
  groupRows: readonly BatchGroupRow[];
  byId: Map<string, GroupEntity>;
  byName: Map<string, GroupEntity>;
  existingMembers: Map<string, UserEntity>;
}

/** What a batch's accounts become: built only once every row passed its checks. */
export interface AccountsPlan {
  groups: PlannedGroup[];
  users: PlannedUser[];
}

/** What a batch of account creations writes: the services reading them are re-applied. */
export const ACCOUNT_BATCH_KINDS: readonly EntityKind[] = ['users', 'groups', 'memberships'];

/** Password hashes computed at once (libuv's thread pool has four threads by default). */
const HASH_CONCURRENCY = 4;

/** The field of a row's body, as the batch's errors name it. */
export const rowField = (row: number, field: string) => `rows.${row}.data${field ? `.${field}` : ''}`;

/** The first row that used each key; later rows with the same key get an error naming it. */
function duplicates<T>(items: ReadonlyArray<{ row: number; key: T | undefined }>, report: (row: number, first: number) => void): void {
  const first = new Map<T, number>();
  for (const { row, key } of items) {
    if (key === undefined) continue;
    const seen = first.get(key);
    if (seen === undefined) first.set(key, row);
    else report(row, seen);
  }
}

/**
 * Many user and group creations as one (bulk provisioning): every row checked against the
 * database, the host and the other rows first (all errors at once, each naming its row), then the
 * rows written and the host accounts made inside the caller's apply-engine change, each host step
 * with its undo registered before it runs, so a failure anywhere undoes every account of the batch.
 * The same rules as UsersService/GroupsService create, for many rows at once.
 */
@Injectable()
export class AccountBatches {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(GroupEntity) private readonly groups: Repository<GroupEntity>,
    private readonly host: HostAccountsService,
    private readonly hasher: PasswordHasher,
    private readonly state: AuthStateService,
    private readonly lock: AccountsLock,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Runs `fn` holding the accounts lock (before the services' locks, like every account change). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.lock.run(fn);
  }

  /**
   * Checks every row; errors are pushed (fields `rows.<i>.data.<field>`). Returns what `build`
   * needs when there were none, else null.
   */
  async check(userRows: readonly BatchUserRow[], groupRows: readonly BatchGroupRow[], errors: FieldError[]): Promise<CheckedAccounts | null> {
    const before = errors.length;
    const push = (row: number, field: string, message: string) => errors.push({ field: rowField(row, field), message });

    // Groups: names and gids, unique here, on the host and within the batch; members exist.
    duplicates(groupRows.map((g) => ({ row: g.row, key: g.data.name })), (row, first) => push(row, 'name', `is also created by row ${first}`));
    duplicates(groupRows.map((g) => ({ row: g.row, key: g.data.gid })), (row, first) => push(row, 'gid', `is also given to row ${first}`));
    const groupNames = groupRows.map((g) => g.data.name);
    const takenNames = new Set((groupNames.length ? await this.groups.findBy({ name: In(groupNames) }) : []).map((g) => g.name));
    const gids = groupRows.map((g) => g.data.gid).filter((g): g is number => g !== undefined);
    const takenGids = new Map((gids.length ? await this.groups.findBy({ gid: In(gids) }) : []).map((g) => [g.gid, g.name]));
    const memberIds = [...new Set(groupRows.flatMap((g) => g.data.memberIds ?? []))];
    const existingMembers = new Map((memberIds.length ? await this.users.findBy({ id: In(memberIds) }) : []).map((u) => [u.id, u]));
    const onHostGroups = await this.host.groupsTaken([...groupNames, ...gids]);
    for (const { row, data } of groupRows) {
      if (takenNames.has(data.name)) push(row, 'name', 'is taken');
      else if (onHostGroups.has(data.name)) push(row, 'name', 'exists on the host');
      if (data.gid !== undefined) {
        const owner = takenGids.get(data.gid);
        if (owner) push(row, 'gid', `belongs to the group "${owner}"`);
        else if (onHostGroups.has(String(data.gid))) push(row, 'gid', 'is taken on the host');
      }
      [...new Set(data.memberIds ?? [])].forEach((id, i) => {
        const user = existingMembers.get(id);
        if (!user) push(row, `memberIds.${i}`, 'no such user (members created by this batch join through their `groups`)');
        else if (user.builtIn) push(row, `memberIds.${i}`, 'the built-in admin has no Linux account');
      });
    }

    // Users: names and uids likewise; the groups they name exist or come with the batch.
    duplicates(userRows.map((u) => ({ row: u.row, key: u.data.username })), (row, first) => push(row, 'username', `is also created by row ${first}`));
    duplicates(userRows.map((u) => ({ row: u.row, key: u.data.uid })), (row, first) => push(row, 'uid', `is also given to row ${first}`));
    const usernames = userRows.map((u) => u.data.username);
    const takenUsers = new Set((usernames.length ? await this.users.findBy({ username: In(usernames) }) : []).map((u) => u.username));
    const uids = userRows.map((u) => u.data.uid).filter((u): u is number => u !== undefined);
    const takenUids = new Map((uids.length ? await this.users.findBy({ uid: In(uids) }) : []).map((u) => [u.uid, u.username]));
    const groupIds = [...new Set(userRows.flatMap((u) => [...(u.data.groupIds ?? []), ...(u.data.primaryGroupId ? [u.data.primaryGroupId] : [])]))];
    const byId = new Map((groupIds.length ? await this.groups.findBy({ id: In(groupIds) }) : []).map((g) => [g.id, g]));
    const named = [...new Set(userRows.flatMap((u) => [...(u.data.groups ?? []), ...(u.data.primaryGroup ? [u.data.primaryGroup] : [])]))];
    const byName = new Map((named.length ? await this.groups.findBy({ name: In(named) }) : []).map((g) => [g.name, g]));
    const batchGroups = new Set(groupNames);
    const knownGroup = (name: string) => byName.has(name) || batchGroups.has(name);
    const onHostUsers = await this.host.usersTaken([...usernames, ...uids]);
    for (const { row, data } of userRows) {
      if (passwordMentionsName(data.password, data.username)) push(row, 'password', 'must not contain the username');
      if (takenUsers.has(data.username)) push(row, 'username', 'is taken');
      else if (onHostUsers.has(data.username)) push(row, 'username', 'exists on the host');
      if (data.uid !== undefined) {
        const owner = takenUids.get(data.uid);
        if (owner) push(row, 'uid', `belongs to the user "${owner}"`);
        else if (onHostUsers.has(String(data.uid))) push(row, 'uid', 'is taken on the host');
      }
      if (data.primaryGroupId && !byId.has(data.primaryGroupId)) push(row, 'primaryGroupId', 'no such group');
      if (data.primaryGroupId && data.primaryGroup) push(row, 'primaryGroup', 'give primaryGroup or primaryGroupId, not both');
      (data.groupIds ?? []).forEach((id, i) => byId.has(id) || push(row, `groupIds.${i}`, 'no such group'));
      if (data.primaryGroup && !knownGroup(data.primaryGroup)) push(row, 'primaryGroup', `no group named ${data.primaryGroup}, here or in this batch`);
      (data.groups ?? []).forEach((name, i) => knownGroup(name) || push(row, `groups.${i}`, `no group named ${name}, here or in this batch`));
    }
    if (errors.length > before) return null;
    return { userRows, groupRows, byId, byName, existingMembers };
  }

  /**
   * The rows of a batch that passed every check (its shares' too): ids allocated, passwords
   * hashed. Apart from `check` so a batch refused for any row costs no hashing.
   */
  async build({ userRows, groupRows, byId, byName, existingMembers }: CheckedAccounts): Promise<AccountsPlan> {
    const now = this.clock.now();
    const availability = await this.host.availability();
    const hostStatus = availability.available ? 'synced' : 'pending';
    const nextGid = await this.allocator(
      groupRows.map((g) => g.data.gid),
      async () => (await this.groups.find({ select: { gid: true }, where: { gid: MoreThanOrEqual(ID_ALLOCATION_START) } })).map((g) => g.gid),
      (ids) => this.host.groupsTaken(ids),
      'gid',
    );
    const groups: PlannedGroup[] = [];
    for (const { row, data } of groupRows) {
      const entity = newGroupRow(this.groups, data, { gid: data.gid ?? (await nextGid()), hostStatus, now });
      groups.push({ row, entity, members: [...new Set(data.memberIds ?? [])].map((id) => existingMembers.get(id)).filter((u): u is UserEntity => !!u) });
      byName.set(entity.name, entity);
    }
    const nextUid = await this.allocator(
      userRows.map((u) => u.data.uid),
      async () => (await this.users.find({ select: { uid: true }, where: { uid: MoreThanOrEqual(ID_ALLOCATION_START) } })).map((u) => u.uid).filter((u): u is number => u !== null),
      (ids) => this.host.usersTaken(ids),
      'uid',
    );
    // argon2 runs on libuv's thread pool: a few at a time instead of one after the other.
    const hashes: string[] = [];
    for (let i = 0; i < userRows.length; i += HASH_CONCURRENCY) {
      hashes.push(...(await Promise.all(userRows.slice(i, i + HASH_CONCURRENCY).map((u) => this.hasher.hash(u.data.password)))));
    }
    const users: PlannedUser[] = [];
    for (const [i, { row, data }] of userRows.entries()) {
      const primary = data.primaryGroupId ? (byId.get(data.primaryGroupId) ?? null) : data.primaryGroup ? (byName.get(data.primaryGroup) ?? null) : null;
      const supplementary = new Map<string, GroupEntity>();
      for (const id of data.groupIds ?? []) supplementary.set(id, byId.get(id) as GroupEntity);
      for (const name of data.groups ?? []) {
        const g = byName.get(name) as GroupEntity;
        supplementary.set(g.id, g);
      }
      const credentials = this.hasher.hostCredentials(data.password);
      const entity = newUserRow(this.users, data, { uid: data.uid ?? (await nextUid()), primaryGroupId: primary?.id ?? null, hostStatus, passwordHash: hashes[i], credentials, now });
      users.push({ row, entity, password: data.password, primary, groups: [...supplementary.values()] });
    }
    return { groups, users };
  }

  /**
   * The lowest free ids from 10000 up, one per call: free here, on the host, and not given
   * explicitly to another row of the batch. Deterministic, so a dry run allocates what the real run
   * will. The host is asked about a window of candidates at a time, not id by id.
   */
  private async allocator(
    explicit: ReadonlyArray<number | undefined>,
    used: () => Promise<number[]>,
    takenOnHost: (ids: number[]) => Promise<Set<string>>,
    what: string,
  ): Promise<() => Promise<number>> {
    const taken = new Set<number>([...(await used()), ...explicit.filter((id): id is number => id !== undefined)]);
    const wanted = explicit.filter((id) => id === undefined).length;
    let next = ID_ALLOCATION_START;
    let checkedUpTo = ID_ALLOCATION_START - 1;
    let onHost = new Set<string>();
    return async () => {
      for (; next <= ID_MAX; next++) {
        if (next > checkedUpTo) {
          const window: number[] = [];
          for (let id = next; id <= ID_MAX && window.length < wanted + 64; id++) if (!taken.has(id)) window.push(id);
          if (!window.length) break;
          onHost = await takenOnHost(window);
          checkedUpTo = window[window.length - 1];
        }
        if (taken.has(next) || onHost.has(String(next))) continue;
        taken.add(next);
        return next++;
      }
      throw DomainError.conflict(`No free ${what} is left between ${ID_ALLOCATION_START} and ${ID_MAX}.`);
    };
  }

  /** The names a batch creates, which its shares may name. */
  names(plan: AccountsPlan): { users: Set<string>; groups: Set<string> } {
    return { users: new Set(plan.users.map((u) => u.entity.username)), groups: new Set(plan.groups.map((g) => g.entity.name)) };
  }

  /**
   * Writes the rows inside the change's transaction and, on a real run, makes the host groups and
   * accounts (groups first: users name them). `at` is told which row's host step is running, so a
   * failure can name it. Returns how the host went.
   */
  async write(em: EntityManager, tx: ChangeTransaction, plan: AccountsPlan, dryRun: boolean, at: (row: number) => void): Promise<Provisioning[]> {
    if (plan.groups.length) await em.insert(GroupEntity, plan.groups.map((g) => g.entity));
    if (plan.users.length) await em.insert(UserEntity, plan.users.map((u) => u.entity));
    const links = [
      ...plan.groups.flatMap((g) => g.members.map((u) => ({ userId: u.id, groupId: g.entity.id }))),
      ...plan.users.flatMap((u) => u.groups.map((g) => ({ userId: u.entity.id, groupId: g.id }))),
    ];
    if (links.length) await em.insert(UserGroupEntity, links);
    if (dryRun) return [];
    const outcomes: Provisioning[] = [];
    for (const g of plan.groups) {
      at(g.row);
      tx.onRollback(`removing the new host group "${g.entity.name}"`, async () => void (await this.host.removeGroup(g.entity)));
      outcomes.push(await this.host.applyGroup(g.entity, g.members.map((u) => u.username)));
    }
    for (const u of plan.users) {
      at(u.row);
      tx.onRollback(`removing the new host account "${u.entity.username}"`, () => this.host.removeNewUser(u.entity.username));
      outcomes.push(await this.host.applyUser(u.entity, u.primary, u.groups, u.password));
    }
    return outcomes;
  }

  /** After the commit: the new users' auth state into the cache (as a single create does). */
  async committed(plan: AccountsPlan): Promise<void> {
    for (const u of plan.users) await this.state.publish(u.entity);
  }
}
