import { spawn } from 'node:child_process';
import { constants, promises as fsp } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ALLOWED_BINARIES, CommandError, SEARCH_PATH } from '../command/command-runner';

export interface DaemonExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A long-running child process started by spawn(). */
export interface DaemonProcess {
  readonly pid: number;
  /** Settles once, when the process has exited. */
  readonly exited: Promise<DaemonExitInfo>;
  /** The last few KiB the process wrote to stderr and stdout, interleaved as received. */
  outputTail(): string;
}

export interface SpawnRequest {
  /** Allowlisted binary name. */
  command: string;
  args: readonly string[];
  env: Record<string, string>;
  /**
   * Opened read-write as the child's fd 0 instead of /dev/null; what the child writes there joins
   * the output tail. vsftpd reports start-up errors ("500 OOPS: ...") on fd 0, its control
   * connection in inetd mode, and nowhere else.
   */
  stdinFile?: string;
}

/**
 * The process-level side effects the ProcessDriver needs. The real one is NodeProcessHost; unit
 * tests drive the driver with a typed fake.
 */
export interface ProcessHost {
  /** Starts the command as a foreground child (no shell, its own process group); rejects when it cannot start. */
  spawn(request: SpawnRequest): Promise<DaemonProcess>;
  /** True when the pid runs and is not a zombie. */
  isAlive(pid: number): Promise<boolean>;
  /** Sends a signal; false when the process no longer exists. */
  signal(pid: number, signal: NodeJS.Signals): Promise<boolean>;
  /** Live processes whose environment contains `name=value` (the supervisor's marker). */
  findByEnv(name: string, value: string): Promise<number[]>;
  /** Command line and environment of a live process; null when it does not run or cannot be read. */
  inspect(pid: number): Promise<ProcessInfo | null>;
  /** True when a TCP connection to host:port succeeds within timeoutMs. */
  tcpConnect(host: string, port: number, timeoutMs: number): Promise<boolean>;
}

export interface ProcessInfo {
  /** argv as the process runs it (`/proc/<pid>/cmdline`); argv[0] may be a path. */
  argv: string[];
  env: Record<string, string>;
}

export interface NodeProcessHostOptions {
  allowed?: ReadonlySet<string>;
  searchPath?: readonly string[];
  /** Where /proc is; only tests change it. */
  procRoot?: string;
  /** Bytes of output kept for failure reports. */
  tailBytes?: number;
}

/** The real process host: child_process, signals and /proc. */
export class NodeProcessHost implements ProcessHost {
  private readonly allowed: ReadonlySet<string>;
  private readonly searchPath: readonly string[];
  private readonly procRoot: string;
  private readonly tailBytes: number;

  constructor(options: NodeProcessHostOptions = {}) {
    this.allowed = options.allowed ?? ALLOWED_BINARIES;
    this.searchPath = options.searchPath ?? SEARCH_PATH;
    this.procRoot = options.procRoot ?? '/proc';
    this.tailBytes = options.tailBytes ?? 8192;
  }

