import type { CommandRunner, RunOptions, RunResult } from '../command/command-runner';
import type { DirEntry, FileStat, HostFs, Ownership, RmOptions, StatFs } from '../fs/host-fs';
import { FTP_GROUP, FTP_PAM_SERVICE, type HostUserSpec } from './account-manager';
import { LinuxAccountManager } from './linux-account-manager';
import { ntHash } from './nt-hash';

interface Call {
  command: string;
  args: readonly string[];
  stdin?: string;
}

/** A scripted host: answers getent/pdbedit from in-memory tables and records every command. */
class FakeRunner implements CommandRunner {
  readonly calls: Call[] = [];
  passwd = new Map<string, string>();
  group = new Map<string, string>([['users', 'users:x:100:']]);
  shadow = new Map<string, string>();
  passdb = new Map<string, string>();

  async has(): Promise<boolean> {
    return true;
  }

  async run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    this.calls.push({ command, args, stdin: options.stdin });
    const ok = (stdout = ''): RunResult => ({ code: 0, stdout, stderr: '' });
    if (command === 'getent') {
      const table = args[0] === 'passwd' ? this.passwd : args[0] === 'group' ? this.group : this.shadow;
      // Like getent: every key found is printed; exit 2 when any key is missing.
      const hits = args.slice(1).map((key) => table.get(key) ?? [...table.values()].find((line) => line.split(':')[2] === key));
      const found = hits.filter((h): h is string => h !== undefined);
      return { code: found.length === hits.length ? 0 : 2, stdout: found.map((h) => `${h}\n`).join(''), stderr: '' };
    }
    if (command === 'pdbedit' && args.includes('--list')) return ok([...this.passdb.values()].join('\n'));
    if (command === 'useradd') {
      const name = args[args.length - 1];
      const get = (flag: string) => args[args.indexOf(flag) + 1];
      this.passwd.set(name, `${name}:x:${get('--uid')}:${get('--gid')}::${get('--home-dir')}:${get('--shell')}`);
      this.shadow.set(name, `${name}:!:20000:0:99999:7:::`);
    }
    if (command === 'chpasswd') {
      const [name, hash] = (options.stdin ?? '').trim().split(/:(.*)/s);
      this.shadow.set(name, `${name}:${hash}:20000:0:99999:7:::`);
    }
    if (command === 'smbpasswd') {
      const name = args[args.length - 1];
      const password = (options.stdin ?? '').split('\n')[0];
      this.passdb.set(name, `${name}:10000:XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX:${ntHash(password)}:[U          ]:LCT-00000000:`);
    }
    if (command === 'groupadd') {
      const name = args[args.length - 1];
      this.group.set(name, `${name}:x:${args.includes('--gid') ? args[args.indexOf('--gid') + 1] : '999'}:`);
    }
    return ok();
  }
}

class MemoryFs implements HostFs {
  readonly files = new Map<string, { content: string; mode: number }>();
  readonly dirs = new Map<string, Ownership>();
  readonly removed: string[] = [];

  async readFile(p: string): Promise<string | null> {
    return this.files.get(p)?.content ?? null;
  }
  async writeFileAtomic(p: string, content: string | Buffer, options: Ownership = {}): Promise<boolean> {
    this.files.set(p, { content: content.toString(), mode: options.mode ?? 0o644 });
    return true;
  }
  async mkdir(p: string, options: Ownership = {}): Promise<void> {
    this.dirs.set(p, options);
  }
  async stat(p: string): Promise<FileStat | null> {
    const f = this.files.get(p);
    if (!f && !this.dirs.has(p)) return null;
    return { type: f ? 'file' : 'directory', size: f?.content.length ?? 0, mode: f?.mode ?? 0o755, uid: 0, gid: 0, ino: 1, dev: 1, nlink: 1, mtimeMs: 0 };
  }
  lstat(p: string): Promise<FileStat | null> {
    return this.stat(p);
  }
  async realpath(p: string): Promise<string> {
    return p;
  }
  async readdir(): Promise<DirEntry[]> {
    return [];
  }
  async rm(p: string, _options?: RmOptions): Promise<void> {
    this.removed.push(p);
    this.files.delete(p);
  }
  async rename(): Promise<void> {}
  async chmod(): Promise<void> {}
  async chown(): Promise<void> {}
  async link(): Promise<void> {}
  async symlink(): Promise<void> {}
  async statfs(): Promise<StatFs> {
    throw new Error('not used');
  }
  async exists(p: string): Promise<boolean> {
    return this.files.has(p) || this.dirs.has(p);
  }
}

