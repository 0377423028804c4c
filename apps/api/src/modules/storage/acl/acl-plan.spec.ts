import { parseGetfacl, type AclEntry } from '@moxnas/host';
import type { PoolEntity } from '../entities/pool.entity';
import { aclRefusal, diffAcl, expectedAcl, fileDefaultProblems, planAcl } from './acl-plan';

const cap = (available: boolean, reason: string) => ({ available, probed: true, reason });
const pool = (posixAcl: boolean) => ({ name: 'tank', capabilities: { posixAcl: cap(posixAcl, posixAcl ? 'setfacl works' : 'vfat has no POSIX ACLs'), userXattr: cap(true, 'ok') } }) as unknown as PoolEntity;

const current = parseGetfacl('user::rwx\ngroup::r-x\nmask::rwx\nother::---\nuser:1000:rwx\n');
const named = (tag: 'user' | 'group', id: number, perms: string, isDefault = false): AclEntry => ({ tag, id, perms, isDefault });

describe('ACL editor decisions', () => {
  it('refuses a pool without POSIX ACLs with the probed reason, and accepts one with them', () => {
    expect(aclRefusal(pool(false))).toBe('POSIX ACLs are not available on pool tank: vfat has no POSIX ACLs');
    expect(aclRefusal(pool(true))).toBeNull();
  });

  it('parses getfacl output into access and default entries', () => {
    const parsed = parseGetfacl('user::rw-\nuser:33:r-x\t#effective:r--\ngroup::r--\ndefault:user::rwx\ndefault:group:100:rwx\n\n');
    expect(parsed.access).toEqual([
      { tag: 'user', id: null, perms: 'rw', isDefault: false },
      { tag: 'user', id: 33, perms: 'rx', isDefault: false },
      { tag: 'group', id: null, perms: 'r', isDefault: false },
    ]);
    expect(parsed.default).toEqual([
      { tag: 'user', id: null, perms: 'rwx', isDefault: true },
      { tag: 'group', id: 100, perms: 'rwx', isDefault: true },
    ]);
    expect(() => parseGetfacl('weird line')).toThrow(/unexpected getfacl line/);
  });

  it('keeps the owner, owning group and other entries and replaces the named ones', () => {
    const full = planAcl(current, [named('group', 33, 'rw')], true);
    expect(full).toEqual([
      { tag: 'user', id: null, perms: 'rwx', isDefault: false },
      { tag: 'group', id: null, perms: 'rx', isDefault: false },
      { tag: 'other', id: null, perms: '', isDefault: false },
      { tag: 'group', id: 33, perms: 'rw', isDefault: false },
    ]);
  });

  it('fills default base entries from the access ACL on a directory and drops defaults on a file', () => {
    const dir = planAcl(current, [named('user', 7, 'rx', true)], true);
    expect(dir.filter((e) => e.isDefault).map((e) => `${e.tag}:${e.id ?? ''}:${e.perms}`)).toEqual(['user::rwx', 'group::rx', 'other::', 'user:7:rx']);
    expect(planAcl(current, [named('user', 7, 'rx', true)], false).some((e) => e.isDefault)).toBe(false);
    expect(fileDefaultProblems([named('user', 1, 'r'), named('user', 7, 'rx', true)], false)).toEqual([{ field: 'entries.1.default', message: expect.stringMatching(/directories only/) }]);
    expect(fileDefaultProblems([named('user', 7, 'rx', true)], true)).toEqual([]);
  });

  it('adds the mask setfacl computes and reports the per-entry differences', () => {
    const plain = parseGetfacl('user::rwx\ngroup::r-x\nother::---\n');
    const after = expectedAcl(planAcl(plain, [named('user', 65534, 'rw')], true));
    expect(after.access).toContainEqual({ tag: 'mask', id: null, perms: 'rwx', isDefault: false });
    expect(diffAcl(plain, after)).toEqual([
      { entry: 'user:65534', before: null, after: 'rw-' },
      { entry: 'mask', before: null, after: 'rwx' },
    ]);
    // Emptying a list removes the named entries and the mask; nothing else changes.
    expect(diffAcl(current, expectedAcl(planAcl(current, [], true)))).toEqual([
      { entry: 'mask', before: 'rwx', after: null },
      { entry: 'user:1000', before: 'rwx', after: null },
    ]);
  });
});
