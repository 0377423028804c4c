import { randomUUID } from 'node:crypto';
import { NOLOGIN_SHELL, type CreateGroupRequest, type CreateUserRequest } from '@moxnas/contracts';
import type { Repository } from 'typeorm';
import { GroupEntity } from '../entities/group.entity';
import { UserEntity, type HostStatus } from '../entities/user.entity';

/** What a new user row needs besides its create body: decided by the caller (ids, hashes, host state). */
export interface NewUserFacts {
  uid: number;
  primaryGroupId: string | null;
  hostStatus: HostStatus;
  passwordHash: string;
  credentials: { ntHash: string; unixHash: string };
  now: Date;
}

/** The row of a new user, the same for a single create and a bulk batch. */
export function newUserRow(users: Repository<UserEntity>, input: CreateUserRequest, facts: NewUserFacts): UserEntity {
  return users.create({
    id: randomUUID(),
    username: input.username,
    fullName: input.fullName || null,
    email: input.email || null,
    uid: facts.uid,
    primaryGroupId: facts.primaryGroupId,
    shell: input.shell ?? NOLOGIN_SHELL,
    homeDir: input.homeDir ?? null,
    smbEnabled: input.smbEnabled,
    ftpEnabled: input.ftpEnabled,
    role: input.role,
    disabled: input.disabled,
    builtIn: false,
    passwordHash: facts.passwordHash,
    ntHash: facts.credentials.ntHash,
    unixHash: facts.credentials.unixHash,
    mustChangePassword: input.mustChangePassword,
    tokenVersion: 0,
    totpSecret: null,
    totpPendingSecret: null,
    totpLastStep: null,
    hostStatus: facts.hostStatus,
    passwordChangedAt: facts.now,
    lastLoginAt: null,
    createdAt: facts.now,
    updatedAt: facts.now,
  });
}

/** The row of a new group, the same for a single create and a bulk batch. */
export function newGroupRow(groups: Repository<GroupEntity>, input: CreateGroupRequest, facts: { gid: number; hostStatus: HostStatus; now: Date }): GroupEntity {
  return groups.create({
    id: randomUUID(),
    name: input.name,
    gid: facts.gid,
    description: input.description || null,
    hostStatus: facts.hostStatus,
    createdAt: facts.now,
    updatedAt: facts.now,
  });
}