const PASSWORD = 'Correct horse 42';
const credentials = { unixHash: '$6$rounds=1000$salt$hash', ntHash: ntHash(PASSWORD) };

function spec(overrides: Partial<HostUserSpec> = {}): HostUserSpec {
  return {
    username: 'alice',
    uid: 10000,
    primaryGroup: { name: 'users', gid: 100 },
    groups: ['media'],
    shell: '/usr/sbin/nologin',
    home: '/srv/homes/alice',
    fullName: 'Alice Example',
    disabled: false,
    smbEnabled: true,
    ftpEnabled: true,
    ...overrides,
  };
}

function setup(root = true) {
  const runner = new FakeRunner();
  const fs = new MemoryFs();
  const manager = new LinuxAccountManager({
    runner,
    fs,
    smbConf: '/etc-root/etc/samba/smb.conf',
    sambaDirs: { privateDir: '/data/samba/private', lockDir: '/data/samba/lock', stateDir: '/data/samba/state', cacheDir: '/data/samba/cache', pidDir: '/data/samba/pid', logDir: '/data/samba/log' },
    scratchDir: '/data/run/accounts',
    ftpHome: '/data/ftp-home',
    pamDir: '/pam.d',
    isRoot: () => root,
    now: () => new Date('2025-01-01T00:00:00Z'),
  });
  return { runner, fs, manager };
}

const commands = (runner: FakeRunner) => runner.calls.filter((c) => c.command !== 'getent' && !(c.command === 'pdbedit' && c.args.includes('--list')));

