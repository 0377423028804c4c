import { FakeCommandRunner } from '../testing/command-runner.fake';
import { aclSpec, applyAcl, HostIdentities } from './acl';
import { parseGetfacl } from './acl-read';

describe('POSIX ACLs', () => {
  it('parses getfacl access entries with numeric ids, default entries apart', () => {
    const text = 'user::rwx\nuser:1001:r-x\ngroup::r-x\ngroup:2000:rw-\t#effective:r--\nmask::r-x\nother::---\ndefault:user::rwx\n\n';
    expect(parseGetfacl(text).default).toEqual([{ tag: 'user', id: null, perms: 'rwx', isDefault: true }]);
    expect(parseGetfacl(text).access).toEqual([
      { tag: 'user', id: null, perms: 'rwx', isDefault: false },
      { tag: 'user', id: 1001, perms: 'rx', isDefault: false },
      { tag: 'group', id: null, perms: 'rx', isDefault: false },
      { tag: 'group', id: 2000, perms: 'rw', isDefault: false },
      { tag: 'mask', id: null, perms: 'rx', isDefault: false },
      { tag: 'other', id: null, perms: '', isDefault: false },
    ]);
  });

  it('renders setfacl --set text with base entries from the mode and numeric qualifiers', () => {
    expect(aclSpec(0o750, [{ tag: 'user', id: 1001, perms: 'rwx', isDefault: false }, { tag: 'group', id: 2000, perms: 'rx', isDefault: true }])).toBe(
      'u::rwx,g::r-x,o::---,u:1001:rwx,d:u::rwx,d:g::r-x,d:o::---,d:g:2000:r-x',
    );
    expect(aclSpec(0o755, [{ tag: 'mask', id: null, perms: 'r', isDefault: false }])).toBe('u::rwx,g::r-x,o::r-x,m::r--');
  });

  it('sets the ACL as argv (no shell), or strips it when empty', async () => {
    const runner = new FakeCommandRunner().on('setfacl', () => ({}));
    await applyAcl(runner, '/srv/a b', 0o770, [{ tag: 'user', id: 7, perms: 'rw', isDefault: false }]);
    await applyAcl(runner, '/srv/a b', 0o770, []);
    expect(runner.calls.map((c) => c.args)).toEqual([
      ['--set', 'u::rwx,g::rwx,o::---,u:7:rw-', '--', '/srv/a b'],
      ['-b', '--', '/srv/a b'],
    ]);
  });

  it('resolves accounts with getent; unknown names are null', async () => {
    const runner = new FakeCommandRunner().on('getent', (args) =>
      args[1] === 'alice' || args[1] === '1001' ? { stdout: 'alice:x:1001:100:Alice,,,:/home/alice:/bin/bash\n' } : { code: 2 },
    );
    const ids = new HostIdentities(runner);
    expect(await ids.user('alice')).toMatchObject({ username: 'alice', uid: 1001 });
    expect(await ids.user(1001)).toMatchObject({ username: 'alice' });
    expect(await ids.user('bob')).toBeNull();
  });
});
