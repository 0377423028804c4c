import path from 'node:path';
import { KeyedMutex } from '../util/keyed-mutex';
import { DaemonLeftovers, KILL_WAIT_MS, SUPERVISOR_ENV } from './daemon-leftovers';
import { DaemonReadiness, describeExit, reloadInPlace, within } from './daemon-readiness';
import { EnabledStore } from './enabled-store';
import { backoffDelay, DEFAULT_BACKOFF, statusOf, supervised, type BackoffPolicy, type ProcessDriverOptions, type Supervised } from './supervised';
import type { DaemonExitInfo, DaemonProcess } from './process-host';
import {
  ServiceError,
  type DaemonSpec,
  type ServiceDriver,
  type ServiceEventListener,
  type ServiceEventType,
  type ServiceStatus,
  type StartEnabledResult,
} from './service-driver';

export { SUPERVISOR_ENV } from './daemon-leftovers';
export type { BackoffPolicy, ProcessDriverOptions } from './supervised';

const DEFAULT_STOP_GRACE_MS = 10_000;

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
  private readonly enabled: EnabledStore;
  private readonly leftovers: DaemonLeftovers;
  private readonly readiness: DaemonReadiness;
  /** Serialises operations on one daemon (start, stop, reload, automatic restarts). */
  private readonly queue = new KeyedMutex<string>();
  private shuttingDown = false;

  constructor(private readonly options: ProcessDriverOptions) {
    this.backoff = { ...DEFAULT_BACKOFF, ...(options.backoff ?? {}) };
    this.now = options.now ?? Date.now;
    const pollIntervalMs = options.pollIntervalMs ?? 100;
    this.enabled = new EnabledStore(options.fs, options.stateFile ?? path.join(options.runDir, 'enabled.json'));
    this.leftovers = new DaemonLeftovers(options.fs, options.host, this.now, pollIntervalMs);
    this.readiness = new DaemonReadiness(options.host, this.now, pollIntervalMs, options.settleMs ?? 500);
  }

  /** Declares a daemon. The app registers each one once, before startEnabled(). */
  register(spec: DaemonSpec): void {
    if (this.daemons.has(spec.id)) throw new Error(`daemon ${spec.id} is already registered`);
    this.daemons.set(spec.id, supervised(spec, this.options.runDir));
  }

  services(): string[] {
    return [...this.daemons.keys()];
  }

  async status(id: string): Promise<ServiceStatus> {
    const d = this.get(id);
    await this.enabled.load();
    const status = this.snapshot(d);
    if (d.proc || d.state === 'starting') return status;
    // Never "stopped, pid null" while a daemon of ours still serves: until startEnabled replaces it,
    // say what runs.
    const orphan = await this.leftovers.orphanOf(d);
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
    await this.enabled.load();
    await this.exclusive(d, async () => {
      this.shuttingDown = false;
      d.wanted = true;
      this.cancelRestart(d);
      if (d.proc) return;
      await this.recover(d);
      await this.launchFresh(d);
    });
  }

  async stop(id: string): Promise<void> {
    const d = this.get(id);
    await this.enabled.load();
    await this.exclusive(d, () => this.halt(d));
  }

  async restart(id: string): Promise<void> {
    const d = this.get(id);
    await this.enabled.load();
    await this.exclusive(d, async () => {
      this.shuttingDown = false;
      d.wanted = true;
      this.cancelRestart(d);
      if (d.proc) await this.terminate(d, d.proc);
      await this.launchFresh(d);
    });
  }

  async reload(id: string): Promise<void> {
    const d = this.get(id);
    await this.enabled.load();
    await this.exclusive(d, async () => {
      const proc = d.proc;
      if (!proc || d.state !== 'running') throw new ServiceError('not-running', id, `${id} is not running`);
      const reload = d.spec.reload;
      if (reload.kind === 'restart') {
        await this.terminate(d, proc);
        try {
          await this.launch(d, 'started');
        } catch (err) {
          if (!(err instanceof ServiceError)) throw err;
          throw new ServiceError('reload-failed', id, `${id} reload failed: ${err.message}`, err.detail);
        }
      } else {
        await reloadInPlace(this.options, id, reload, proc.pid);
      }
      if (reload.kind !== 'restart') await this.readiness.verifyAfterReload(d.spec, proc, () => d.proc);
      this.emit(d, 'reloaded');
    });
  }

  async enable(id: string): Promise<void> {
    const d = this.get(id);
    await this.enabled.update((set) => set.add(id));
    this.emit(d, 'enabled');
  }

  async disable(id: string): Promise<void> {
    const d = this.get(id);
    await this.enabled.update((set) => set.delete(id));
    this.emit(d, 'disabled');
  }

  /**
   * App start: clears what a previous run left (stale pid files, orphaned daemons) for every
   * registered daemon, then starts the enabled ones.
   */
  async startEnabled(): Promise<StartEnabledResult> {
    this.shuttingDown = false;
    const enabled = await this.enabled.load();
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
    return this.queue.run(d.spec.id, fn);
  }

  /** An admin's start: the restart count and backoff start over; a failed start is not retried. */
  private async launchFresh(d: Supervised): Promise<void> {
    d.restarts = 0;
    d.attempt = 0;
    try {
      await this.launch(d, 'started');
    } catch (err) {
      d.wanted = false;
      throw err;
    }
  }

  /** Spawns the daemon and waits until it is ready; on failure leaves it stopped and state 'failed'. */
  private async launch(d: Supervised, event: 'started' | 'restarted'): Promise<void> {
    const { spec } = d;
    await this.leftovers.kill(d, d.proc?.pid);
    const taken = await this.readiness.portTaken(spec);
    if (taken) this.failStart(d, taken);
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
      problem ??= await this.readiness.waitReady(spec, proc, () => exit);
    } catch (err) {
      problem = `readiness check failed: ${(err as Error).message}`;
    } finally {
      d.launching = false;
    }
    if (problem) {
      if (!exit) await this.terminate(d, proc).catch(() => undefined);
      // It may have died before its pid file was written, so onExit found nothing to remove.
      await this.leftovers.removePidFile(d, proc.pid);
      await this.leftovers.kill(d, d.proc?.pid);
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
    void this.leftovers.removePidFile(d, proc.pid);
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
    const delay = backoffDelay(this.backoff, d.attempt);
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
    else await this.leftovers.kill(d, undefined);
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
    await this.leftovers.removePidFile(d, proc.pid);
    await this.leftovers.kill(d, d.proc?.pid);
  }

  /** Clears a stale pid file and whatever an earlier run of this daemon left running. */
  private async recover(d: Supervised): Promise<void> {
    const found = await this.leftovers.recover(d);
    if (found) this.emit(d, 'stale-pid', found);
    await this.leftovers.kill(d, d.proc?.pid);
  }

  private snapshot(d: Supervised): ServiceStatus {
    return statusOf(d, this.enabled.has(d.spec.id), this.now());
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
