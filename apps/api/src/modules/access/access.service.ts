import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AccessAnswer, AccessQuery, AccessReport } from '@moxnas/contracts';
import { readAcl, type CommandRunner, type HostFs, type HostGroup, type HostIdentities, type HostUser } from '@moxnas/host';
import type { DataSource } from 'typeorm';
import { DomainError } from '../../core/errors/domain-error';
import { FtpShareEntity } from '../shares/entities/ftp-share.entity';
import { NfsShareEntity } from '../shares/entities/nfs-share.entity';
import { SmbShareEntity } from '../shares/entities/smb-share.entity';
import { GroupEntity, UserGroupEntity } from '../users/entities/group.entity';
import { UserEntity } from '../users/entities/user.entity';
import { decideFtp, decideNfs, decideSmb, ftpHome, pathInside, type AccessUser, type FtpShareInput } from './access-decision';
import type { FsIdentity, IdNames, PathNode } from './access-posix';

/** The host adapters effective access reads through (token ACCESS_HOST). */
export interface AccessHost {
  fs: HostFs;
  runner: CommandRunner;
  identities: HostIdentities;
}
export const ACCESS_HOST = Symbol('ACCESS_HOST');

/** Every directory from `root` down to `path` (both included); `path` must be inside `root`. */
export function walk(root: string, path: string): string[] {
  const out = [root];
  const rest = path === root ? '' : path.slice(root === '/' ? 1 : root.length + 1);
  let at = root;
  for (const part of rest.split('/').filter(Boolean)) {
    at = at === '/' ? `/${part}` : `${at}/${part}`;
    out.push(at);
  }
  return out;
}

/** What one request reads once and shares between users: shares, accounts, groups, stat/getfacl and getent answers. */
interface AccessContext {
  path: string;
  smb: SmbShareEntity[];
  ftp: FtpShareEntity[];
  nfs: NfsShareEntity[];
  users: Map<string, UserEntity>;
  groups: Map<string, GroupEntity>;
  memberships: Map<string, string[]>;
  nodes: Map<string, PathNode>;
  hostUsers: Map<string | number, Promise<HostUser | null>>;
  hostGroups: Map<string | number, Promise<HostGroup | null>>;
}

/**
 * Effective access (docs/access.md): the database says which shares, accounts and groups apply;
 * stat and getfacl on every directory from each share root to the path say what the kernel allows.
 * One request reads each of them once, whether it answers for one user or for every user.
 */
