import type { AclEntry } from '@moxnas/host';
import { decideFtp, decideNfs, decideSmb, ftpHome, type AccessUser, type FtpShareInput, type NfsShareInput, type SmbShareInput } from './access-decision';
import { posixRules, type PathNode } from './access-posix';

const names = {
  user: (uid: number) => ({ 1001: 'alice', 1002: 'bob', 65534: 'nobody' })[uid] ?? String(uid),
  group: (gid: number) => ({ 2000: 'staff', 2001: 'media', 100: 'users' })[gid] ?? String(gid),
};

const alice: AccessUser = { username: 'alice', uid: 1001, gid: 100, groups: ['users', 'staff'], gids: [100, 2000], disabled: false, smbEnabled: true, ftpEnabled: true };
const bob: AccessUser = { username: 'bob', uid: 1002, gid: 100, groups: ['users'], gids: [100], disabled: false, smbEnabled: true, ftpEnabled: true };

const dir = (path: string, mode: number, uid = 1001, gid = 2000, acl: AclEntry[] = []): PathNode => ({ path, type: 'directory', mode, uid, gid, acl });
const open = [dir('/mnt/tank/a', 0o777)];

const smb = (over: Partial<SmbShareInput> = {}): SmbShareInput => ({
  name: 'a', path: '/mnt/tank/a', enabled: true, readOnly: false, validUsers: [], validGroups: [], writeUsers: [], writeGroups: [], hostsAllow: [], hostsDeny: [], forced: null, nodes: open, ...over,
});
const ftp = (over: Partial<FtpShareInput> = {}): FtpShareInput => ({
  name: 'f', path: '/mnt/tank/a', enabled: true, allowedUsers: ['alice'], allowedGroups: [], writeEnable: true, chroot: true, nodes: open, ...over,
});
const nfs = (over: Partial<NfsShareInput> = {}): NfsShareInput => ({
  path: '/mnt/tank/a', enabled: true, clients: [{ host: '10.0.0.0/24', access: 'rw' }], squash: 'root', anonymous: { name: 'nobody', uid: 65534, gids: [65534] }, nodes: open, ...over,
});
const verdictOf = (rules: { rule: string; verdict: string }[], name: string) => rules.find((r) => r.rule === name)?.verdict;

describe('effective access: SMB', () => {
  it('a path outside every share is none with the reason', () => {
    expect(decideSmb(alice, [], names)).toMatchObject({ access: 'none', share: null, rules: [{ rule: 'no share', verdict: 'none' }] });
  });

  it('valid users and valid groups admit by name or membership, and shut out the rest', () => {
    expect(decideSmb(alice, [smb({ validUsers: ['alice'] })], names).access).toBe('write');
    expect(decideSmb(alice, [smb({ validGroups: ['staff'] })], names).access).toBe('write');
    const out = decideSmb(bob, [smb({ validUsers: ['alice'], validGroups: ['staff'] })], names);
    expect(out.access).toBe('none');
    expect(out.rules.find((r) => r.rule === 'valid users')).toMatchObject({ verdict: 'none', detail: 'bob is not in alice, @staff', share: 'a' });
  });

  it('read only gives read unless the user or a group of theirs is in the write list', () => {
    expect(decideSmb(bob, [smb({ readOnly: true })], names).access).toBe('read');
    expect(decideSmb(bob, [smb({ readOnly: true, writeUsers: ['bob'] })], names).access).toBe('write');
    const viaGroup = decideSmb(alice, [smb({ readOnly: true, writeGroups: ['staff'] })], names);
    expect(viaGroup.access).toBe('write');
    expect(verdictOf(viaGroup.rules, 'write list')).toBe('write');
    expect(decideSmb(bob, [smb({ readOnly: true, writeGroups: ['staff'] })], names).access).toBe('read');
  });

  it('a disabled user, smbEnabled off or a disabled share is none', () => {
    expect(decideSmb({ ...alice, disabled: true }, [smb()], names)).toMatchObject({ access: 'none' });
    expect(verdictOf(decideSmb({ ...alice, smbEnabled: false }, [smb()], names).rules, 'smbEnabled')).toBe('none');
    expect(decideSmb({ ...alice, smbEnabled: false }, [smb()], names).access).toBe('none');
    expect(decideSmb(alice, [smb({ enabled: false })], names).access).toBe('none');
  });

  it('force user makes the file-system checks run as the forced account', () => {
    const nodes = [dir('/mnt/tank/a', 0o700, 1002, 100)];
    expect(decideSmb(alice, [smb({ nodes })], names).access).toBe('none');
    const forced = decideSmb(alice, [smb({ nodes, forced: { identity: { name: 'bob', uid: 1002, gids: [100] }, rule: 'force user' } })], names);
    expect(forced.access).toBe('write');
    expect(forced.rules.map((r) => r.rule)).toContain('force user');
  });

  it('of several shares containing the path, the best one answers', () => {
    const out = decideSmb(bob, [smb({ name: 'ro', readOnly: true }), smb({ name: 'rw' })], names);
    expect(out).toMatchObject({ access: 'write', share: 'rw' });
  });
});

