import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { CommandRunner, RunOptions, RunResult } from '../command/command-runner';
import type { HostFs } from '../fs/host-fs';
import { ftpPamService, minimalSmbConf, smbpasswdLine, type SambaDirs } from './account-files';
import {
  FTP_GROUP,
  FTP_PAM_SERVICE,
  NO_HOME,
  type AccountManager,
  type AccountsAvailability,
  type HostCredentials,
  type HostGroup,
  type HostGroupSpec,
  type HostUser,
  type HostUserSpec,
} from './account-manager';
import { parseGroupLine, parsePasswdLine, parseShadowLine, parseSmbpasswd, type SambaEntry } from './account-parsers';

export interface LinuxAccountManagerOptions {
  runner: CommandRunner;
  fs: HostFs;
  /** The smb.conf smbpasswd and pdbedit read (`-c` / `--configfile`), so they use the app's passdb. */
  smbConf: string;
  /** Samba's state directories under a dev/test prefix; undefined in system mode (Samba's defaults). */
  sambaDirs: SambaDirs | undefined;
  /** Private scratch directory (created 0700) for passdb import files. */
  scratchDir: string;
  /**
   * Home given to FTP users without a home of their own (an empty directory, root-owned, 0555):
   * vsftpd changes into the passwd home before the per-user `local_root`, so `/nonexistent` would
   * refuse the login. Absent = such users keep `/nonexistent`.
   */
  ftpHome?: string;
  /** Where PAM reads services; PAM itself only looks in /etc/pam.d. */
  pamDir?: string;
  isRoot?: () => boolean;
  now?: () => Date;
}

const SHADOW_TOOLS = ['useradd', 'usermod', 'userdel', 'groupadd', 'groupmod', 'groupdel', 'gpasswd', 'chpasswd', 'getent'];
const SAMBA_TOOLS = ['smbpasswd', 'pdbedit'];
/** Keys per getent call: far below the argument limits, few enough to keep one call quick. */
const GETENT_KEYS_PER_CALL = 256;

/**
 * The real account manager: shadow-utils for Linux accounts and groups (`chpasswd -e` with the
 * stored SHA-512 crypt on stdin), smbpasswd/pdbedit against the app's smb.conf for the Samba
 * passdb (passwords on stdin, NT hashes through a 0600 import file), group membership for FTP.
 */
export class LinuxAccountManager implements AccountManager {
  private readonly pamDir: string;
  private readonly isRoot: () => boolean;
  private readonly now: () => Date;
  private cachedAvailability: AccountsAvailability | undefined;

  constructor(private readonly o: LinuxAccountManagerOptions) {
    this.pamDir = o.pamDir ?? '/etc/pam.d';
    this.isRoot = o.isRoot ?? (() => process.getuid?.() === 0);
    this.now = o.now ?? (() => new Date());
  }

  private run(command: string, args: readonly string[], options?: RunOptions): Promise<RunResult> {
    return this.o.runner.run(command, args, { timeoutMs: 30_000, ...options });
  }

  async availability(): Promise<AccountsAvailability> {
    if (this.cachedAvailability) return this.cachedAvailability;
    if (!this.isRoot()) {
      return (this.cachedAvailability = {
        available: false,
        reason: 'The API is not running as root, so it cannot create Linux, SMB or FTP accounts; run it as root (the installed systemd unit does).',
        samba: false,
        sambaReason: 'The API is not running as root.',
      });
    }
    const missing = (await Promise.all(SHADOW_TOOLS.map(async (t) => ((await this.o.runner.has(t)) ? undefined : t)))).filter(Boolean);
    const missingSamba = (await Promise.all(SAMBA_TOOLS.map(async (t) => ((await this.o.runner.has(t)) ? undefined : t)))).filter(Boolean);
    return (this.cachedAvailability = {
      available: missing.length === 0,
      ...(missing.length ? { reason: `${missing.join(', ')} not installed; install the "passwd" package.` } : {}),
      samba: missing.length === 0 && missingSamba.length === 0,
      ...(missingSamba.length ? { sambaReason: `${missingSamba.join(', ')} not installed; install the "samba" package.` } : {}),
    });
  }

  private async getent(database: 'passwd' | 'group' | 'shadow', key: string): Promise<string | null> {
    // getent exits 2 when the key is not found.
    const result = await this.run('getent', [database, key], { okCodes: [0, 2] });
    return result.code === 0 ? result.stdout.split('\n')[0] : null;
  }

  async findUser(nameOrUid: string | number): Promise<HostUser | null> {
    const line = await this.getent('passwd', String(nameOrUid));
    return line ? parsePasswdLine(line) : null;
  }

