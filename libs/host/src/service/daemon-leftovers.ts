import path from 'node:path';
import type { HostFs } from '../fs/host-fs';
import type { ProcessHost } from './process-host';
import { ServiceError, type DaemonSpec } from './service-driver';

/**
 * Every process the driver starts carries `MOXNAS_SUPERVISED=<id>@<runDir>` in its environment, and
 * the daemons' own children inherit it. That is how the driver finds what a daemon left behind (a
 * connection child of a killed smbd still holding the port, or a daemon orphaned when the app itself
 * crashed) without trusting pids that may have been reused.
 */
export const SUPERVISOR_ENV = 'MOXNAS_SUPERVISED';

/** After SIGKILL the kernel frees the process at once; waiting longer means something is badly wrong. */
export const KILL_WAIT_MS = 5_000;
const LEFTOVER_GRACE_MS = 3_000;

/** One daemon as its leftovers are found: its marker, its pid file and its command line. */
export interface MarkedDaemon {
  spec: DaemonSpec;
  /** Value of SUPERVISOR_ENV for this daemon. */
  key: string;
  pidFile: string;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * What a daemon leaves behind: pid files, stray children and orphans of an earlier run of the app,
 * found by the supervisor marker and cleared.
 */
export class DaemonLeftovers {
  constructor(
    private readonly fs: HostFs,
    private readonly host: ProcessHost,
    private readonly now: () => number,
    private readonly pollIntervalMs: number,
  ) {}

  /** Stops every process carrying the daemon's marker except `current` (its supervised main process). */
  async kill(d: MarkedDaemon, current: number | undefined): Promise<void> {
    const find = async () => (await this.host.findByEnv(SUPERVISOR_ENV, d.key)).filter((pid) => pid !== current);
    let pids = await find();
    if (pids.length === 0) return;
    for (const pid of pids) await this.host.signal(pid, 'SIGTERM');
    const deadline = this.now() + LEFTOVER_GRACE_MS;
    while (pids.length > 0 && this.now() < deadline) {
      await sleep(this.pollIntervalMs);
      pids = await find();
    }
    for (const pid of pids) await this.host.signal(pid, 'SIGKILL');
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
   * this process, so it cannot be supervised: it is stopped, to be started afresh. Answers what was
   * found, for the driver's `stale-pid` event, or null when there was no pid file.
   */
  async recover(d: MarkedDaemon): Promise<string | null> {
    const text = await this.fs.readFile(d.pidFile);
    let message: string | null = null;
    if (text !== null) {
      const pid = Number(text.trim());
      if (!Number.isInteger(pid) || pid <= 0) {
        message = `removed unreadable pid file ${d.pidFile}`;
      } else if (!(await this.host.isAlive(pid))) {
        message = `removed stale pid file ${d.pidFile} (pid ${pid} is not running)`;
      } else if ((await this.host.findByEnv(SUPERVISOR_ENV, d.key)).includes(pid)) {
        message = `pid ${pid} was left running by a previous run of MoxNAS; stopping it to supervise a fresh one`;
      } else {
        message = `removed stale pid file ${d.pidFile} (pid ${pid} now belongs to another program)`;
      }
      await this.fs.rm(d.pidFile, { force: true });
    }
    return message;
  }

  /**
   * The pid in the pid file when that process is this daemon as a previous run started it: our
   * marker in its environment, and its command line is this daemon's command with our arguments
   * (so with our config file). Anything else is not ours to report.
   */
  async orphanOf(d: MarkedDaemon): Promise<number | null> {
    const pid = Number((await this.fs.readFile(d.pidFile))?.trim());
    if (!Number.isInteger(pid) || pid <= 0) return null;
    const info = await this.host.inspect(pid);
    if (!info || info.env[SUPERVISOR_ENV] !== d.key) return null;
    const [argv0, ...args] = info.argv;
    const same = argv0 !== undefined && path.basename(argv0) === d.spec.command && args.length === d.spec.args.length && args.every((a, i) => a === d.spec.args[i]);
    return same ? pid : null;
  }

  /** Removes the pid file if it still names `pid` (a newer run may already have written its own). */
  async removePidFile(d: MarkedDaemon, pid: number): Promise<void> {
    try {
      if ((await this.fs.readFile(d.pidFile))?.trim() === String(pid)) await this.fs.rm(d.pidFile, { force: true });
    } catch {
      /* a pid file that cannot be removed is found stale at the next start */
    }
  }
}
