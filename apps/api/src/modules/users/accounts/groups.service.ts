import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  ID_ALLOCATION_START,
  ID_MAX,
  type CreateGroupRequest,
  type DeleteResult,
  type FieldError,
  type Group,
  type GroupChange,
  type PageQuery,
  type UpdateGroupRequest,
} from '@moxnas/contracts';
import { Brackets, In, Repository, type EntityManager } from 'typeorm';
import { DomainError } from '../../../core/errors/domain-error';
import type { EntityKind } from '../../services/apply/managed-config';
import { AccountDependents, dependantsMessage } from './account-dependents';
import { AuditContext } from '../audit/audit-context';
import { CLOCK, type Clock } from '../clock';
import { GroupEntity, UserGroupEntity } from '../entities/group.entity';
import { UserEntity } from '../entities/user.entity';
import { AccountsLock } from './accounts-lock';
import { AccountChanges } from './account-change';
import { HostAccountsService } from './host-accounts.service';
import { newGroupRow } from './new-account-rows';
import { likeContaining } from '../../../core/database/like';
import type { Page } from '../../../core/http/page';

/** What a group change writes: the group row and its memberships (the services reading them are re-applied). */
const GROUP_KINDS: EntityKind[] = ['groups', 'memberships'];
const RACE = 'The group name or gid was taken at the same moment; try again.';

/**
 * Groups: database rows mirrored to Linux groups, with the same all-or-nothing rule as users: one
 * apply-engine change holds the rows, the host group and the services rendered from them.
 */