  async findGroup(nameOrGid: string | number): Promise<HostGroup | null> {
    const line = await this.getent('group', String(nameOrGid));
    return line ? parseGroupLine(line) : null;
  }

  /** Many keys per `getent` (it prints the entries it finds and exits 2 when one is missing). */
  private async getentMany(database: 'passwd' | 'group', keys: ReadonlyArray<string | number>): Promise<string[]> {
    const unique = [...new Set(keys.map(String))];
    const lines: string[] = [];
    for (let i = 0; i < unique.length; i += GETENT_KEYS_PER_CALL) {
      const result = await this.run('getent', [database, ...unique.slice(i, i + GETENT_KEYS_PER_CALL)], { okCodes: [0, 2] });
      lines.push(...result.stdout.split('\n').filter((l) => l.trim() !== ''));
    }
    // An entry asked for by name and by id is printed twice.
    return [...new Set(lines)];
  }

  async findUsers(keys: ReadonlyArray<string | number>): Promise<HostUser[]> {
    return keys.length ? (await this.getentMany('passwd', keys)).map(parsePasswdLine).filter((u): u is HostUser => u !== null) : [];
  }

  async findGroups(keys: ReadonlyArray<string | number>): Promise<HostGroup[]> {
    return keys.length ? (await this.getentMany('group', keys)).map(parseGroupLine).filter((g): g is HostGroup => g !== null) : [];
  }

  async prepare(): Promise<void> {
    const { fs } = this.o;
    if (this.o.sambaDirs) {
      const { privateDir, ...others } = this.o.sambaDirs;
      for (const dir of Object.values(others)) await fs.mkdir(dir, { mode: 0o755 });
      // The passdb lives here: only root may read it.
      await fs.mkdir(privateDir, { mode: 0o700 });
    }
    if (!(await fs.exists(this.o.smbConf))) {
      await fs.mkdir(path.dirname(this.o.smbConf));
      await fs.writeFileAtomic(this.o.smbConf, minimalSmbConf(this.o.sambaDirs), { mode: 0o644 });
    }
    await fs.mkdir(this.o.scratchDir, { mode: 0o700 });
    await this.ensureFtpGroup();
    await fs.writeFileAtomic(path.join(this.pamDir, FTP_PAM_SERVICE), ftpPamService(), { mode: 0o644, uid: 0, gid: 0 });
  }

  private async ensureFtpGroup(): Promise<void> {
    if (!(await this.findGroup(FTP_GROUP))) await this.run('groupadd', ['--system', FTP_GROUP]);
  }

  async ensureGroup(spec: HostGroupSpec, previousName?: string): Promise<void> {
    let current = previousName ? await this.findGroup(previousName) : null;
    current ??= await this.findGroup(spec.name);
    if (!current) {
      await this.run('groupadd', ['--gid', String(spec.gid), spec.name]);
      current = { name: spec.name, gid: spec.gid, members: [] };
    }
    if (current.name !== spec.name) await this.run('groupmod', ['--new-name', spec.name, current.name]);
    if (current.gid !== spec.gid) await this.run('groupmod', ['--gid', String(spec.gid), spec.name]);
    const wanted = [...new Set(spec.members)].sort();
    if (wanted.join(',') !== [...current.members].sort().join(',')) {
      await this.run('gpasswd', ['-M', wanted.join(','), spec.name]);
    }
  }

  async removeGroup(name: string): Promise<void> {
    if (await this.findGroup(name)) await this.run('groupdel', [name]);
  }

  async ensureUser(spec: HostUserSpec, credentials: HostCredentials): Promise<void> {
    const groups = [...new Set([...spec.groups, ...(spec.ftpEnabled ? [FTP_GROUP] : [])])].sort();
    if (spec.ftpEnabled) await this.ensureFtpGroup();
    const current = await this.findUser(spec.username);
    const ftpHome = !spec.home && spec.ftpEnabled ? this.o.ftpHome : undefined;
    const home = spec.home ?? ftpHome ?? NO_HOME;
    if (ftpHome) await this.o.fs.mkdir(ftpHome, { mode: 0o555, uid: 0, gid: 0 });
    if (!current) {
      await this.run('useradd', [
        '--uid', String(spec.uid),
        '--gid', String(spec.primaryGroup.gid),
        ...(groups.length ? ['--groups', groups.join(',')] : []),
        '--shell', spec.shell,
        '--home-dir', home,
        '--no-create-home',
        '--comment', spec.fullName ?? '',
        spec.username,
      ]);
    } else {
      await this.run('usermod', [
        ...(current.uid !== spec.uid ? ['--uid', String(spec.uid)] : []),
        '--gid', String(spec.primaryGroup.gid),
        // An empty list removes every supplementary group: the spec is the whole truth.
        '--groups', groups.join(','),
        '--shell', spec.shell,
        '--home', home,
        '--comment', spec.fullName ?? '',
        spec.username,
      ]);
    }
    if (spec.home) await this.ensureHome(spec.home, spec.uid, spec.primaryGroup.gid);
    await this.applyPasswordAndLock(spec, credentials);
    await this.syncSamba(spec, credentials);
  }

