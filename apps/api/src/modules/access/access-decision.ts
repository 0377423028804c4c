import type { AccessLevel, AccessRule, ProtocolAccess } from '@moxnas/contracts';
import { chainLevel, LEVELS, posixRules, type FsIdentity, type IdNames, type PathNode } from './access-posix';

/**
 * Effective access, decided from what the database and the file system hold. Pure: the service
 * gathers the inputs (users, groups, shares, stat and ACL of every directory) and this decides.
 */

export interface AccessUser {
  username: string;
  /** Null: no Linux account (the built-in admin). */
  uid: number | null;
  /** Primary group id, when the account has one. */
  gid: number | null;
  /** Every group the user is in (primary and supplementary), by name. */
  groups: readonly string[];
  /** Every gid (primary and supplementary). */
  gids: readonly number[];
  disabled: boolean;
  smbEnabled: boolean;
  ftpEnabled: boolean;
}

export interface SmbShareInput {
  name: string;
  path: string;
  enabled: boolean;
  readOnly: boolean;
  validUsers: readonly string[];
  validGroups: readonly string[];
  writeUsers: readonly string[];
  writeGroups: readonly string[];
  hostsAllow: readonly string[];
  hostsDeny: readonly string[];
  /** The identity files are reached as (force user/group resolved), or null for the user's own. */
  forced: { identity: FsIdentity; rule: string } | null;
  /** From the share root down to the asked path. */
  nodes: readonly PathNode[];
}

export interface FtpShareInput {
  name: string;
  path: string;
  enabled: boolean;
  allowedUsers: readonly string[];
  allowedGroups: readonly string[];
  writeEnable: boolean;
  chroot: boolean;
  /** The directories the login walks to reach the path: from its share root, or from / when the path is outside. */
  nodes: readonly PathNode[];
}

export interface NfsShareInput {
  path: string;
  enabled: boolean;
  clients: ReadonlyArray<{ host: string; access: 'ro' | 'rw' }>;
  squash: 'root' | 'none' | 'all';
  /** The identity an all-squashed request runs as (anonuid/anongid). */
  anonymous: FsIdentity;
  nodes: readonly PathNode[];
}

export const NFS_NOTE =
  'NFS trusts the client: this assumes an allowed client host that sends the same uid and gids as this server (AUTH_SYS); another client, uid mapping or Kerberos changes the answer.';

const rule = (name: string, verdict: AccessLevel, detail: string, share: string | null = null): AccessRule => ({ rule: name, verdict, detail, share });
const answer = (rules: AccessRule[], share: string | null, note: string | null = null): ProtocolAccess => ({ access: chainLevel(rules), share, rules, note });
const better = (a: ProtocolAccess, b: ProtocolAccess) => (LEVELS.indexOf(b.access) > LEVELS.indexOf(a.access) ? b : a);
const list = (names: readonly string[]) => names.join(', ');

/** The rules about the account itself, shared by SMB and FTP. */
function accountRules(user: AccessUser, flag: 'smbEnabled' | 'ftpEnabled'): AccessRule[] {
  const rules: AccessRule[] = [];
  if (user.uid === null) rules.push(rule('Linux account', 'none', `${user.username} has no Linux account`));
  if (user.disabled) rules.push(rule('user disabled', 'none', `${user.username} is disabled and cannot log in`));
  else rules.push(rule('user disabled', 'write', `${user.username} is not disabled`));
  const on = user[flag];
  rules.push(rule(flag, on ? 'write' : 'none', on ? `${flag} is on` : `${flag} is off: ${user.username} has no ${flag === 'smbEnabled' ? 'SMB' : 'FTP'} login`));
  return rules;
}

const identityOf = (user: AccessUser): FsIdentity | null => (user.uid === null ? null : { name: user.username, uid: user.uid, gids: user.gids });

function smbShare(user: AccessUser, share: SmbShareInput, names: IdNames): ProtocolAccess {
  const s = share.name;
  const rules = accountRules(user, 'smbEnabled');
  rules.push(rule('share enabled', share.enabled ? 'write' : 'none', share.enabled ? 'the share is enabled' : 'the share is disabled', s));
  if (share.validUsers.length || share.validGroups.length) {
    const byName = share.validUsers.includes(user.username);
    const group = share.validGroups.find((g) => user.groups.includes(g));
    const allowed = [...share.validUsers, ...share.validGroups.map((g) => `@${g}`)];
    rules.push(rule('valid users', byName || group ? 'write' : 'none', byName ? `${user.username} is listed` : group ? `${user.username} is in @${group}` : `${user.username} is not in ${list(allowed)}`, s));
  } else {
    rules.push(rule('valid users', 'write', 'no valid users list: every SMB user may connect', s));
  }
  if (share.readOnly) {
    const byName = share.writeUsers.includes(user.username);
    const group = share.writeGroups.find((g) => user.groups.includes(g));
    if (byName || group) rules.push(rule('write list', 'write', `read only, but ${byName ? `${user.username} is` : `${user.username} is in @${group}`} in the write list`, s));
    else rules.push(rule('read only', 'read', share.writeUsers.length || share.writeGroups.length ? `read only, and ${user.username} is not in the write list` : 'the share is read only', s));
  } else {
    rules.push(rule('read only', 'write', 'the share is writable', s));
  }
  if (share.hostsAllow.length || share.hostsDeny.length) {
    const parts = [share.hostsAllow.length ? `allowed: ${list(share.hostsAllow)}` : '', share.hostsDeny.length ? `denied: ${list(share.hostsDeny)}` : ''].filter(Boolean);
    rules.push(rule('hosts allow/deny', 'write', `only from client addresses the share admits (${parts.join('; ')})`, s));
  }
  let who = identityOf(user);
  if (share.forced) {
    who = share.forced.identity;
    rules.push(rule(share.forced.rule, 'write', `files are reached as ${who.name} (uid ${who.uid})`, s));
  }
  if (who) rules.push(...posixRules(share.nodes, who, names, s));
  return answer(rules, s);
}

