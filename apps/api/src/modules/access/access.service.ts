import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AccessQuery, AccessReport } from '@moxnas/contracts';
import { readAcl, type CommandRunner, type HostFs, type HostIdentities } from '@moxnas/host';
import { In, type DataSource } from 'typeorm';
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

/**
 * Effective access (docs/access.md): the database says which shares, accounts and groups apply;
 * stat and getfacl on every directory from each share root to the path say what the kernel allows.
 */
@Injectable()
export class AccessService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(ACCESS_HOST) private readonly host: AccessHost,
  ) {}

  async effective(query: AccessQuery): Promise<AccessReport> {
    const cache = new Map<string, PathNode>();
    const m = this.db.manager;
    const row = await m.findOneBy(UserEntity, { username: query.user });
    if (!row) throw DomainError.notFound(`User ${query.user}`);
    if (!(await this.host.fs.exists(query.path))) throw DomainError.validation([{ field: 'path', message: `${query.path} does not exist` }]);
    const path = await this.host.fs.realpath(query.path);
    const user = await this.accessUser(row);

    const smbRows = (await m.find(SmbShareEntity, { order: { name: 'ASC' } })).filter((s) => pathInside(path, s.path));
    const smb = [];
    for (const s of smbRows) {
      smb.push({ ...s, forced: await this.forced(s.forceUser, s.forceGroup, user), nodes: await this.nodes(cache, s.path, path) });
    }

    const ftpRows = await m.find(FtpShareEntity, { where: { enabled: true }, order: { createdAt: 'ASC', id: 'ASC' } });
    const home = ftpHome(user, ftpRows);
    let ftpHomeInput: { share: FtpShareInput; via: string } | null = null;
    if (home) {
      const root = pathInside(path, home.share.path) ? home.share.path : '/';
      ftpHomeInput = { share: { ...home.share, nodes: home.share.chroot && root === '/' ? [] : await this.nodes(cache, root, path) }, via: home.via };
    }

    const nfsRows = (await m.find(NfsShareEntity, { order: { path: 'ASC' } })).filter((s) => pathInside(path, s.path));
    const nfs = [];
    for (const s of nfsRows) {
      const uid = s.anonUid ?? 65534;
      const gid = s.anonGid ?? 65534;
      const anonName = (await this.host.identities.user(uid))?.username ?? String(uid);
      nfs.push({ ...s, anonymous: { name: anonName, uid, gids: [gid] }, nodes: await this.nodes(cache, s.path, path) });
    }

    const names = await this.idNames(cache);
    return {
      user: user.username,
      path,
      smb: decideSmb(user, smb, names),
      ftp: decideFtp(user, path, ftpHomeInput, names),
      nfs: decideNfs(user, nfs, names),
    };
  }

  private async accessUser(u: UserEntity): Promise<AccessUser> {
    const m = this.db.manager;
    const links = await m.findBy(UserGroupEntity, { userId: u.id });
    const ids = [...new Set([...links.map((l) => l.groupId), ...(u.primaryGroupId ? [u.primaryGroupId] : [])])];
    const groups = ids.length ? await m.findBy(GroupEntity, { id: In(ids) }) : [];
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

  /** force user/group resolved to the identity smbd switches to (the account's own groups, primary replaced by force group). */
  private async forced(forceUser: string | null, forceGroup: string | null, user: AccessUser): Promise<{ identity: FsIdentity; rule: string } | null> {
    if (!forceUser && !forceGroup) return null;
    let identity: FsIdentity | null = user.uid === null ? null : { name: user.username, uid: user.uid, gids: user.gids };
    if (forceUser) {
      const moxnas = await this.db.manager.findOneBy(UserEntity, { username: forceUser });
      if (moxnas && moxnas.uid !== null) {
        const a = await this.accessUser(moxnas);
        identity = { name: a.username, uid: a.uid!, gids: a.gids };
      } else {
        const h = await this.host.identities.user(forceUser);
        if (!h) throw DomainError.conflict(`force user ${forceUser} is no account on this host`);
        identity = { name: h.username, uid: h.uid, gids: [h.gid] };
      }
    }
    if (forceGroup && identity) {
      const g = await this.host.identities.group(forceGroup);
      if (!g) throw DomainError.conflict(`force group ${forceGroup} is no group on this host`);
      identity = { ...identity, gids: [g.gid, ...identity.gids] };
    }
    if (!identity) return null;
    return { identity, rule: forceUser && forceGroup ? 'force user/group' : forceUser ? 'force user' : 'force group' };
  }

  private async nodes(cache: Map<string, PathNode>, root: string, path: string): Promise<PathNode[]> {
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
  private async idNames(cache: Map<string, PathNode>): Promise<IdNames> {
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
      const h = await this.host.identities.user(uid);
      if (h) users.set(uid, h.username);
    }
    for (const gid of gids) {
      const h = await this.host.identities.group(gid);
      if (h) groups.set(gid, h.name);
    }
    return { user: (uid) => users.get(uid) ?? String(uid), group: (gid) => groups.get(gid) ?? String(gid) };
  }
}
