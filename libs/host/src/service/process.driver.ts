import path from 'node:path';
import { CommandError, type CommandRunner } from '../command/command-runner';
import type { HostFs } from '../fs/host-fs';
import type { DaemonExitInfo, DaemonProcess, ProcessHost } from './process-host';
import {
  ServiceError,
  type DaemonSpec,
  type ServiceDriver,
  type ServiceEventListener,
  type ServiceEventType,
  type ServiceExit,
  type ServiceState,
  type ServiceStatus,
  type StartEnabledResult,
} from './service-driver';

/**
 * Every process the driver starts carries `MOXNAS_SUPERVISED=<id>@<runDir>` in its environment, and
 * the daemons' own children inherit it. That is how the driver finds what a daemon left behind (a
 * connection child of a killed smbd still holding the port, or a daemon orphaned when the app itself
 * crashed) without trusting pids that may have been reused.
 */
export const SUPERVISOR_ENV = 'MOXNAS_SUPERVISED';

export interface BackoffPolicy {
  /** Delay before the first automatic restart. */
  initialMs: number;
  /** Cap on the delay. */
  maxMs: number;
  factor: number;
  /** Uptime after which a daemon counts as stable and the delay starts from initialMs again. */
  resetAfterMs: number;
}

const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 30_000, factor: 2, resetAfterMs: 60_000 };
const DEFAULT_START_TIMEOUT_MS = 15_000;
const DEFAULT_STOP_GRACE_MS = 10_000;
/** After SIGKILL the kernel frees the process at once; waiting longer means something is badly wrong. */
const KILL_WAIT_MS = 5_000;
const LEFTOVER_GRACE_MS = 3_000;
const CONNECT_TIMEOUT_MS = 500;
const ID_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

export interface ProcessDriverOptions {
  /** Pid files (and, by default, the enabled-state file) live here. */
  runDir: string;
  /** Which daemons start with the app. Default `<runDir>/enabled.json`. */
  stateFile?: string;
  fs: HostFs;
  host: ProcessHost;
  /** Runs reload commands such as smbcontrol. */
  runner: CommandRunner;
  backoff?: Partial<BackoffPolicy>;
  now?: () => number;
  /** How often readiness is polled during start. */
  pollIntervalMs?: number;
  /** Without a readiness probe, how long a daemon must stay up to count as started. */
  settleMs?: number;
}

interface Supervised {
  spec: DaemonSpec;
  /** Value of SUPERVISOR_ENV for this daemon. */
  key: string;
  pidFile: string;
  proc: DaemonProcess | null;
  state: ServiceState;
  startedAt: number | null;
  restarts: number;
  /** Consecutive crashes since the last stable run: the backoff exponent. */
  attempt: number;
  lastExit: ServiceExit | null;
  message: string | null;
  /** The admin wants it running: unexpected exits are restarted. */
  wanted: boolean;
  /** The next exit is one the driver caused. */
  expectingExit: boolean;
  /** launch() is waiting for readiness and handles an exit itself. */
  launching: boolean;
  restartTimer: ReturnType<typeof setTimeout> | null;
  stableTimer: ReturnType<typeof setTimeout> | null;
  /** Serialises operations on one daemon (start, stop, reload, automatic restarts). */
  queue: Promise<unknown>;
}

