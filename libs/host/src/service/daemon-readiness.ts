import { CommandError, type CommandRunner } from '../command/command-runner';
import type { DaemonExitInfo, DaemonProcess, ProcessHost } from './process-host';
import { ServiceError, type DaemonSpec } from './service-driver';

export const DEFAULT_START_TIMEOUT_MS = 15_000;
export const CONNECT_TIMEOUT_MS = 500;

export function describeExit(exit: DaemonExitInfo): string {
  return exit.code !== null ? `exit code ${exit.code}` : `signal ${exit.signal ?? 'unknown'}`;
}

/** Resolves true when the promise settles within ms, false on timeout. */
export async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
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

/** A reload that keeps the process: its signal, or its control command (such as smbcontrol). */
export async function reloadInPlace(
  via: { host: ProcessHost; runner: CommandRunner },
  id: string,
  reload: Exclude<DaemonSpec['reload'], { kind: 'restart' }>,
  pid: number,
): Promise<void> {
  if (reload.kind === 'signal') {
    if (!(await via.host.signal(pid, reload.signal))) throw new ServiceError('not-running', id, `${id} is not running`);
    return;
  }
  try {
    await via.runner.run(reload.command, reload.args, { timeoutMs: 30_000 });
  } catch (err) {
    const detail = err instanceof CommandError ? err.result?.stderr : undefined;
    throw new ServiceError('reload-failed', id, `${id} reload failed: ${(err as Error).message}`, detail);
  }
}

/**
 * Whether a daemon is up: its readiness port accepts connections (or, without a probe, it stays
 * alive for the settle time), polled until the start timeout.
 */
export class DaemonReadiness {
  constructor(
    private readonly host: ProcessHost,
    private readonly now: () => number,
    private readonly pollIntervalMs: number,
    private readonly settleMs: number,
  ) {}

  /** Whether the daemon's readiness port is taken before it starts (by something else). */
  async portTaken(spec: DaemonSpec): Promise<string | null> {
    const readiness = spec.readiness;
    const host = readiness?.host ?? '127.0.0.1';
    if (readiness && (await this.host.tcpConnect(host, readiness.tcpPort, CONNECT_TIMEOUT_MS))) return `port ${host}:${readiness.tcpPort} is already in use by another process`;
    return null;
  }

  /** Null when ready, else why not. */
  async waitReady(spec: DaemonSpec, proc: DaemonProcess, exitOf: () => DaemonExitInfo | null): Promise<string | null> {
    const exitedEarly = () => {
      const exit = exitOf();
      return exit ? `exited during start-up (${describeExit(exit)})` : null;
    };
    const readiness = spec.readiness;
    if (!readiness) {
      await within(proc.exited, this.settleMs);
      return exitedEarly();
    }
    const host = readiness.host ?? '127.0.0.1';
    const timeoutMs = spec.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    const deadline = this.now() + timeoutMs;
    for (;;) {
      const early = exitedEarly();
      if (early) return early;
      if (await this.host.tcpConnect(host, readiness.tcpPort, CONNECT_TIMEOUT_MS)) return exitedEarly();
      if (this.now() >= deadline) return `port ${host}:${readiness.tcpPort} did not accept connections within ${timeoutMs} ms`;
      await within(proc.exited, this.pollIntervalMs);
    }
  }

  /** A reload that killed the daemon (say, a config it cannot parse) is a failed reload. */
  async verifyAfterReload(spec: DaemonSpec, proc: DaemonProcess, current: () => DaemonProcess | null): Promise<void> {
    const fail = (why: string) => new ServiceError('reload-failed', spec.id, `${spec.id} reload failed: ${why}`, proc.outputTail().trim() || undefined);
    if (await within(proc.exited, this.pollIntervalMs)) throw fail('the daemon exited');
    const readiness = spec.readiness;
    if (!readiness) return;
    const host = readiness.host ?? '127.0.0.1';
    const deadline = this.now() + (spec.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
    while (!(await this.host.tcpConnect(host, readiness.tcpPort, CONNECT_TIMEOUT_MS))) {
      if (current() !== proc) throw fail('the daemon exited');
      if (this.now() >= deadline) throw fail(`port ${host}:${readiness.tcpPort} stopped answering`);
      await within(proc.exited, this.pollIntervalMs);
    }
  }
}