/** SMB: the best answer of the shares whose path contains the asked path. */
export function decideSmb(user: AccessUser, shares: readonly SmbShareInput[], names: IdNames): ProtocolAccess {
  if (!shares.length) return answer([rule('no share', 'none', 'no SMB share contains this path')], null);
  return shares.map((s) => smbShare(user, s, names)).reduce(better);
}

/**
 * The FTP share a login belongs to, as the renderer assigns it: vsftpd gives a login one root, so
 * a share naming the user wins, else the oldest share reaching them through a group. `shares` must
 * be every enabled FTP share, oldest first.
 */
export function ftpHome<T extends Pick<FtpShareInput, 'enabled' | 'allowedUsers' | 'allowedGroups'>>(user: AccessUser, shares: readonly T[]): { share: T; via: string } | null {
  const named = shares.find((s) => s.enabled && s.allowedUsers.includes(user.username));
  if (named) return { share: named, via: `${user.username} is in allowedUsers` };
  for (const s of shares) {
    const g = s.enabled ? s.allowedGroups.find((x) => user.groups.includes(x)) : undefined;
    if (g) return { share: s, via: `${user.username} is in allowedGroups (${g})` };
  }
  return null;
}

const inside = (path: string, root: string) => root === '/' || path === root || path.startsWith(`${root}/`);

/** FTP: `home` is the user's share (ftpHome over every enabled share), with its nodes walked to `path`. */
export function decideFtp(user: AccessUser, path: string, home: { share: FtpShareInput; via: string } | null, names: IdNames): ProtocolAccess {
  const rules = accountRules(user, 'ftpEnabled');
  if (!home) {
    rules.push(rule('FTP allowedUsers/allowedGroups', 'none', `no enabled FTP share lists ${user.username} or one of their groups`));
    return answer(rules, null);
  }
  const { share, via } = home;
  const s = share.name;
  rules.push(rule('FTP allowedUsers/allowedGroups', 'write', `${via}: the login's root is ${share.path}`, s));
  if (!inside(path, share.path)) {
    if (share.chroot) {
      rules.push(rule('chroot', 'none', `the login is locked into ${share.path}, which does not contain this path`, s));
      return answer(rules, s);
    }
    rules.push(rule('chroot', 'write', `chroot is off: the login can reach paths outside ${share.path}`, s));
  } else {
    rules.push(rule('chroot', 'write', share.chroot ? `the login is locked into ${share.path}, which contains this path` : 'chroot is off', s));
  }
  rules.push(rule('writeEnable', share.writeEnable ? 'write' : 'read', share.writeEnable ? 'writing is on for this share' : 'writing is off for this share', s));
  const who = identityOf(user);
  if (who) rules.push(...posixRules(share.nodes, who, names, s));
  return answer(rules, s);
}

function nfsShare(user: AccessUser, share: NfsShareInput, names: IdNames): ProtocolAccess {
  const s = share.path;
  const rules: AccessRule[] = [rule('share enabled', share.enabled ? 'write' : 'none', share.enabled ? 'the export is enabled' : 'the export is disabled', s)];
  const rw = share.clients.filter((c) => c.access === 'rw').map((c) => c.host);
  const ro = share.clients.filter((c) => c.access === 'ro').map((c) => c.host);
  if (!share.clients.length) rules.push(rule('export clients', 'none', 'the export lists no client', s));
  else if (rw.length) rules.push(rule('export clients (rw)', 'write', `read-write for ${list(rw)}${ro.length ? `; read-only for ${list(ro)}` : ''}`, s));
  else rules.push(rule('export clients (ro)', 'read', `read-only for ${list(ro)}`, s));
  if (user.disabled) rules.push(rule('user disabled', 'write', 'NFS does not check MoxNAS logins: a disabled user keeps the access their uid has'));
  let who = identityOf(user);
  if (share.squash === 'all') {
    who = share.anonymous;
    rules.push(rule('all_squash', 'write', `every request runs as ${who.name} (uid ${who.uid})`, s));
  } else {
    rules.push(rule(share.squash === 'root' ? 'root_squash' : 'no_root_squash', 'write', `requests run as the uid the client sends${share.squash === 'root' ? '; root is mapped to the anonymous uid' : ''}`, s));
  }
  if (!who) rules.push(rule('Linux account', 'none', `${user.username} has no uid a client could send`));
  else rules.push(...posixRules(share.nodes, who, names, s));
  return answer(rules, s, NFS_NOTE);
}

export function decideNfs(user: AccessUser, shares: readonly NfsShareInput[], names: IdNames): ProtocolAccess {
  if (!shares.length) return answer([rule('no share', 'none', 'no NFS export contains this path')], null, NFS_NOTE);
  return shares.map((s) => nfsShare(user, s, names)).reduce(better);
}

export { inside as pathInside };