describe('LinuxAccountManager', () => {
  it('says plainly that it cannot provision when not root', async () => {
    const { manager } = setup(false);
    const availability = await manager.availability();
    expect(availability.available).toBe(false);
    expect(availability.reason).toMatch(/not running as root/);
  });

  it('looks up many names and ids with one getent per 256 keys, keeping only those found', async () => {
    const { manager, runner } = setup();
    runner.passwd.set('alice', 'alice:x:10001:100::/nonexistent:/usr/sbin/nologin');
    runner.group.set('staff', 'staff:x:10002:alice');
    const keys = ['alice', 10001, 'bob', ...Array.from({ length: 300 }, (_, i) => 20000 + i)];
    expect((await manager.findUsers(keys)).map((u) => [u.username, u.uid])).toEqual([['alice', 10001]]);
    const getents = runner.calls.filter((c) => c.command === 'getent');
    expect(getents.map((c) => c.args.length - 1)).toEqual([256, 47]);
    expect(getents[0].args.slice(0, 3)).toEqual(['passwd', 'alice', '10001']);
    expect((await manager.findGroups(['staff', 10002, 'nogroup'])).map((g) => [g.name, g.gid, g.members])).toEqual([['staff', 10002, ['alice']]]);
    expect(await manager.findUsers([])).toEqual([]);
  });

  it('prepares the minimal smb.conf, a private passdb dir, the FTP group and the PAM service', async () => {
    const { manager, fs, runner } = setup();
    await manager.prepare();
    expect(fs.files.get('/etc-root/etc/samba/smb.conf')?.content).toContain('passdb backend = tdbsam');
    expect(fs.files.get('/etc-root/etc/samba/smb.conf')?.content).toContain('private dir = /data/samba/private');
    expect(fs.dirs.get('/data/samba/private')?.mode).toBe(0o700);
    const pam = fs.files.get(`/pam.d/${FTP_PAM_SERVICE}`)?.content ?? '';
    expect(pam).not.toMatch(/^auth.*pam_shells/m);
    expect(pam).toContain(`user ingroup ${FTP_GROUP}`);
    expect(runner.calls).toContainEqual(expect.objectContaining({ command: 'groupadd', args: ['--system', FTP_GROUP] }));
  });

  it('keeps an existing smb.conf', async () => {
    const { manager, fs } = setup();
    fs.files.set('/etc-root/etc/samba/smb.conf', { content: '[global]\n# the renderer owns this\n', mode: 0o644 });
    await manager.prepare();
    expect(fs.files.get('/etc-root/etc/samba/smb.conf')?.content).toContain('the renderer owns this');
  });

  it('creates a user with argument arrays and every secret on stdin only', async () => {
    const { manager, runner, fs } = setup();
    await manager.ensureUser(spec(), { ...credentials, password: PASSWORD });
    const cmds = commands(runner);
    expect(cmds.map((c) => c.command)).toEqual(['groupadd', 'useradd', 'chpasswd', 'smbpasswd']);
    expect(cmds[1].args).toEqual([
      '--uid', '10000', '--gid', '100', '--groups', `media,${FTP_GROUP}`, '--shell', '/usr/sbin/nologin',
      '--home-dir', '/srv/homes/alice', '--no-create-home', '--comment', 'Alice Example', 'alice',
    ]);
    expect(cmds[2]).toEqual({ command: 'chpasswd', args: ['--encrypted'], stdin: `alice:${credentials.unixHash}\n` });
    expect(cmds[3]).toEqual({ command: 'smbpasswd', args: ['-c', '/etc-root/etc/samba/smb.conf', '-s', '-a', 'alice'], stdin: `${PASSWORD}\n${PASSWORD}\n` });
    for (const call of runner.calls) {
      expect(call.args.join(' ')).not.toContain(PASSWORD);
      expect(call.args.join(' ')).not.toContain(credentials.unixHash);
      expect(call.args.join(' ')).not.toContain(credentials.ntHash);
    }
    expect(fs.dirs.get('/srv/homes/alice')).toEqual({ uid: 10000, gid: 100, mode: 0o700 });
  });

  it('is idempotent: applying the same spec again changes nothing but the usermod', async () => {
    const { manager, runner } = setup();
    await manager.ensureUser(spec(), { ...credentials, password: PASSWORD });
    runner.calls.length = 0;
    await manager.ensureUser(spec(), credentials);
    expect(commands(runner).map((c) => c.command)).toEqual(['usermod']);
  });

  it('disables by locking and expiring the Linux account and disabling the Samba entry', async () => {
    const { manager, runner } = setup();
    await manager.ensureUser(spec(), { ...credentials, password: PASSWORD });
    runner.calls.length = 0;
    await manager.ensureUser(spec({ disabled: true }), credentials);
    const cmds = commands(runner);
    expect(cmds).toContainEqual(expect.objectContaining({ command: 'usermod', args: ['--lock', '--expiredate', '1', 'alice'] }));
    expect(cmds).toContainEqual(
      expect.objectContaining({ command: 'pdbedit', args: ['--configfile', '/etc-root/etc/samba/smb.conf', '--user', 'alice', '--account-control', '[D]'] }),
    );
  });

  it('rebuilds a missing Samba entry from the NT hash through a 0600 file it removes again', async () => {
    const { manager, runner, fs } = setup();
    await manager.ensureUser(spec({ smbEnabled: false }), { ...credentials, password: PASSWORD });
    runner.calls.length = 0;
    const written: Array<{ path: string; content: string; mode: number }> = [];
    const write = fs.writeFileAtomic.bind(fs);
    fs.writeFileAtomic = async (p, content, options) => {
      written.push({ path: p, content: content.toString(), mode: options?.mode ?? -1 });
      return write(p, content, options);
    };
    await manager.ensureUser(spec(), credentials);
    const importCall = runner.calls.find((c) => c.command === 'pdbedit' && c.args.includes('--import'));
    expect(importCall).toBeDefined();
    const file = importCall!.args[importCall!.args.indexOf('--import') + 1].replace('smbpasswd:', '');
    expect(file.startsWith('/data/run/accounts/')).toBe(true);
    expect(written).toEqual([{ path: file, mode: 0o600, content: expect.stringContaining(`alice:10000:${'X'.repeat(32)}:${credentials.ntHash}:[U          ]:`) }]);
    expect(fs.removed).toContain(file);
  });

  it('removes the Samba entry when SMB is switched off', async () => {
    const { manager, runner } = setup();
    await manager.ensureUser(spec(), { ...credentials, password: PASSWORD });
    runner.calls.length = 0;
    await manager.ensureUser(spec({ smbEnabled: false, ftpEnabled: false }), credentials);
    const cmds = commands(runner);
    expect(cmds[0]).toEqual(expect.objectContaining({ command: 'usermod', args: expect.arrayContaining(['--groups', 'media']) }));
    expect(cmds).toContainEqual(expect.objectContaining({ command: 'pdbedit', args: ['--configfile', '/etc-root/etc/samba/smb.conf', '--delete', '--user', 'alice'] }));
  });

  it('deletes the account, keeping the home unless asked', async () => {
    const { manager, runner, fs } = setup();
    await manager.ensureUser(spec(), { ...credentials, password: PASSWORD });
    fs.dirs.set('/srv/homes/alice', {});
    runner.calls.length = 0;
    await manager.removeUser('alice', { removeHome: false });
    expect(commands(runner).map((c) => [c.command, ...c.args].join(' '))).toEqual([
      'pdbedit --configfile /etc-root/etc/samba/smb.conf --delete --user alice',
      'userdel alice',
    ]);
    runner.passwd.set('bob', 'bob:x:10001:100::/srv/homes/alice:/usr/sbin/nologin');
    runner.calls.length = 0;
    await manager.removeUser('bob', { removeHome: true });
    expect(commands(runner).map((c) => [c.command, ...c.args].join(' '))).toEqual(['userdel --remove bob']);
  });

  it('gives FTP users without a home the shared empty FTP home, which a delete never removes', async () => {
    const { manager, runner, fs } = setup();
    await manager.ensureUser(spec({ home: null, ftpEnabled: true }), { ...credentials, password: PASSWORD });
    const useradd = runner.calls.find((c) => c.command === 'useradd')!;
    expect(useradd.args[useradd.args.indexOf('--home-dir') + 1]).toBe('/data/ftp-home');
    expect(fs.dirs.get('/data/ftp-home')).toEqual({ mode: 0o555, uid: 0, gid: 0 });
    // Without FTP there is no reason for a home: /nonexistent, as before.
    await manager.ensureUser(spec({ username: 'carol', uid: 10002, home: null, ftpEnabled: false }), credentials);
    const carol = runner.calls.filter((c) => c.command === 'useradd').pop()!;
    expect(carol.args[carol.args.indexOf('--home-dir') + 1]).toBe('/nonexistent');
    runner.calls.length = 0;
    await manager.removeUser('alice', { removeHome: true });
    expect(commands(runner).map((c) => [c.command, ...c.args].join(' '))).toContain('userdel alice');
  });

  it('renames a group, changes its gid and sets the member list', async () => {
    const { manager, runner } = setup();
    runner.group.set('media', 'media:x:10000:alice');
    await manager.ensureGroup({ name: 'films', gid: 10001, members: ['bob', 'alice'] }, 'media');
    expect(commands(runner).map((c) => [c.command, ...c.args].join(' '))).toEqual([
      'groupmod --new-name films media',
      'groupmod --gid 10001 films',
      'gpasswd -M alice,bob films',
    ]);
  });
});