describe('effective access: POSIX mode and ACL', () => {
  const who = { name: 'bob', uid: 1002, gids: [100] };
  it('owner, group and other bits decide in that order', () => {
    expect(posixRules([dir('/a', 0o750, 1002, 2000)], who, names, null)[0]).toMatchObject({ verdict: 'write', rule: 'POSIX mode 0750 on /a (owner bob, group staff)' });
    expect(posixRules([dir('/a', 0o750, 1001, 100)], who, names, null)[0].verdict).toBe('read');
    expect(posixRules([dir('/a', 0o705, 1001, 2000)], who, names, null)[0].verdict).toBe('read');
    expect(posixRules([dir('/a', 0o770, 1001, 2000)], who, names, null)[0].verdict).toBe('none');
    // Owner bits apply to the owner even when other has more.
    expect(posixRules([dir('/a', 0o077, 1002, 2000)], who, names, null)[0].verdict).toBe('none');
  });

  it('a directory above the path without x stops everything below it', () => {
    const rules = posixRules([dir('/a', 0o700, 1001, 2000), dir('/a/b', 0o777)], who, names, 's');
    expect(rules.map((r) => r.verdict)).toEqual(['none', 'write']);
    expect(rules[0].detail).toContain('cannot enter');
  });

  it('files are read with r and written with w', () => {
    const file: PathNode = { path: '/a/f', type: 'file', mode: 0o644, uid: 1001, gid: 2000, acl: [] };
    expect(posixRules([dir('/a', 0o755), file], who, names, null).map((r) => r.verdict)).toEqual(['write', 'read']);
  });

  it('named ACL entries decide for the user or group they name, limited by the mask', () => {
    const acl = (entries: Array<[AclEntry['tag'], number | null, string]>) => entries.map(([tag, id, perms]) => ({ tag, id, perms, isDefault: false }));
    const base: Array<[AclEntry['tag'], number | null, string]> = [['user', null, 'rwx'], ['group', null, 'rx'], ['other', null, '']];
    const byUser = posixRules([dir('/a', 0o770, 1001, 2000, acl([...base, ['user', 1002, 'rwx'], ['mask', null, 'rwx']]))], who, names, null)[0];
    expect(byUser).toMatchObject({ verdict: 'write', rule: 'ACL entry user:bob:rwx on /a' });
    const masked = posixRules([dir('/a', 0o750, 1001, 2000, acl([...base, ['user', 1002, 'rwx'], ['mask', null, 'rx']]))], who, names, null)[0];
    expect(masked.verdict).toBe('read');
    const byGroup = posixRules([dir('/a', 0o750, 1001, 2000, acl([...base, ['group', 100, 'rx'], ['mask', null, 'rx']]))], who, names, null)[0];
    expect(byGroup).toMatchObject({ verdict: 'read', rule: 'ACL entry group:users:r-x on /a' });
    // A named group entry without the bits denies even though other would allow.
    const denied = posixRules([dir('/a', 0o707, 1001, 2000, acl([['user', null, 'rwx'], ['group', null, ''], ['other', null, 'rwx'], ['group', 100, ''], ['mask', null, 'rwx']]))], who, names, null)[0];
    expect(denied.verdict).toBe('none');
  });
});

describe('effective access: FTP', () => {
  it('allowed users and allowed groups pick the login root; nobody else gets in', () => {
    expect(decideFtp(alice, '/mnt/tank/a', ftpHome(alice, [ftp()]), names).access).toBe('write');
    const viaGroup = ftpHome(alice, [ftp({ allowedUsers: [], allowedGroups: ['staff'] })]);
    expect(viaGroup?.via).toContain('allowedGroups (staff)');
    expect(decideFtp(bob, '/mnt/tank/a', ftpHome(bob, [ftp()]), names)).toMatchObject({ access: 'none', share: null });
  });

  it('a user named on a share keeps it over an older share reaching them through a group', () => {
    const shares = [ftp({ name: 'old', allowedUsers: [], allowedGroups: ['staff'] }), ftp({ name: 'mine', path: '/mnt/tank/b' })];
    expect(ftpHome(alice, shares)?.share.name).toBe('mine');
  });

  it('writeEnable off gives read; disabled or ftpEnabled off gives none', () => {
    expect(decideFtp(alice, '/mnt/tank/a', ftpHome(alice, [ftp({ writeEnable: false })]), names).access).toBe('read');
    expect(decideFtp({ ...alice, disabled: true }, '/mnt/tank/a', ftpHome(alice, [ftp()]), names).access).toBe('none');
    expect(decideFtp({ ...alice, ftpEnabled: false }, '/mnt/tank/a', ftpHome(alice, [ftp()]), names).access).toBe('none');
  });

  it('chroot keeps the login out of paths outside its share; without chroot the file system decides', () => {
    const chrooted = decideFtp(alice, '/mnt/tank/z', ftpHome(alice, [ftp()]), names);
    expect(chrooted.access).toBe('none');
    expect(verdictOf(chrooted.rules, 'chroot')).toBe('none');
    const free = decideFtp(alice, '/mnt/tank/z', ftpHome(alice, [ftp({ chroot: false, nodes: [dir('/', 0o755, 0, 0), dir('/mnt/tank/z', 0o755, 0, 0)] })]), names);
    expect(free.access).toBe('read');
  });
});

describe('effective access: NFS', () => {
  it('rw and ro clients cap the answer and the note names the client-side limits', () => {
    expect(decideNfs(alice, [nfs()], names).access).toBe('write');
    const ro = decideNfs(alice, [nfs({ clients: [{ host: '*', access: 'ro' }] })], names);
    expect(ro.access).toBe('read');
    expect(ro.note).toContain('uid');
  });

  it('all_squash checks the file system as the anonymous account', () => {
    const nodes = [dir('/mnt/tank/a', 0o750, 1001, 2000)];
    expect(decideNfs(alice, [nfs({ nodes })], names).access).toBe('write');
    expect(decideNfs(alice, [nfs({ nodes, squash: 'all' })], names).access).toBe('none');
  });

  it('a path outside every export is none', () => {
    expect(decideNfs(alice, [], names)).toMatchObject({ access: 'none', rules: [{ rule: 'no share' }] });
  });
});