@Injectable()
export class GroupsService {
  constructor(
    @InjectRepository(GroupEntity) private readonly groups: Repository<GroupEntity>,
    @InjectRepository(UserGroupEntity) private readonly memberships: Repository<UserGroupEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly host: HostAccountsService,
    private readonly lock: AccountsLock,
    private readonly audit: AuditContext,
    private readonly dependents: AccountDependents,
    private readonly changes: AccountChanges,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(query: PageQuery): Promise<Page<Group>> {
    const qb = this.groups.createQueryBuilder('g').orderBy('g.name', 'ASC');
    if (query.search) {
      const term = likeContaining(query.search);
      qb.andWhere(new Brackets((w) => w.where('g.name ILIKE :term', { term }).orWhere('g.description ILIKE :term', { term })));
    }
    const [rows, total] = await qb.skip((query.page - 1) * query.pageSize).take(query.pageSize).getManyAndCount();
    return { items: await this.toGroups(rows), total, page: query.page, pageSize: query.pageSize };
  }

  async get(id: string): Promise<Group> {
    return (await this.toGroups([await this.find(id)]))[0];
  }

  private async find(id: string): Promise<GroupEntity> {
    const group = await this.groups.findOneBy({ id });
    if (!group) throw DomainError.notFound('The group');
    return group;
  }

  /** Rows → API shape (through `em` inside a change, which sees its own uncommitted rows). */
  private async toGroups(rows: GroupEntity[], em: EntityManager = this.groups.manager): Promise<Group[]> {
    if (!rows.length) return [];
    const links = await em.findBy(UserGroupEntity, { groupId: In(rows.map((r) => r.id)) });
    const users = new Map(
      (links.length ? await em.find(UserEntity, { where: { id: In([...new Set(links.map((l) => l.userId))]) }, select: { id: true, username: true } }) : []).map((u) => [u.id, u]),
    );
    return rows.map((g) => ({
      id: g.id,
      name: g.name,
      gid: g.gid,
      description: g.description,
      members: links
        .filter((l) => l.groupId === g.id)
        .map((l) => users.get(l.userId))
        .filter((u): u is UserEntity => !!u)
        .map((u) => ({ id: u.id, username: u.username }))
        .sort((a, b) => a.username.localeCompare(b.username)),
      hostStatus: g.hostStatus,
      createdAt: g.createdAt.toISOString(),
      updatedAt: g.updatedAt.toISOString(),
    }));
  }

  private async resolveMembers(memberIds: string[] | undefined, errors: FieldError[]): Promise<UserEntity[] | undefined> {
    if (!memberIds) return undefined;
    const ids = [...new Set(memberIds)];
    const found = new Map((ids.length ? await this.users.findBy({ id: In(ids) }) : []).map((u) => [u.id, u]));
    const members: UserEntity[] = [];
    ids.forEach((id, i) => {
      const user = found.get(id);
      if (!user) errors.push({ field: `memberIds.${i}`, message: 'no such user' });
      else if (user.builtIn) errors.push({ field: `memberIds.${i}`, message: 'the built-in admin has no Linux account' });
      else members.push(user);
    });
    return members;
  }

  private async checkName(name: string, self: GroupEntity | null): Promise<void> {
    const owner = await this.groups.findOneBy({ name });
    if (owner && owner.id !== self?.id) {
      throw new DomainError('CONFLICT', `A group named "${name}" already exists.`, [{ field: 'name', message: 'is taken' }]);
    }
    if (name !== self?.name && (await this.host.groupTaken(name))) {
      throw new DomainError('CONFLICT', `"${name}" is already a group on the host that MoxNAS does not manage.`, [{ field: 'name', message: 'exists on the host' }]);
    }
  }

  private async checkGid(gid: number, self: GroupEntity | null): Promise<void> {
    const owner = await this.groups.findOneBy({ gid });
    if (owner && owner.id !== self?.id) {
      throw new DomainError('CONFLICT', `gid ${gid} belongs to the group "${owner.name}".`, [{ field: 'gid', message: 'is taken' }]);
    }
    const hostOwner = await this.host.hostGroupOf(gid);
    if (hostOwner && hostOwner !== self?.name) {
      throw new DomainError('CONFLICT', `gid ${gid} is used by the host group "${hostOwner}", which MoxNAS does not manage.`, [
        { field: 'gid', message: 'is taken on the host' },
      ]);
    }
  }

  private async allocateGid(): Promise<number> {
    const rows = await this.groups.createQueryBuilder('g').select('g.gid', 'gid').where('g.gid >= :start', { start: ID_ALLOCATION_START }).getRawMany<{ gid: number }>();
    const used = new Set(rows.map((r) => Number(r.gid)));
    for (let gid = ID_ALLOCATION_START; gid <= ID_MAX; gid++) {
      if (used.has(gid) || (await this.host.groupTaken(gid))) continue;
      return gid;
    }
    throw DomainError.conflict(`No free gid is left between ${ID_ALLOCATION_START} and ${ID_MAX}.`);
  }

  /** `actor` is recorded on the revisions of the services the change re-applies. */
  create(input: CreateGroupRequest, actor: string | null = null, dryRun = false): Promise<GroupChange> {
    return this.lock.run(async () => {
      const errors: FieldError[] = [];
      const members = (await this.resolveMembers(input.memberIds, errors)) ?? [];
      if (errors.length) throw DomainError.validation(errors);
      await this.checkName(input.name, null);
      if (input.gid !== undefined) await this.checkGid(input.gid, null);
      const now = this.clock.now();
      const availability = await this.host.availability();
      const group = newGroupRow(this.groups, input, { gid: input.gid ?? (await this.allocateGid()), hostStatus: availability.available ? 'synced' : 'pending', now });
      const { apply, value: result, provisioning } = await this.changes.change({
        touches: GROUP_KINDS,
        actor,
        dryRun,
        reason: `group ${group.name} created`,
        rows: async (em) => {
          await em.insert(GroupEntity, group);
          if (members.length) await em.insert(UserGroupEntity, members.map((u) => ({ userId: u.id, groupId: group.id })));
        },
        host: {
          undo: `removing the new host group "${group.name}"`,
          rollback: async () => void (await this.host.removeGroup(group)),
          run: () => this.host.applyGroup(group, members.map((u) => u.username)),
        },
        result: async (em) => (await this.toGroups([group], em))[0],
        conflict: RACE,
      });
      if (!dryRun) this.audit.describe({ target: `group:${group.name}`, after: result });
      return { ...result, provisioning, apply };
    });
  }

  update(id: string, input: UpdateGroupRequest, actor: string | null = null, dryRun = false): Promise<GroupChange> {
    return this.lock.run(async () => {
      const current = await this.find(id);
      const before = (await this.toGroups([current]))[0];
      const errors: FieldError[] = [];
      const members = await this.resolveMembers(input.memberIds, errors);
      if (errors.length) throw DomainError.validation(errors);
      if (input.name !== undefined && input.name !== current.name) await this.checkName(input.name, current);
      if (input.gid !== undefined && input.gid !== current.gid) await this.checkGid(input.gid, current);

      const next = this.groups.create({ ...current });
      if (input.name !== undefined) next.name = input.name;
      if (input.gid !== undefined) next.gid = input.gid;
      if (input.description !== undefined) next.description = input.description || null;
      next.updatedAt = this.clock.now();
      const availability = await this.host.availability();
      next.hostStatus = availability.available ? 'synced' : 'pending';
      const previousMembers = before.members.map((m) => m.username);
      const memberNames = members ? members.map((u) => u.username) : previousMembers;

      const renamed = next.name !== current.name;
      const { apply, value: result, provisioning } = await this.changes.change({
        // A rename rewrites the shares naming the group, so their services are applied as well.
        touches: renamed ? [...GROUP_KINDS, ...this.dependents.renameTouches()] : GROUP_KINDS,
        actor,
        dryRun,
        reason: renamed ? `group ${current.name} renamed to ${next.name}` : `group ${next.name} changed`,
        rows: async (em) => {
          await em.save(GroupEntity, next);
          if (members) {
            await em.delete(UserGroupEntity, { groupId: id });
            if (members.length) await em.insert(UserGroupEntity, members.map((u) => ({ userId: u.id, groupId: id })));
          }
          if (renamed) await this.dependents.rename(em, 'group', current.name, next.name);
        },
        host: {
          undo: `restoring the host group "${current.name}"`,
          rollback: () => this.host.restoreGroup(current, previousMembers, next.name),
          run: () => this.host.applyGroup(next, memberNames, current.name),
        },
        result: async (em) => (await this.toGroups([next], em))[0],
        conflict: RACE,
      });
      if (!dryRun) this.audit.describe({ target: `group:${next.name}`, before, after: result });
      return { ...result, provisioning, apply };
    });
  }

  delete(id: string, actor: string | null = null, dryRun = false): Promise<DeleteResult> {
    return this.lock.run(async () => {
      const group = await this.find(id);
      const primaryOf = await this.users.find({ where: { primaryGroupId: id }, select: { id: true, username: true } });
      if (primaryOf.length) {
        throw DomainError.conflict(`"${group.name}" is the primary group of ${primaryOf.length} user(s); give them another primary group first.`, {
          users: primaryOf.map((u) => u.username),
        });
      }
      const dependants = await this.dependents.find('group', group.name);
      if (dependants.length) throw DomainError.conflict(dependantsMessage('group', group.name, dependants), { dependants });
      const before = (await this.toGroups([group]))[0];
      const { apply, provisioning } = await this.changes.change({
        touches: GROUP_KINDS,
        actor,
        dryRun,
        reason: `group ${group.name} deleted`,
        rows: async (em) => void (await em.delete(GroupEntity, { id })),
        host: {
          undo: `restoring the host group "${group.name}"`,
          rollback: () => this.host.restoreGroup(group, before.members.map((m) => m.username), group.name),
          run: () => this.host.removeGroup(group),
        },
      });
      if (!dryRun) this.audit.describe({ target: `group:${group.name}`, before });
      return { id, provisioning, apply };
    });
  }
}
