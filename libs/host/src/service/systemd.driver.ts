import { constants as osConstants } from 'node:os';
import { CommandError, type CommandRunner } from '../command/command-runner';
import {
  ServiceError,
  type ServiceDriver,
  type ServiceErrorKind,
  type ServiceEventListener,
  type ServiceEventType,
  type ServiceExit,
  type ServiceState,
  type ServiceStatus,
  type StartEnabledResult,
} from './service-driver';

const SHOW_PROPERTIES = [
  'LoadState',
  'ActiveState',
  'SubState',
  'MainPID',
  'ActiveEnterTimestamp',
  'NRestarts',
  'Result',
  'ExecMainCode',
  'ExecMainStatus',
  'ExecMainExitTimestamp',
];
/** start/stop wait for the unit's own timeouts (90 s by default); allow a little more. */
const CONTROL_TIMEOUT_MS = 120_000;
const QUERY_TIMEOUT_MS = 15_000;
const ENABLED_STATES = new Set(['enabled', 'enabled-runtime', 'alias', 'static', 'indirect', 'generated']);

const SIGNAL_NAMES = new Map<number, string>(Object.entries(osConstants.signals).map(([name, num]) => [num, name]));

export interface SystemdDriverOptions {
  runner: CommandRunner;
  /** Service id → unit name, for example `{ smb: 'smbd.service' }`. */
  units: Readonly<Record<string, string>>;
  now?: () => number;
}

/** `systemctl show` timestamps, printed under TZ=UTC: `Sat 2026-11-21 10:00:00 UTC`. */
export function parseSystemdTimestamp(value: string | undefined): number | null {
  const m = /(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))? UTC$/.exec(value?.trim() ?? '');
  if (!m) return null;
  const ms = Date.parse(`${m[1]}T${m[2]}Z`);
  return Number.isNaN(ms) ? null : ms;
}

/** Parses `systemctl show -p A,B UNIT` output (`Key=value` lines). */
export function parseSystemctlShow(text: string): Record<string, string> {
  const props: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) props[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return props;
}

function stateOf(activeState: string | undefined): ServiceState {
  switch (activeState) {
    // A deactivating unit still has its main process until it is gone.
    case 'active':
    case 'reloading':
    case 'deactivating':
      return 'running';
    case 'activating':
      return 'starting';
    case 'failed':
      return 'failed';
    default:
      return 'stopped';
  }
}

/** Controls daemons through systemctl when systemd is PID 1. */
export class SystemdDriver implements ServiceDriver {
  readonly kind = 'systemd' as const;
  private readonly listeners = new Set<ServiceEventListener>();
  private readonly now: () => number;

  constructor(private readonly options: SystemdDriverOptions) {
    this.now = options.now ?? Date.now;
  }

  services(): string[] {
    return Object.keys(this.options.units);
  }

  async status(id: string): Promise<ServiceStatus> {
    const unit = this.unit(id);
    const [show, enabled] = await Promise.all([
      this.systemctl(id, 'control-failed', ['show', `--property=${SHOW_PROPERTIES.join(',')}`, unit], QUERY_TIMEOUT_MS),
      // is-enabled exits 1 for disabled units; its stdout says which state it is.
      this.systemctl(id, 'control-failed', ['is-enabled', unit], QUERY_TIMEOUT_MS, [0, 1]),
    ]);
    const p = parseSystemctlShow(show);
    const state = stateOf(p['ActiveState']);
    const pid = Number(p['MainPID'] ?? '0') || null;
    const startedAt = state === 'running' || state === 'starting' ? parseSystemdTimestamp(p['ActiveEnterTimestamp']) : null;
    return {
      id,
      state,
      pid,
      startedAt: startedAt !== null ? new Date(startedAt).toISOString() : null,
      uptimeSeconds: startedAt !== null && state === 'running' ? Math.max(0, Math.floor((this.now() - startedAt) / 1000)) : null,
      enabled: ENABLED_STATES.has(enabled.trim()),
      restarts: Number(p['NRestarts'] ?? '0') || 0,
      lastExit: this.lastExit(p),
      message: this.message(unit, state, p),
    };
  }

  async start(id: string): Promise<void> {
    await this.control(id, 'start-failed', 'start', 'started');
  }

