import { spawn } from 'node:child_process';
import path from 'node:path';

/** Binaries the app may run. Anything else is refused before a process is created. */
export const ALLOWED_BINARIES = new Set([
  'smbd', 'smbcontrol', 'smbstatus', 'smbpasswd', 'pdbedit', 'testparm', 'net',
  'vsftpd',
  'exportfs', 'rpc.mountd', 'rpc.nfsd', 'rpc.statd', 'rpcbind', 'showmount',
  'unshare', 'mount', 'umount',
  'useradd', 'usermod', 'userdel', 'groupadd', 'groupmod', 'groupdel', 'gpasswd', 'chpasswd', 'id', 'getent',
  'systemctl',
  'setfacl', 'getfacl', 'chown', 'chmod',
  'zfs', 'zpool', 'btrfs', 'rsync', 'cp', 'du', 'df', 'setfattr', 'getfattr', 'xfs_quota',
  'openssl', 'nginx', 'ip', 'hostname', 'hostnamectl',
  'journalctl',
  'ssh', 'ssh-keygen', 'ssh-keyscan',
]);

export interface RunOptions {
  /** Data written to the child's stdin then closed: the only way secrets reach a command. */
  stdin?: string;
  /** Milliseconds before the child is killed (default 30 s). */
  timeoutMs?: number;
  cwd?: string;
  env?: Record<string, string>;
  /** Exit codes that count as success (default [0]). */
  okCodes?: number[];
  /**
   * An open file descriptor to use as the child's stdin instead of a pipe: the shell's `0<>file`.
   * For inetd-style programs (vsftpd) that write their replies to fd 0. Excludes `stdin`.
   */
  stdinFd?: number;
  /**
   * Ends the command when aborted: SIGTERM to its whole process group (rsync and the ssh it
   * started), SIGKILL 5 s later. The run then rejects with kind 'cancelled'.
   */
  signal?: AbortSignal;
  /** Called with each chunk of stdout/stderr as it arrives (progress lines), besides capturing it. */
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
  /** Keep only the last this many characters of each stream (long-running commands); default all. */
  maxCapture?: number;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type CommandErrorKind = 'not-allowed' | 'not-found' | 'timeout' | 'failed' | 'cancelled';

export class CommandError extends Error {
  constructor(
    readonly kind: CommandErrorKind,
    readonly command: string,
    readonly args: readonly string[],
    message: string,
    readonly result?: RunResult,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

/** Runs host commands. Services depend on this interface; unit tests pass a typed fake. */
export interface CommandRunner {
  run(command: string, args: readonly string[], options?: RunOptions): Promise<RunResult>;
  /** True when the binary is installed (found on the search path). */
  has(command: string): Promise<boolean>;
}

/** Where binaries are looked up; also the PATH children get. */
export const SEARCH_PATH: readonly string[] = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/**
 * The real runner: argument arrays (never a shell), an allowlist of binaries resolved from a fixed
 * search path, a timeout, stdin for secrets, and captured output.
 */
export class ExecCommandRunner implements CommandRunner {
  constructor(
    private readonly allowed: ReadonlySet<string> = ALLOWED_BINARIES,
    private readonly searchPath: readonly string[] = SEARCH_PATH,
  ) {}

  private async resolve(command: string): Promise<string | undefined> {
    const { access } = await import('node:fs/promises');
    const { constants } = await import('node:fs');
    for (const dir of this.searchPath) {
      const candidate = path.join(dir, command);
      try {
        await access(candidate, constants.X_OK);
        return candidate;
      } catch {
        /* try the next directory */
      }
    }
    return undefined;
  }

  async has(command: string): Promise<boolean> {
    return this.allowed.has(command) && (await this.resolve(command)) !== undefined;
  }

  async run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    if (!this.allowed.has(command) || command.includes('/')) {
      throw new CommandError('not-allowed', command, args, `${command} is not an allowed command`);
    }
    const file = await this.resolve(command);
    if (!file) throw new CommandError('not-found', command, args, `${command} is not installed`);
    const timeoutMs = options.timeoutMs ?? 30_000;
    if (options.signal?.aborted) throw new CommandError('cancelled', command, args, `${command} was cancelled`);
    return new Promise<RunResult>((resolve, reject) => {
      const child = spawn(file, [...args], {
        shell: false,
        cwd: options.cwd,
        env: { PATH: SEARCH_PATH.join(':'), LANG: 'C.UTF-8', ...(options.env ?? {}) },
        stdio: [options.stdinFd ?? 'pipe', 'pipe', 'pipe'],
        // Its own process group, so a cancel reaches the children it starts (ssh under rsync).
        detached: options.signal !== undefined,
      });
      const out = new Capture(options.maxCapture);
      const err = new Capture(options.maxCapture);
      let timedOut = false;
      let cancelled = false;
      let killTimer: NodeJS.Timeout | undefined;
      const killGroup = (sig: NodeJS.Signals) => {
        try {
          if (child.pid !== undefined) process.kill(options.signal ? -child.pid : child.pid, sig);
        } catch {
          /* already gone */
        }
      };
      const onAbort = () => {
        cancelled = true;
        killGroup('SIGTERM');
        killTimer = setTimeout(() => killGroup('SIGKILL'), 5_000);
        killTimer.unref();
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup('SIGKILL');
      }, timeoutMs);
      child.stdout?.on('data', (d: Buffer) => {
        out.push(d);
        options.onOutput?.(d.toString('utf8'), 'stdout');
      });
      child.stderr?.on('data', (d: Buffer) => {
        err.push(d);
        options.onOutput?.(d.toString('utf8'), 'stderr');
      });
      child.on('error', (e) => {
        clearTimeout(timer);
        clearTimeout(killTimer);
        options.signal?.removeEventListener('abort', onAbort);
        reject(new CommandError('failed', command, args, `${command} could not start: ${e.message}`));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        clearTimeout(killTimer);
        options.signal?.removeEventListener('abort', onAbort);
        // The group may still hold children that outlived the leader (ssh after rsync was killed).
        if (cancelled) killGroup('SIGKILL');
        const result: RunResult = {
          code: code ?? (signal ? 128 : 1),
          stdout: out.text(),
          stderr: err.text(),
        };
        if (cancelled) {
          reject(new CommandError('cancelled', command, args, `${command} was cancelled`, result));
        } else if (timedOut) {
          reject(new CommandError('timeout', command, args, `${command} did not finish within ${timeoutMs} ms`, result));
        } else if (!(options.okCodes ?? [0]).includes(result.code)) {
          const detail = (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ');
          reject(new CommandError('failed', command, args, `${command} exited with ${result.code}: ${detail}`, result));
        } else {
          resolve(result);
        }
      });
      // No stdin stream when the caller passed stdinFd.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(options.stdin ?? '');
    });
  }
}

/** Collected output of a stream, optionally only its tail. */
class Capture {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly max?: number) {}

  push(d: Buffer): void {
    this.chunks.push(d);
    this.size += d.length;
    if (this.max !== undefined && this.size > this.max * 2) {
      const all = Buffer.concat(this.chunks);
      this.chunks = [all.subarray(all.length - this.max)];
      this.size = this.max;
    }
  }

  text(): string {
    const all = Buffer.concat(this.chunks).toString('utf8');
    return this.max !== undefined && all.length > this.max ? all.slice(all.length - this.max) : all;
  }
}
