import { Logger } from '@nestjs/common';
import type { ExportsStateInput, FtpShareStateInput, SmbConfStateInput } from '@moxnas/render';
import { ANONYMOUS_LOGINS } from '@moxnas/render';
import { In, type EntityManager } from 'typeorm';
import { GroupEntity, UserGroupEntity } from '../users/entities/group.entity';
import { UserEntity } from '../users/entities/user.entity';
import { FtpShareEntity } from './entities/ftp-share.entity';
import { NfsShareEntity } from './entities/nfs-share.entity';
import { SmbShareEntity } from './entities/smb-share.entity';

/*
 * Readers the services module calls inside the apply transaction (ConfigContributions): the
 * enabled shares, mapped to the renderers' states. They use only the given EntityManager.
 */

const log = new Logger('shares');

export async function smbShareStates(m: EntityManager): Promise<SmbConfStateInput['shares']> {
  const rows = await m.find(SmbShareEntity, { where: { enabled: true }, order: { nameKey: 'ASC' } });
  return rows.map((r) => ({
    name: r.name,
    enabled: true,
    path: r.path,
    comment: r.comment,
    browseable: r.browseable,
    readOnly: r.readOnly,
    guestOk: r.guestOk,
    validUsers: r.validUsers,
    validGroups: r.validGroups,
    writeUsers: r.writeUsers,
    writeGroups: r.writeGroups,
    hostsAllow: r.hostsAllow,
    hostsDeny: r.hostsDeny,
    createMask: r.createMask,
    directoryMask: r.directoryMask,
    forceUser: r.forceUser,
    forceGroup: r.forceGroup,
    recycle: r.recycleBin ? { repository: r.recycleBin.repository, perUser: r.recycleBin.perUser, keepTree: r.recycleBin.keepTree, versions: r.recycleBin.versions } : null,
    previousVersions:
      r.previousVersions && r.shadow
        ? { mountpoint: r.shadow.mountpoint, snapdir: r.shadow.snapdir, format: r.shadow.format as '@GMT-%Y.%m.%d-%H.%M.%S', sort: 'desc' as const }
        : null,
    timeMachine: r.timeMachine ? { maxSize: r.timeMachine.maxSize } : null,
    audit: r.audit,
  }));
}

export async function nfsExportStates(m: EntityManager): Promise<ExportsStateInput['exports']> {
  const rows = await m.find(NfsShareEntity, { where: { enabled: true }, order: { path: 'ASC' } });
  return rows.map((r) => ({
    enabled: true,
    path: r.path,
    comment: r.comment,
    clients: r.clients,
    squash: r.squash,
    anonUid: r.anonUid,
    anonGid: r.anonGid,
    sync: r.sync,
    security: r.security,
    subtreeCheck: r.subtreeCheck,
    insecure: r.insecure,
  }));
}

/**
 * Members of each named group that can log in (a Linux account, not disabled), counting the
 * primary group too. Unknown groups map to nobody.
 */
export async function groupMembers(m: EntityManager, groupNames: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(groupNames.map((g) => [g, []]));
  if (!groupNames.length) return out;
  const groups = await m.findBy(GroupEntity, { name: In([...new Set(groupNames)]) });
  if (!groups.length) return out;
  const ids = groups.map((g) => g.id);
  const links = await m.findBy(UserGroupEntity, { groupId: In(ids) });
  const users = await m
    .createQueryBuilder(UserEntity, 'u')
    .where('u.uid IS NOT NULL AND u.disabled = false')
    .andWhere('(u.primary_group_id IN (:...ids) OR u.id IN (:...members))', { ids, members: links.length ? links.map((l) => l.userId) : ['00000000-0000-0000-0000-000000000000'] })
    .getMany();
  for (const g of groups) {
    const memberIds = new Set(links.filter((l) => l.groupId === g.id).map((l) => l.userId));
    out.set(
      g.name,
      users
        .filter((u) => u.primaryGroupId === g.id || memberIds.has(u.id))
        .map((u) => u.username)
        .sort(),
    );
  }
  return out;
}

/** An FTP share with its groups expanded: every login it is the root of. */
export interface ExpandedFtpShare {
  row: FtpShareEntity;
  /** Users named on the share. */
  users: string[];
  /** Members of its groups, per group. */
  viaGroups: Map<string, string[]>;
}

export async function expandFtpShares(m: EntityManager, rows: FtpShareEntity[]): Promise<ExpandedFtpShare[]> {
  const members = await groupMembers(m, [...new Set(rows.flatMap((r) => r.allowedGroups))]);
  return rows.map((row) => ({ row, users: row.allowedUsers, viaGroups: new Map(row.allowedGroups.map((g) => [g, members.get(g) ?? []])) }));
}

/** Of these names, the users who can log in: a Linux account (uid) and not disabled. */
async function loginUsers(m: EntityManager, names: readonly string[]): Promise<Set<string>> {
  if (!names.length) return new Set();
  const rows = await m
    .createQueryBuilder(UserEntity, 'u')
    .select('u.username', 'username')
    .where('u.uid IS NOT NULL AND u.disabled = false AND u.username IN (:...names)', { names: [...new Set(names)] })
    .getRawMany<{ username: string }>();
  return new Set(rows.map((r) => r.username));
}

/**
 * vsftpd gives a login one root (`local_root` in its user_config_dir file), so each user belongs
 * to one FTP share. The API refuses a second share for a user (409), including through groups;
 * group membership can still change afterwards, so here a user named on a share keeps it and a
 * user reached only through groups goes to the oldest share — the file always renders.
 */
export async function ftpShareStates(m: EntityManager): Promise<FtpShareStateInput[]> {
  const rows = await m.find(FtpShareEntity, { where: { enabled: true }, order: { createdAt: 'ASC', id: 'ASC' } });
  const expanded = await expandFtpShares(m, rows);
  // A disabled user is named on the share still, but is no login: left out of the user list.
  const canLogIn = await loginUsers(m, expanded.flatMap((e) => e.users));
  const reserved = new Set<string>(ANONYMOUS_LOGINS);
  const owner = new Map<string, string>();
  const users = new Map<string, string[]>(rows.map((r) => [r.id, []]));
  const claim = (share: FtpShareEntity, user: string) => {
    if (reserved.has(user)) return;
    const first = owner.get(user);
    if (first !== undefined) {
      if (first !== share.id) log.warn({ user, share: share.name }, 'FTP user already has another share; left out of this one');
      return;
    }
    owner.set(user, share.id);
    users.get(share.id)!.push(user);
  };
  for (const e of expanded) for (const u of e.users) if (canLogIn.has(u)) claim(e.row, u);
  for (const e of expanded) for (const list of e.viaGroups.values()) for (const u of list) claim(e.row, u);
  let anonymousTaken = false;
  return rows.map((r) => {
    const anonymous = r.anonymous && !anonymousTaken;
    anonymousTaken ||= anonymous;
    return { name: r.name, enabled: true, path: r.path, allowedUsers: users.get(r.id)!.sort(), anonymous, writeEnable: r.writeEnable, chroot: r.chroot };
  });
}
