import path from 'node:path';
import type { CommandRunner } from '../command/command-runner';
import type { HostFs } from '../fs/host-fs';
import type { DaemonProcess, ProcessHost } from './process-host';
import type { DaemonSpec, ServiceExit, ServiceState, ServiceStatus } from './service-driver';

/** The process driver's options and what it keeps about each daemon it supervises. */

export interface BackoffPolicy {
  /** Delay before the first automatic restart. */
  initialMs: number;
  /** Cap on the delay. */
  maxMs: number;
  factor: number;
  /** Uptime after which a daemon counts as stable and the delay starts from initialMs again. */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 30_000, factor: 2, resetAfterMs: 60_000 };

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

export interface Supervised {
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
}

const ID_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

/** A newly registered daemon: stopped, not wanted, its pid file and marker under `runDir`. */
export function supervised(spec: DaemonSpec, runDir: string): Supervised {
  if (!ID_PATTERN.test(spec.id)) throw new Error(`daemon id "${spec.id}" must match ${ID_PATTERN}`);
  return {
    spec,
    key: `${spec.id}@${path.resolve(runDir)}`,
    pidFile: spec.pidFile ?? path.join(runDir, `${spec.id}.pid`),
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
  };
}

/** The delay before automatic restart number `attempt + 1`. */
export function backoffDelay(policy: BackoffPolicy, attempt: number): number {
  return Math.min(policy.initialMs * policy.factor ** attempt, policy.maxMs);
}

/** What status() answers for a daemon at `now`. */
export function statusOf(d: Supervised, enabled: boolean, now: number): ServiceStatus {
  const running = d.state === 'running' && d.startedAt !== null;
  return {
    id: d.spec.id,
    state: d.state,
    pid: d.proc?.pid ?? null,
    startedAt: d.startedAt !== null ? new Date(d.startedAt).toISOString() : null,
    uptimeSeconds: running && d.startedAt !== null ? Math.max(0, Math.floor((now - d.startedAt) / 1000)) : null,
    enabled,
    restarts: d.restarts,
    lastExit: d.lastExit,
    message: d.message,
  };
}