  async spawn(request: SpawnRequest): Promise<DaemonProcess> {
    const { command, args } = request;
    if (!this.allowed.has(command) || command.includes('/')) {
      throw new CommandError('not-allowed', command, args, `${command} is not an allowed command`);
    }
    const file = await this.resolve(command);
    if (!file) throw new CommandError('not-found', command, args, `${command} is not installed`);

    const stdin = request.stdinFile ? await fsp.open(request.stdinFile, 'w+', 0o600) : undefined;
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(file, [...args], {
        shell: false,
        // Own session and process group (setsid), still our child: we keep its exit status and
        // pipes. Without it the daemon shares the app's process group, and a daemon that signals
        // its group on shutdown (smbd --no-process-group sends SIGTERM to it) takes the app down.
        detached: true,
        env: { PATH: this.searchPath.join(':'), LANG: 'C.UTF-8', ...request.env },
        stdio: [stdin ? stdin.fd : 'ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      await stdin?.close();
      throw err;
    }
    // Listen before any await: 'spawn' and 'error' fire on the next turn of the event loop.
    const started = new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (err) => reject(new CommandError('failed', command, args, `${command} could not start: ${err.message}`)));
    });
    let tail = Buffer.alloc(0);
    const keep = (chunk: Buffer) => {
      tail = Buffer.concat([tail, chunk]);
      if (tail.length > this.tailBytes) tail = tail.subarray(tail.length - this.tailBytes);
    };
    // Always drain both pipes: a daemon blocked on a full pipe would look hung.
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    // 'exit', not 'close': the daemon's own children inherit the pipes and may hold them open.
    const exited = new Promise<DaemonExitInfo>((resolve) =>
      child.once('exit', (code, signal) => {
        void this.collectStdinFile(request.stdinFile, keep).finally(() => resolve({ code, signal }));
      }),
    );
    // The child has its own copy of the descriptor.
    await stdin?.close();
    await started;
    const pid = child.pid;
    if (pid === undefined) throw new CommandError('failed', command, args, `${command} could not start`);
    return { pid, exited, outputTail: () => tail.toString('utf8') };
  }

  async isAlive(pid: number): Promise<boolean> {
    try {
      const stat = await fsp.readFile(path.join(this.procRoot, String(pid), 'stat'), 'utf8');
      // "pid (comm) S ...": comm may hold spaces and parentheses, the state follows the last ')'.
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      // A zombie is dead; it only waits for a parent (or a PID 1 that may never reap it).
      return state !== 'Z' && state !== 'X' && state !== 'x';
    } catch {
      return false;
    }
  }

  async signal(pid: number, signal: NodeJS.Signals): Promise<boolean> {
    // kill(0) and kill(-1) signal a whole process group or every process; never ourselves either.
    if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) throw new Error(`refusing to signal pid ${pid}`);
    try {
      process.kill(pid, signal);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
      throw err;
    }
  }

  async findByEnv(name: string, value: string): Promise<number[]> {
    const needle = `${name}=${value}`;
    const entries = await fsp.readdir(this.procRoot);
    const found: number[] = [];
    await Promise.all(
      entries
        .filter((e) => /^\d+$/.test(e) && Number(e) !== process.pid)
        .map(async (e) => {
          try {
            const environ = await fsp.readFile(path.join(this.procRoot, e, 'environ'), 'utf8');
            if (environ.split('\0').includes(needle) && (await this.isAlive(Number(e)))) found.push(Number(e));
          } catch {
            /* gone, or not ours to read */
          }
        }),
    );
    return found.sort((a, b) => a - b);
  }

  async inspect(pid: number): Promise<ProcessInfo | null> {
    if (!Number.isInteger(pid) || pid <= 0 || !(await this.isAlive(pid))) return null;
    try {
      const dir = path.join(this.procRoot, String(pid));
      const [cmdline, environ] = await Promise.all([fsp.readFile(path.join(dir, 'cmdline'), 'utf8'), fsp.readFile(path.join(dir, 'environ'), 'utf8')]);
      const env: Record<string, string> = {};
      for (const entry of environ.split('\0')) {
        const eq = entry.indexOf('=');
        if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
      }
      return { argv: cmdline.split('\0').filter((a, i, all) => a !== '' || i < all.length - 1), env };
    } catch {
      return null; // gone meanwhile, or not ours to read
    }
  }

  tcpConnect(host: string, port: number, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = net.createConnection({ host, port });
      const done = (ok: boolean) => {
        socket.removeAllListeners();
        socket.on('error', () => undefined);
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(timeoutMs, () => done(false));
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
    });
  }

  private async collectStdinFile(file: string | undefined, keep: (chunk: Buffer) => void): Promise<void> {
    if (!file) return;
    try {
      const content = await fsp.readFile(file);
      if (content.length > 0) keep(content);
      await fsp.rm(file, { force: true });
    } catch {
      /* nothing was written */
    }
  }

  private async resolve(command: string): Promise<string | undefined> {
    for (const dir of this.searchPath) {
      const candidate = path.join(dir, command);
      try {
        await fsp.access(candidate, constants.X_OK);
        return candidate;
      } catch {
        /* try the next directory */
      }
    }
    return undefined;
  }
}