@Injectable()
export class AccessService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(ACCESS_HOST) private readonly host: AccessHost,
  ) {}

  async effective(query: AccessQuery): Promise<AccessAnswer> {
    const m = this.db.manager;
    const one = query.user === undefined ? null : await m.findOneBy(UserEntity, { username: query.user });
    if (query.user !== undefined && !one) throw DomainError.notFound(`User ${query.user}`);
    if (!(await this.host.fs.exists(query.path))) throw DomainError.validation([{ field: 'query.path', message: `${query.path} does not exist` }]);
    const ctx = await this.context(await this.host.fs.realpath(query.path));
    if (one) return this.report(ctx, one);
    const users: AccessReport[] = [];
    for (const row of [...ctx.users.values()].sort((a, b) => a.username.localeCompare(b.username))) users.push(await this.report(ctx, row));
    return { path: ctx.path, users };
  }

  private async context(path: string): Promise<AccessContext> {
    const m = this.db.manager;
    const [smb, ftp, nfs, users, groups, links] = await Promise.all([
      m.find(SmbShareEntity, { order: { name: 'ASC' } }),
      m.find(FtpShareEntity, { where: { enabled: true }, order: { createdAt: 'ASC', id: 'ASC' } }),
      m.find(NfsShareEntity, { order: { path: 'ASC' } }),
      m.find(UserEntity),
      m.find(GroupEntity),
      m.find(UserGroupEntity),
    ]);
    const memberships = new Map<string, string[]>();
    for (const l of links) memberships.set(l.userId, [...(memberships.get(l.userId) ?? []), l.groupId]);
    return {
      path,
      smb: smb.filter((s) => pathInside(path, s.path)),
      ftp,
      nfs: nfs.filter((s) => pathInside(path, s.path)),
      users: new Map(users.map((u) => [u.username, u])),
      groups: new Map(groups.map((g) => [g.id, g])),
      memberships,
      nodes: new Map(),
      hostUsers: new Map(),
      hostGroups: new Map(),
    };
  }

  private async report(ctx: AccessContext, row: UserEntity): Promise<AccessReport> {
    const { path } = ctx;
    const user = this.accessUser(ctx, row);
    const smb = [];
    for (const s of ctx.smb) smb.push({ ...s, forced: await this.forced(ctx, s.forceUser, s.forceGroup, user), nodes: await this.nodes(ctx, s.path, path) });

    const home = ftpHome(user, ctx.ftp);
    let ftpHomeInput: { share: FtpShareInput; via: string } | null = null;
    if (home) {
      const root = pathInside(path, home.share.path) ? home.share.path : '/';
      ftpHomeInput = { share: { ...home.share, nodes: home.share.chroot && root === '/' ? [] : await this.nodes(ctx, root, path) }, via: home.via };
    }

    const nfs = [];
    for (const s of ctx.nfs) {
      const uid = s.anonUid ?? 65534;
      const gid = s.anonGid ?? 65534;
      const anonName = (await this.hostUser(ctx, uid))?.username ?? String(uid);
      nfs.push({ ...s, anonymous: { name: anonName, uid, gids: [gid] }, nodes: await this.nodes(ctx, s.path, path) });
    }

    const names = await this.idNames(ctx);
    return { user: user.username, path, smb: decideSmb(user, smb, names), ftp: decideFtp(user, path, ftpHomeInput, names), nfs: decideNfs(user, nfs, names) };
  }

  private accessUser(ctx: AccessContext, u: UserEntity): AccessUser {
    const ids = new Set([...(ctx.memberships.get(u.id) ?? []), ...(u.primaryGroupId ? [u.primaryGroupId] : [])]);
    const groups = [...ids].map((id) => ctx.groups.get(id)).filter((g): g is GroupEntity => g !== undefined);
    const primary = groups.find((g) => g.id === u.primaryGroupId);
    return {
      username: u.username,
      uid: u.uid,
      gid: primary?.gid ?? null,
      groups: groups.map((g) => g.name).sort(),
      gids: groups.map((g) => g.gid),
      disabled: u.disabled,
      smbEnabled: u.smbEnabled,
      ftpEnabled: u.ftpEnabled,
    };
  }

  private hostUser(ctx: AccessContext, key: string | number): Promise<HostUser | null> {
    let found = ctx.hostUsers.get(key);
    if (!found) ctx.hostUsers.set(key, (found = this.host.identities.user(key)));
    return found;
  }

  private hostGroup(ctx: AccessContext, key: string | number): Promise<HostGroup | null> {
    let found = ctx.hostGroups.get(key);
    if (!found) ctx.hostGroups.set(key, (found = this.host.identities.group(key)));
    return found;
  }

  /** force user/group resolved to the identity smbd switches to (the account's own groups, primary replaced by force group). */
  private async forced(ctx: AccessContext, forceUser: string | null, forceGroup: string | null, user: AccessUser): Promise<{ identity: FsIdentity; rule: string } | null> {
    if (!forceUser && !forceGroup) return null;
    let identity: FsIdentity | null = user.uid === null ? null : { name: user.username, uid: user.uid, gids: user.gids };
    if (forceUser) {
      const moxnas = ctx.users.get(forceUser);
      if (moxnas && moxnas.uid !== null) {
        const a = this.accessUser(ctx, moxnas);
        identity = { name: a.username, uid: a.uid!, gids: a.gids };
      } else {
        const h = await this.hostUser(ctx, forceUser);
        if (!h) throw DomainError.conflict(`force user ${forceUser} is no account on this host`);
        identity = { name: h.username, uid: h.uid, gids: [h.gid] };
      }
    }
    if (forceGroup && identity) {
      const g = await this.hostGroup(ctx, forceGroup);
      if (!g) throw DomainError.conflict(`force group ${forceGroup} is no group on this host`);
      identity = { ...identity, gids: [g.gid, ...identity.gids] };
    }
    if (!identity) return null;
    return { identity, rule: forceUser && forceGroup ? 'force user/group' : forceUser ? 'force user' : 'force group' };
  }

  private async nodes(ctx: AccessContext, root: string, path: string): Promise<PathNode[]> {
    const cache = ctx.nodes;
    const out: PathNode[] = [];
    for (const p of walk(root, path)) {
      let node = cache.get(p);
      if (!node) {
        const st = await this.host.fs.stat(p);
        if (!st) throw DomainError.conflict(`${p} disappeared while it was being checked`);
        const acl = (await readAcl(this.host.runner, p)).access;
        node = { path: p, type: st.type === 'directory' ? 'directory' : st.type === 'file' ? 'file' : 'other', mode: st.mode, uid: st.uid, gid: st.gid, acl };
        cache.set(p, node);
      }
      out.push(node);
    }
    return out;
  }

  /** Names of every uid and gid seen so far: MoxNAS accounts first, then the host's (getent). */
  private async idNames(ctx: AccessContext): Promise<IdNames> {
    const cache = ctx.nodes;
    const uids = new Set<number>();
    const gids = new Set<number>();
    for (const n of cache.values()) {
      uids.add(n.uid);
      gids.add(n.gid);
      for (const e of n.acl) if (e.id !== null) (e.tag === 'user' ? uids : gids).add(e.id);
    }
    const users = new Map<number, string>();
    const groups = new Map<number, string>();
    for (const uid of uids) {
      const h = await this.hostUser(ctx, uid);
      if (h) users.set(uid, h.username);
    }
    for (const gid of gids) {
      const h = await this.hostGroup(ctx, gid);
      if (h) groups.set(gid, h.name);
    }
    return { user: (uid) => users.get(uid) ?? String(uid), group: (gid) => groups.get(gid) ?? String(gid) };
  }
}
