import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import type { CommandRunner } from '../command/command-runner';
import type { HostFs } from '../fs/host-fs';

/**
 * ssh for replication: the key pair MoxNAS owns, the target host keys it pins, and the exact ssh
 * and rsync argument lists (docs/replication.md). Everything runs through the CommandRunner with
 * argument arrays; no secret is ever an argument (the private key is a file, mode 0600).
 */

export const REPLICATION_KEY_NAME = 'id_ed25519';

export interface PublicKeyInfo {
  /** The authorized_keys line. */
  publicKey: string;
  type: string;
  fingerprint: string;
}

export interface HostKey {
  type: string;
  /** Base64 key blob. */
  key: string;
}

/** `SHA256:…` of a base64 key blob, as `ssh-keygen -l` prints it. */
export function sshFingerprint(base64Key: string): string {
  return `SHA256:${createHash('sha256').update(Buffer.from(base64Key, 'base64')).digest('base64').replace(/=+$/, '')}`;
}

/** The name ssh looks a host up by in known_hosts: `host`, or `[host]:port` off port 22. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

const KEY_TYPES = new Set(['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'ssh-rsa']);

/** The host keys in ssh-keyscan output (comment lines and unknown types left out). */
export function parseKeyscan(output: string): HostKey[] {
  const keys: HostKey[] = [];
  for (const line of output.split('\n')) {
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    const [, type, key] = t.split(/\s+/);
    if (type && key && KEY_TYPES.has(type) && /^[A-Za-z0-9+/]+=*$/.test(key)) keys.push({ type, key });
  }
  return keys;
}

/** known_hosts content pinning `keys` for the host at `port`. */
export function knownHostsText(host: string, port: number, keys: readonly HostKey[]): string {
  const name = knownHostsName(host, port);
  return keys.map((k) => `${name} ${k.type} ${k.key}\n`).join('');
}

/**
 * Asks the target for its host keys (trust on first use). Empty when nothing answered: ssh-keyscan
 * exits 1 and prints nothing useful for a refused or timed-out connection.
 */
export async function scanHostKeys(runner: CommandRunner, host: string, port: number, timeoutSeconds = 10): Promise<HostKey[]> {
  const res = await runner.run('ssh-keyscan', ['-T', String(timeoutSeconds), '-p', String(port), '-t', 'ed25519,ecdsa,rsa', '--', host], {
    timeoutMs: (timeoutSeconds + 5) * 1000,
    okCodes: [0, 1],
  });
  return parseKeyscan(res.stdout);
}

/**
 * The key pair MoxNAS replicates with: `<dir>/id_ed25519` (0600) and `.pub`, in a 0700 directory.
 * Made once with ssh-keygen in a scratch directory beside them and renamed into place, so a crash
 * never leaves half a pair.
 */
export class ReplicationKeyStore {
  constructor(
    private readonly fs: HostFs,
    private readonly runner: CommandRunner,
    readonly dir: string,
  ) {}

  get privateKeyPath(): string {
    return path.join(this.dir, REPLICATION_KEY_NAME);
  }

  knownHostsPath(taskId: string): string {
    return path.join(this.dir, 'known_hosts.d', taskId);
  }

  async publicKey(): Promise<PublicKeyInfo | null> {
    const text = await this.fs.readFile(`${this.privateKeyPath}.pub`);
    if (text === null || !(await this.fs.exists(this.privateKeyPath))) return null;
    const line = text.trim();
    const [type, key] = line.split(/\s+/);
    return { publicKey: line, type, fingerprint: sshFingerprint(key) };
  }

  /** The public key, making the pair first when there is none. */
  async ensure(): Promise<PublicKeyInfo> {
    const existing = await this.publicKey();
    if (existing) {
      await this.fs.chmod(this.privateKeyPath, 0o600);
      return existing;
    }
    await this.fs.mkdir(this.dir, { mode: 0o700 });
    const scratch = path.join(this.dir, `.keygen-${randomBytes(6).toString('hex')}`);
    await this.fs.mkdir(scratch, { mode: 0o700 });
    try {
      const file = path.join(scratch, REPLICATION_KEY_NAME);
      // -N '' is the (empty) passphrase, not a secret: the key file itself is the secret.
      await this.runner.run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'moxnas-replication', '-f', file]);
      await this.fs.chmod(file, 0o600);
      await this.fs.rename(`${file}.pub`, `${this.privateKeyPath}.pub`);
      await this.fs.rename(file, this.privateKeyPath);
    } finally {
      await this.fs.rm(scratch, { recursive: true, force: true });
    }
    const made = await this.publicKey();
    if (!made) throw new Error(`ssh-keygen did not leave a key pair in ${this.dir}`);
    return made;
  }

  /** Writes the pinned keys of one task to its own known_hosts file (0600, atomically). */
  async writeKnownHosts(taskId: string, host: string, port: number, keys: readonly HostKey[]): Promise<string> {
    const file = this.knownHostsPath(taskId);
    await this.fs.mkdir(path.dirname(file), { mode: 0o700 });
    await this.fs.writeFileAtomic(file, knownHostsText(host, port, keys), { mode: 0o600 });
    return file;
  }

  async removeKnownHosts(taskId: string): Promise<void> {
    await this.fs.rm(this.knownHostsPath(taskId), { force: true });
  }
}