  async stop(id: string): Promise<void> {
    await this.control(id, 'stop-failed', 'stop', 'stopped');
  }

  async restart(id: string): Promise<void> {
    await this.control(id, 'start-failed', 'restart', 'started');
  }

  async reload(id: string): Promise<void> {
    await this.control(id, 'reload-failed', 'reload-or-restart', 'reloaded');
  }

  async enable(id: string): Promise<void> {
    await this.control(id, 'control-failed', 'enable', 'enabled');
  }

  async disable(id: string): Promise<void> {
    await this.control(id, 'control-failed', 'disable', 'disabled');
  }

  /** systemd itself starts enabled units at boot. */
  async startEnabled(): Promise<StartEnabledResult> {
    return {};
  }

  /** The daemons belong to systemd and keep serving while the app restarts. */
  async stopAll(): Promise<void> {}

  onEvent(listener: ServiceEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private unit(id: string): string {
    const unit = this.options.units[id];
    if (!unit) throw new ServiceError('unknown-service', id, `unknown service ${id}`);
    return unit;
  }

  private async control(id: string, failure: ServiceErrorKind, verb: string, event: ServiceEventType): Promise<void> {
    const unit = this.unit(id);
    try {
      await this.systemctl(id, failure, [verb, unit], CONTROL_TIMEOUT_MS);
    } catch (err) {
      await this.emit(id, 'failed', (err as Error).message);
      // systemctl only says "see journalctl"; the unit's last log lines are what the admin needs.
      const journal = verb === 'enable' || verb === 'disable' ? undefined : await this.journalTail(unit);
      if (err instanceof ServiceError && journal) throw new ServiceError(err.kind, id, err.message, journal);
      throw err;
    }
    await this.emit(id, event);
  }

  private async journalTail(unit: string): Promise<string | undefined> {
    try {
      const result = await this.options.runner.run('journalctl', ['--unit', unit, '--lines', '20', '--no-pager', '--output', 'cat'], {
        timeoutMs: QUERY_TIMEOUT_MS,
      });
      return result.stdout.trim() || undefined;
    } catch {
      return undefined;
    }
  }

  private async systemctl(id: string, failure: ServiceErrorKind, args: string[], timeoutMs: number, okCodes = [0]): Promise<string> {
    try {
      // TZ=UTC makes the timestamps in `show` parseable without knowing the host's zone.
      const result = await this.options.runner.run('systemctl', args, { timeoutMs, okCodes, env: { TZ: 'UTC' } });
      return result.stdout;
    } catch (err) {
      const detail = err instanceof CommandError ? (err.result?.stderr ?? '').trim() || undefined : undefined;
      throw new ServiceError(failure, id, `systemctl ${args.join(' ')} failed: ${(err as Error).message}`, detail);
    }
  }

  private message(unit: string, state: ServiceState, p: Record<string, string>): string | null {
    // A unit file that is not installed is a status (the package is missing), not an error.
    if (p['LoadState'] === 'not-found') return `${unit} is not installed`;
    if (state === 'failed') return `${unit} failed (${p['Result'] ?? 'unknown result'})`;
    return null;
  }

  private lastExit(p: Record<string, string>): ServiceExit | null {
    const at = parseSystemdTimestamp(p['ExecMainExitTimestamp']);
    if (at === null) return null;
    // ExecMainCode is the CLD_* code of waitid(2): 1 exited, 2 killed, 3 dumped core.
    const code = Number(p['ExecMainCode']);
    const status = Number(p['ExecMainStatus']);
    const bySignal = code === 2 || code === 3;
    return {
      code: bySignal ? null : status,
      signal: bySignal ? (SIGNAL_NAMES.get(status) ?? String(status)) : null,
      at: new Date(at).toISOString(),
      expected: p['Result'] === 'success',
    };
  }

  private async emit(id: string, type: ServiceEventType, message?: string): Promise<void> {
    if (this.listeners.size === 0) return;
    let status: ServiceStatus;
    try {
      status = await this.status(id);
    } catch {
      return;
    }
    const event = { id, type, at: new Date(this.now()).toISOString(), status, ...(message ? { message } : {}) };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        /* a failing listener must not break control */
      }
    }
  }
}