function describeExit(exit: DaemonExitInfo): string {
  return exit.code !== null ? `exit code ${exit.code}` : `signal ${exit.signal ?? 'unknown'}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves true when the promise settles within ms, false on timeout. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Supervises the NAS daemons when systemd is not PID 1 (containers without systemd, CI, dev).
 * Daemons run in the foreground as children of the app: the driver tracks their pids, writes pid
 * files, waits for readiness, reloads them by signal or control command, restarts them with
 * exponential backoff when they die, and remembers which ones start with the app.
 */
export class ProcessDriver implements ServiceDriver {
  readonly kind = 'process' as const;
  private readonly daemons = new Map<string, Supervised>();
  private readonly listeners = new Set<ServiceEventListener>();
  private readonly backoff: BackoffPolicy;
  private readonly now: () => number;
  private readonly stateFile: string;
  private readonly pollIntervalMs: number;
  private readonly settleMs: number;
  private enabled: Set<string> | null = null;
  private enabledLoad: Promise<Set<string>> | null = null;
  private stateQueue: Promise<unknown> = Promise.resolve();
  private shuttingDown = false;

  constructor(private readonly options: ProcessDriverOptions) {
    this.backoff = { ...DEFAULT_BACKOFF, ...(options.backoff ?? {}) };
    this.now = options.now ?? Date.now;
    this.stateFile = options.stateFile ?? path.join(options.runDir, 'enabled.json');
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.settleMs = options.settleMs ?? 500;
  }

  /** Declares a daemon. The app registers each one once, before startEnabled(). */
  register(spec: DaemonSpec): void {
    if (!ID_PATTERN.test(spec.id)) throw new Error(`daemon id "${spec.id}" must match ${ID_PATTERN}`);
    if (this.daemons.has(spec.id)) throw new Error(`daemon ${spec.id} is already registered`);
    this.daemons.set(spec.id, {
      spec,
      key: `${spec.id}@${path.resolve(this.options.runDir)}`,
      pidFile: spec.pidFile ?? path.join(this.options.runDir, `${spec.id}.pid`),
      proc: null,
      state: 'stopped',
      startedAt: null,
      restarts: 0,
      attempt: 0,
      lastExit: null,
      message: null,
      wanted: false,
      expectingExit: false,
      launching: false,
      restartTimer: null,
      stableTimer: null,
      queue: Promise.resolve(),
    });
  }

  services(): string[] {
    return [...this.daemons.keys()];
  }

  async status(id: string): Promise<ServiceStatus> {
    const d = this.get(id);
    await this.loadEnabled();
    const status = this.snapshot(d);
    if (d.proc || d.state === 'starting') return status;
    // Never "stopped, pid null" while a daemon of ours still serves: until startEnabled replaces it,
    // say what runs.
    const orphan = await this.orphanOf(d);
    if (orphan === null) return status;
    return {
      ...status,
      state: 'running',
      pid: orphan,
      orphan: true,
      message: `pid ${orphan} was left running by a previous run of MoxNAS and is not supervised; the start-up reconcile stops it and starts ${d.spec.id} afresh`,
    };
  }

  async start(id: string): Promise<void> {
    const d = this.get(id);
    await this.loadEnabled();
    await this.exclusive(d, async () => {
      this.shuttingDown = false;
      d.wanted = true;
      this.cancelRestart(d);
      if (d.proc) return;
      d.restarts = 0;
      d.attempt = 0;
      await this.recover(d);
      try {
        await this.launch(d, 'started');
      } catch (err) {
        d.wanted = false;
        throw err;
      }
    });
  }

  async stop(id: string): Promise<void> {
    const d = this.get(id);
    await this.loadEnabled();
    await this.exclusive(d, () => this.halt(d));
  }

  async restart(id: string): Promise<void> {
    const d = this.get(id);
    await this.loadEnabled();
    await this.exclusive(d, async () => {
      this.shuttingDown = false;
      d.wanted = true;
      this.cancelRestart(d);
      if (d.proc) await this.terminate(d, d.proc);
      d.restarts = 0;
      d.attempt = 0;
      try {
        await this.launch(d, 'started');
      } catch (err) {
        d.wanted = false;
        throw err;
      }
    });
  }

  async reload(id: string): Promise<void> {
    const d = this.get(id);
    await this.loadEnabled();
    await this.exclusive(d, async () => {
      const proc = d.proc;
      if (!proc || d.state !== 'running') throw new ServiceError('not-running', id, `${id} is not running`);
      const reload = d.spec.reload;
      switch (reload.kind) {
        case 'signal':
          if (!(await this.options.host.signal(proc.pid, reload.signal))) {
            throw new ServiceError('not-running', id, `${id} is not running`);
          }
          break;
        case 'command':
          try {
            await this.options.runner.run(reload.command, reload.args, { timeoutMs: 30_000 });
          } catch (err) {
            const detail = err instanceof CommandError ? err.result?.stderr : undefined;
            throw new ServiceError('reload-failed', id, `${id} reload failed: ${(err as Error).message}`, detail);
          }
          break;
        case 'restart':
          await this.terminate(d, proc);
          try {
            await this.launch(d, 'started');
          } catch (err) {
            if (!(err instanceof ServiceError)) throw err;
            throw new ServiceError('reload-failed', id, `${id} reload failed: ${err.message}`, err.detail);
          }
          break;
        default: {
          const exhaustive: never = reload;
          throw new Error(`unknown reload kind ${JSON.stringify(exhaustive)}`);
        }
      }
      if (reload.kind !== 'restart') await this.verifyAfterReload(d, proc);
      this.emit(d, 'reloaded');
    });
  }

  async enable(id: string): Promise<void> {
    const d = this.get(id);
    await this.updateEnabled((set) => set.add(id));
    this.emit(d, 'enabled');
  }

  async disable(id: string): Promise<void> {
    const d = this.get(id);
    await this.updateEnabled((set) => set.delete(id));
    this.emit(d, 'disabled');
  }

  /**
   * App start: clears what a previous run left (stale pid files, orphaned daemons) for every
   * registered daemon, then starts the enabled ones.
   */
  async startEnabled(): Promise<StartEnabledResult> {
    this.shuttingDown = false;
    const enabled = await this.loadEnabled();
    const result: StartEnabledResult = {};
    await Promise.all(
      [...this.daemons.values()].map(async (d) => {
        const id = d.spec.id;
        try {
          await this.exclusive(d, () => (d.proc ? Promise.resolve() : this.recover(d)));
          if (enabled.has(id)) {
            await this.start(id);
            result[id] = { ok: true };
          }
        } catch (err) {
          result[id] = { ok: false, error: (err as Error).message };
        }
      }),
    );
    return result;
  }

  async stopAll(): Promise<void> {
    this.shuttingDown = true;
    for (const d of this.daemons.values()) this.cancelRestart(d);
    const results = await Promise.allSettled([...this.daemons.values()].map((d) => this.exclusive(d, () => this.halt(d))));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  onEvent(listener: ServiceEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // --- internals -------------------------------------------------------------------------------

  private get(id: string): Supervised {
    const d = this.daemons.get(id);
    if (!d) throw new ServiceError('unknown-service', id, `unknown service ${id}`);
    return d;
  }

  private exclusive<T>(d: Supervised, fn: () => Promise<T>): Promise<T> {
    const run = d.queue.then(fn, fn);
    d.queue = run.catch(() => undefined);
    return run;
  }

  /** Spawns the daemon and waits until it is ready; on failure leaves it stopped and state 'failed'. */
  private async launch(d: Supervised, event: 'started' | 'restarted'): Promise<void> {
    const { spec } = d;
    await this.killLeftovers(d);
    const readiness = spec.readiness;
    const host = readiness?.host ?? '127.0.0.1';
    if (readiness && (await this.options.host.tcpConnect(host, readiness.tcpPort, CONNECT_TIMEOUT_MS))) {
      this.failStart(d, `port ${host}:${readiness.tcpPort} is already in use by another process`);
    }
    d.state = 'starting';
    d.message = null;
    this.emit(d, 'starting');

    let proc: DaemonProcess;
    try {
      await this.options.fs.mkdir(this.options.runDir);
      proc = await this.options.host.spawn({
        command: spec.command,
        args: spec.args,
        env: { ...(spec.env ?? {}), [SUPERVISOR_ENV]: d.key },
        ...(spec.errorsOnStdin ? { stdinFile: path.join(this.options.runDir, `${spec.id}.stdin`) } : {}),
      });
    } catch (err) {
      this.failStart(d, (err as Error).message);
    }
    d.proc = proc;
    d.startedAt = this.now();
    d.expectingExit = false;
    d.launching = true;
    let exit: DaemonExitInfo | null = null;
    void proc.exited.then((info) => {
      exit = info;
      this.onExit(d, proc, info);
    });

    let problem: string | null = null;
    try {
      try {
        await this.options.fs.mkdir(path.dirname(d.pidFile));
        await this.options.fs.writeFileAtomic(d.pidFile, `${proc.pid}\n`, { mode: 0o644 });
      } catch (err) {
        problem = `could not write ${d.pidFile}: ${(err as Error).message}`;
      }
      problem ??= await this.waitReady(d, proc, () => exit);
    } catch (err) {
      problem = `readiness check failed: ${(err as Error).message}`;
    } finally {
      d.launching = false;
    }
    if (problem) {
      if (!exit) await this.terminate(d, proc).catch(() => undefined);
      // It may have died before its pid file was written, so onExit found nothing to remove.
      await this.removePidFile(d, proc.pid);
      await this.killLeftovers(d);
      this.failStart(d, problem, proc.outputTail());
    }
    d.state = 'running';
    this.scheduleStable(d, proc);
    this.emit(d, event);
  }

  private failStart(d: Supervised, problem: string, outputTail?: string): never {
    d.state = 'failed';
    d.message = problem;
    d.proc = null;
    d.startedAt = null;
    this.emit(d, 'failed', problem);
    const tail = outputTail?.trim();
    throw new ServiceError('start-failed', d.spec.id, `${d.spec.id} did not start: ${problem}`, tail || undefined);
  }

  /** Null when ready, else why not. */
  private async waitReady(d: Supervised, proc: DaemonProcess, exitOf: () => DaemonExitInfo | null): Promise<string | null> {
    const exitedEarly = () => {
      const exit = exitOf();
      return exit ? `exited during start-up (${describeExit(exit)})` : null;
    };
    const readiness = d.spec.readiness;
    if (!readiness) {
      await within(proc.exited, this.settleMs);
      return exitedEarly();
    }
    const host = readiness.host ?? '127.0.0.1';
    const timeoutMs = d.spec.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    const deadline = this.now() + timeoutMs;
    for (;;) {
      const early = exitedEarly();
      if (early) return early;
      if (await this.options.host.tcpConnect(host, readiness.tcpPort, CONNECT_TIMEOUT_MS)) return exitedEarly();
      if (this.now() >= deadline) return `port ${host}:${readiness.tcpPort} did not accept connections within ${timeoutMs} ms`;
      await within(proc.exited, this.pollIntervalMs);
    }
  }

  /** A reload that killed the daemon (say, a config it cannot parse) is a failed reload. */
  private async verifyAfterReload(d: Supervised, proc: DaemonProcess): Promise<void> {
    const fail = (why: string) => new ServiceError('reload-failed', d.spec.id, `${d.spec.id} reload failed: ${why}`, proc.outputTail().trim() || undefined);
    if (await within(proc.exited, this.pollIntervalMs)) throw fail('the daemon exited');
    const readiness = d.spec.readiness;
    if (!readiness) return;
    const host = readiness.host ?? '127.0.0.1';
    const deadline = this.now() + (d.spec.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
    while (!(await this.options.host.tcpConnect(host, readiness.tcpPort, CONNECT_TIMEOUT_MS))) {
      if (d.proc !== proc) throw fail('the daemon exited');
      if (this.now() >= deadline) throw fail(`port ${host}:${readiness.tcpPort} stopped answering`);
      await within(proc.exited, this.pollIntervalMs);
    }
  }

  private onExit(d: Supervised, proc: DaemonProcess, info: DaemonExitInfo): void {
    if (d.proc !== proc) return;
    d.proc = null;
    d.startedAt = null;
    if (d.stableTimer) clearTimeout(d.stableTimer);
    d.stableTimer = null;
    const expected = d.expectingExit;
    const tail = proc.outputTail().trim();
    d.lastExit = {
      code: info.code,
      signal: info.signal,
      at: new Date(this.now()).toISOString(),
      expected,
      ...(tail ? { outputTail: tail } : {}),
    };
    void this.removePidFile(d, proc.pid);
    // stop() and launch() report these exits themselves.
    if (expected || d.launching) return;
    const reason = `exited unexpectedly (${describeExit(info)})`;
    if (d.wanted && !this.shuttingDown) {
      this.scheduleRestart(d, reason);
      this.emit(d, 'exited', reason);
    } else {
      d.state = 'failed';
      d.message = reason;
      this.emit(d, 'exited', reason);
    }
  }

  private scheduleRestart(d: Supervised, reason: string): void {
    const delay = Math.min(this.backoff.initialMs * this.backoff.factor ** d.attempt, this.backoff.maxMs);
    d.attempt++;
    d.state = 'failed';
    d.message = `${reason}; restarting in ${(delay / 1000).toFixed(1)} s`;
    this.cancelRestart(d);
    d.restartTimer = setTimeout(() => {
      d.restartTimer = null;
      this.exclusive(d, () => this.autoRestart(d)).catch(() => undefined);
    }, delay);
    d.restartTimer.unref?.();
  }

  private async autoRestart(d: Supervised): Promise<void> {
    if (!d.wanted || this.shuttingDown || d.proc) return;
    d.restarts++;
    this.emit(d, 'restarting', `automatic restart ${d.restarts}`);
    try {
      await this.launch(d, 'restarted');
    } catch (err) {
      if (d.wanted && !this.shuttingDown) this.scheduleRestart(d, (err as Error).message);
    }
  }

  private scheduleStable(d: Supervised, proc: DaemonProcess): void {
    if (d.stableTimer) clearTimeout(d.stableTimer);
    d.stableTimer = setTimeout(() => {
      d.stableTimer = null;
      if (d.proc === proc) d.attempt = 0;
    }, this.backoff.resetAfterMs);
    d.stableTimer.unref?.();
  }

  private cancelRestart(d: Supervised): void {
    if (d.restartTimer) clearTimeout(d.restartTimer);
    d.restartTimer = null;
  }

  /** Stops the daemon (if any) and everything it left behind; state becomes 'stopped'. */
  private async halt(d: Supervised): Promise<void> {
    d.wanted = false;
    this.cancelRestart(d);
    if (d.proc) await this.terminate(d, d.proc);
    else await this.killLeftovers(d);
    const was = d.state;
    d.state = 'stopped';
    d.message = null;
    if (was !== 'stopped') this.emit(d, 'stopped');
  }

  /** SIGTERM, then SIGKILL after the grace period; then the daemon's leftover children. */
  private async terminate(d: Supervised, proc: DaemonProcess): Promise<void> {
    d.expectingExit = true;
    await this.options.host.signal(proc.pid, 'SIGTERM');
    if (!(await within(proc.exited, d.spec.stopGraceMs ?? DEFAULT_STOP_GRACE_MS))) {
      await this.options.host.signal(proc.pid, 'SIGKILL');
      if (!(await within(proc.exited, KILL_WAIT_MS))) {
        throw new ServiceError('stop-failed', d.spec.id, `${d.spec.id} (pid ${proc.pid}) did not exit after SIGKILL`);
      }
    }
    await this.removePidFile(d, proc.pid);
    await this.killLeftovers(d);
  }

  /** Processes carrying this daemon's marker that are not its current main process. */
  private async killLeftovers(d: Supervised): Promise<void> {
    const { host } = this.options;
    const current = d.proc?.pid;
    const find = async () => (await host.findByEnv(SUPERVISOR_ENV, d.key)).filter((pid) => pid !== current);
    let pids = await find();
    if (pids.length === 0) return;
    for (const pid of pids) await host.signal(pid, 'SIGTERM');
    const deadline = this.now() + LEFTOVER_GRACE_MS;
    while (pids.length > 0 && this.now() < deadline) {
      await sleep(this.pollIntervalMs);
      pids = await find();
    }
    for (const pid of pids) await host.signal(pid, 'SIGKILL');
    const killDeadline = this.now() + KILL_WAIT_MS;
    while (pids.length > 0 && this.now() < killDeadline) {
      await sleep(this.pollIntervalMs);
      pids = await find();
    }
    if (pids.length > 0) {
      throw new ServiceError('stop-failed', d.spec.id, `${d.spec.id}: processes ${pids.join(', ')} did not exit after SIGKILL`);
    }
  }

  /**
   * Before starting: a pid file without a running daemon is stale (the app or the daemon died
   * without cleaning up). A daemon still running from a previous run of the app is not a child of
   * this process, so it cannot be supervised: it is stopped and started afresh.
   */
  private async recover(d: Supervised): Promise<void> {
    const text = await this.options.fs.readFile(d.pidFile);
    if (text !== null) {
      const pid = Number(text.trim());
      let message: string;
      if (!Number.isInteger(pid) || pid <= 0) {
        message = `removed unreadable pid file ${d.pidFile}`;
      } else if (!(await this.options.host.isAlive(pid))) {
        message = `removed stale pid file ${d.pidFile} (pid ${pid} is not running)`;
      } else if ((await this.options.host.findByEnv(SUPERVISOR_ENV, d.key)).includes(pid)) {
        message = `pid ${pid} was left running by a previous run of MoxNAS; stopping it to supervise a fresh one`;
      } else {
        message = `removed stale pid file ${d.pidFile} (pid ${pid} now belongs to another program)`;
      }
      await this.options.fs.rm(d.pidFile, { force: true });
      this.emit(d, 'stale-pid', message);
    }
    await this.killLeftovers(d);
  }

  /**
   * The pid in the pid file when that process is this daemon as a previous run started it: our
   * marker in its environment, and its command line is this daemon's command with our arguments
   * (so with our config file). Anything else is not ours to report.
   */
  private async orphanOf(d: Supervised): Promise<number | null> {
    const pid = Number((await this.options.fs.readFile(d.pidFile))?.trim());
    if (!Number.isInteger(pid) || pid <= 0) return null;
    const info = await this.options.host.inspect(pid);
    if (!info || info.env[SUPERVISOR_ENV] !== d.key) return null;
    const [argv0, ...args] = info.argv;
    const same = argv0 !== undefined && path.basename(argv0) === d.spec.command && args.length === d.spec.args.length && args.every((a, i) => a === d.spec.args[i]);
    return same ? pid : null;
  }

  private async removePidFile(d: Supervised, pid: number): Promise<void> {
    try {
      // Only our own pid: a newer run may already have written its own.
      if ((await this.options.fs.readFile(d.pidFile))?.trim() === String(pid)) await this.options.fs.rm(d.pidFile, { force: true });
    } catch {
      /* a pid file that cannot be removed is found stale at the next start */
    }
  }

  private loadEnabled(): Promise<Set<string>> {
    if (this.enabled) return Promise.resolve(this.enabled);
    this.enabledLoad ??= (async () => {
      const text = await this.options.fs.readFile(this.stateFile);
      const set = new Set<string>();
      if (text !== null) {
        let doc: unknown;
        try {
          doc = JSON.parse(text);
        } catch {
          throw new ServiceError('control-failed', '*', `${this.stateFile} is not valid JSON`);
        }
        const list = (doc as { enabled?: unknown }).enabled;
        if (!Array.isArray(list) || !list.every((v): v is string => typeof v === 'string')) {
          throw new ServiceError('control-failed', '*', `${this.stateFile} has no "enabled" list of service ids`);
        }
        list.forEach((id) => set.add(id));
      }
      this.enabled = set;
      return set;
    })().finally(() => {
      this.enabledLoad = null;
    });
    return this.enabledLoad;
  }

  private async updateEnabled(change: (set: Set<string>) => void): Promise<void> {
    const run = this.stateQueue.then(async () => {
      const current = await this.loadEnabled();
      const next = new Set(current);
      change(next);
      const content = `${JSON.stringify({ enabled: [...next].sort() }, null, 2)}\n`;
      await this.options.fs.mkdir(path.dirname(this.stateFile));
      await this.options.fs.writeFileAtomic(this.stateFile, content, { mode: 0o644 });
      this.enabled = next;
    });
    this.stateQueue = run.catch(() => undefined);
    await run;
  }

  private snapshot(d: Supervised): ServiceStatus {
    const running = d.state === 'running' && d.startedAt !== null;
    return {
      id: d.spec.id,
      state: d.state,
      pid: d.proc?.pid ?? null,
      startedAt: d.startedAt !== null ? new Date(d.startedAt).toISOString() : null,
      uptimeSeconds: running && d.startedAt !== null ? Math.max(0, Math.floor((this.now() - d.startedAt) / 1000)) : null,
      enabled: this.enabled?.has(d.spec.id) ?? false,
      restarts: d.restarts,
      lastExit: d.lastExit,
      message: d.message,
    };
  }

  private emit(d: Supervised, type: ServiceEventType, message?: string): void {
    const event = { id: d.spec.id, type, at: new Date(this.now()).toISOString(), status: this.snapshot(d), ...(message ? { message } : {}) };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        /* a failing listener must not break supervision */
      }
    }
  }
}