  private async ensureHome(home: string, uid: number, gid: number): Promise<void> {
    // An existing directory (kept from a deleted account, or the admin's) is left as it is.
    if (await this.o.fs.exists(home)) return;
    await this.o.fs.mkdir(path.dirname(home));
    await this.o.fs.mkdir(home, { uid, gid, mode: 0o700 });
  }

  private async applyPasswordAndLock(spec: HostUserSpec, credentials: HostCredentials): Promise<void> {
    const line = await this.getent('shadow', spec.username);
    const state = line ? parseShadowLine(line) : null;
    const currentHash = line?.split(':')[1]?.replace(/^!/, '') ?? '';
    let locked = state?.locked ?? true;
    const expired = state?.expired ?? false;
    if (currentHash !== credentials.unixHash) {
      await this.run('chpasswd', ['--encrypted'], { stdin: `${spec.username}:${credentials.unixHash}\n` });
      locked = false;
    }
    if (spec.disabled && (!locked || !expired)) {
      // Locked password and an expiry date in 1970: PAM refuses both password and key logins.
      await this.run('usermod', ['--lock', '--expiredate', '1', spec.username]);
    } else if (!spec.disabled && (locked || expired)) {
      await this.run('usermod', [...(locked ? ['--unlock'] : []), '--expiredate', '', spec.username]);
    }
  }

  private async sambaEntries(): Promise<SambaEntry[]> {
    const result = await this.run('pdbedit', ['--configfile', this.o.smbConf, '--list', '--smbpasswd-style']);
    return parseSmbpasswd(result.stdout);
  }

  async listSambaUsers(): Promise<string[]> {
    if (!(await this.availability()).samba) return [];
    return (await this.sambaEntries()).map((e) => e.username);
  }

  private async syncSamba(spec: HostUserSpec, credentials: HostCredentials): Promise<void> {
    if (!(await this.availability()).samba) return;
    const find = async () => (await this.sambaEntries()).find((e) => e.username === spec.username);
    let entry = await find();
    if (!spec.smbEnabled) {
      if (entry) await this.run('pdbedit', ['--configfile', this.o.smbConf, '--delete', '--user', spec.username]);
      return;
    }
    if (!entry || entry.ntHash !== credentials.ntHash.toUpperCase()) {
      if (credentials.password !== undefined) {
        // smbpasswd -s reads the new password twice from stdin.
        await this.run('smbpasswd', ['-c', this.o.smbConf, '-s', '-a', spec.username], {
          stdin: `${credentials.password}\n${credentials.password}\n`,
        });
      } else {
        await this.importNtHash(spec, credentials.ntHash);
      }
      entry = await find();
    }
    if (entry && entry.disabled !== spec.disabled) {
      await this.run('pdbedit', ['--configfile', this.o.smbConf, '--user', spec.username, '--account-control', spec.disabled ? '[D]' : '[]']);
    }
  }

  /** Writes the entry to a 0600 file in the private scratch dir and imports it; the file is removed at once. */
  private async importNtHash(spec: HostUserSpec, ntHash: string): Promise<void> {
    await this.o.fs.mkdir(this.o.scratchDir, { mode: 0o700 });
    const file = path.join(this.o.scratchDir, `passdb-import-${randomBytes(8).toString('hex')}`);
    try {
      await this.o.fs.writeFileAtomic(file, smbpasswdLine({ username: spec.username, uid: spec.uid, ntHash, disabled: spec.disabled, changedAt: this.now() }), { mode: 0o600 });
      await this.run('pdbedit', ['--configfile', this.o.smbConf, '--import', `smbpasswd:${file}`]);
    } finally {
      await this.o.fs.rm(file, { force: true });
    }
  }

  async removeUser(username: string, options: { removeHome: boolean }): Promise<void> {
    if ((await this.availability()).samba && (await this.sambaEntries()).some((e) => e.username === username)) {
      await this.run('pdbedit', ['--configfile', this.o.smbConf, '--delete', '--user', username]);
    }
    const current = await this.findUser(username);
    if (!current) return;
    // The shared FTP home and /nonexistent are nobody's to remove.
    const removeHome = options.removeHome && current.home !== NO_HOME && current.home !== this.o.ftpHome && (await this.o.fs.exists(current.home));
    await this.run('userdel', [...(removeHome ? ['--remove'] : []), username]);
  }
}
