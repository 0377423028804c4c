import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

/** The loopback ports replication tests may use (shared machine: nothing else listens there). */
export const SSHD_PORTS = Array.from({ length: 10 }, (_, i) => 22220 + i);

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** A port of SSHD_PORTS nothing listens on now. */
export async function freeSshdPort(): Promise<number> {
  for (const port of SSHD_PORTS) if (!(await connects(port))) return port;
  throw new Error(`every port of ${SSHD_PORTS[0]}–${SSHD_PORTS[SSHD_PORTS.length - 1]} is taken`);
}

/**
 * A real sshd for a test: its own config, host key, authorized_keys and pid file in `dir`,
 * listening on 127.0.0.1:`port`, root may log in with a key only.
 */
export class TestSshd {
  private child: ChildProcess | undefined;
  private stderr = '';
  readonly authorizedKeys: string;
  private readonly hostKey: string;

  constructor(
    readonly dir: string,
    readonly port: number,
  ) {
    this.authorizedKeys = path.join(dir, 'authorized_keys');
    this.hostKey = path.join(dir, 'ssh_host_ed25519_key');
  }

  /** A new host key (the target was reinstalled, or someone is in the middle). */
  async newHostKey(): Promise<void> {
    await fs.rm(this.hostKey, { force: true });
    await fs.rm(`${this.hostKey}.pub`, { force: true });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', this.hostKey]);
  }

  async start(): Promise<void> {
    await fs.mkdir('/run/sshd', { recursive: true, mode: 0o755 });
    if (!(await fs.stat(this.hostKey).catch(() => null))) await this.newHostKey();
    const config = path.join(this.dir, 'sshd_config');
    await fs.writeFile(
      config,
      [
        `Port ${this.port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${this.hostKey}`,
        `PidFile ${path.join(this.dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${this.authorizedKeys}`,
        'StrictModes no',
        'UsePAM no',
        'PermitRootLogin prohibit-password',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'LogLevel VERBOSE',
        '',
      ].join('\n'),
    );
    this.stderr = '';
    const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString('utf8')));
    this.child = child;
    const deadline = Date.now() + 15_000;
    while (!(await connects(this.port))) {
      if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}: ${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`sshd did not listen on ${this.port}: ${this.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }

  get log(): string {
    return this.stderr;
  }
}