export interface SshTarget {
  host: string;
  port: number;
  user: string;
  identityFile: string;
  knownHostsFile: string;
  connectTimeoutSeconds?: number;
}

/**
 * The ssh command line: no user or system ssh_config (`-F /dev/null`), only our key, no password
 * or keyboard prompts, and only the pinned host keys (StrictHostKeyChecking=yes against our own
 * known_hosts file; the global one is ignored).
 */
export function sshArgs(t: SshTarget): string[] {
  return [
    '-F', '/dev/null',
    '-i', t.identityFile,
    '-p', String(t.port),
    '-o', 'IdentitiesOnly=yes',
    '-o', 'BatchMode=yes',
    '-o', 'PasswordAuthentication=no',
    '-o', 'KbdInteractiveAuthentication=no',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `UserKnownHostsFile=${t.knownHostsFile}`,
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'UpdateHostKeys=no',
    '-o', `ConnectTimeout=${t.connectTimeoutSeconds ?? 15}`,
    '-o', 'ServerAliveInterval=15',
    '-o', 'ServerAliveCountMax=4',
  ];
}

export interface RsyncJob extends SshTarget {
  /** Local directory whose contents are copied (a snapshot tree). */
  source: string;
  remotePath: string;
  bandwidthLimitKiBps: number | null;
  deleteOnTarget: boolean;
  excludes: readonly string[];
}

/** Characters rsync's `-e` splitting would take apart or treat as quotes. */
const RSH_UNSAFE = /[\s'"\\]/;

/**
 * The rsync argument list. rsync splits the `-e` string itself (no shell), so the key and
 * known_hosts paths must not hold whitespace or quotes; the remote path is sent protected
 * (`--protect-args`) and its grammar leaves nothing for a remote shell to expand anyway.
 */
export function rsyncArgs(job: RsyncJob): string[] {
  for (const p of [job.identityFile, job.knownHostsFile]) {
    if (RSH_UNSAFE.test(p)) throw new Error(`cannot pass ${p} to rsync -e: the path holds whitespace or quotes`);
  }
  const host = job.host.includes(':') ? `[${job.host}]` : job.host;
  return [
    '--archive',
    '--hard-links',
    '--numeric-ids',
    '--protect-args',
    '--no-inc-recursive',
    '--info=progress2',
    '--stats',
    ...(job.bandwidthLimitKiBps !== null ? [`--bwlimit=${job.bandwidthLimitKiBps}`] : []),
    ...(job.deleteOnTarget ? ['--delete'] : []),
    ...job.excludes.map((e) => `--exclude=${e}`),
    '--rsh', ['ssh', ...sshArgs(job)].join(' '),
    '--mkpath',
    '--',
    `${job.source.replace(/\/+$/, '')}/`,
    `${job.user}@${host}:${job.remotePath.replace(/\/+$/, '')}/`,
  ];
}

/** Host-key trouble in ssh's stderr, as a sentence for the admin; undefined for other failures. */
export function hostKeyProblem(stderr: string, host: string, port: number): string | undefined {
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/i.test(stderr)) {
    return `The host key of ${knownHostsName(host, port)} has changed since it was pinned: the run was refused. If the target was reinstalled or its keys rotated on purpose, forget the pinned key (DELETE /api/storage/replication-tasks/{id}/host-key) and run again; otherwise someone may be intercepting the connection.`;
  }
  if (/Host key verification failed|No .* host key is known for/i.test(stderr)) {
    return `The host key of ${knownHostsName(host, port)} does not match the pinned key: the run was refused.`;
  }
  return undefined;
}
