/**
 * One interface for controlling the NAS daemons, whoever supervises them: systemd when it is PID 1,
 * otherwise the app itself (ProcessDriver). Services pick the driver once through
 * createServiceDriver and never know which one they have.
 */

export type ServiceState = 'running' | 'stopped' | 'failed' | 'starting';

export interface ServiceExit {
  /** Exit code, null when killed by a signal. */
  code: number | null;
  signal: string | null;
  /** ISO 8601. */
  at: string;
  /** True when the driver stopped it on purpose. */
  expected: boolean;
  /** Last lines the daemon printed (stderr and stdout), for failure reports. */
  outputTail?: string;
}

export interface ServiceStatus {
  id: string;
  state: ServiceState;
  pid: number | null;
  /** ISO 8601 of the current run's start, null when not running. */
  startedAt: string | null;
  uptimeSeconds: number | null;
  /** Started automatically when the app (process driver) or the machine (systemd) boots. */
  enabled: boolean;
  /** Automatic restarts after unexpected exits since the last explicit start. */
  restarts: number;
  lastExit: ServiceExit | null;
  /** Why the service is failed or what the supervisor is about to do, for the UI. */
  message: string | null;
  /**
   * The daemon runs (pid) but this run of the app did not start it: a previous run was killed and
   * left it behind. It is not supervised (no reload, no restart); startEnabled stops it.
   */
  orphan?: boolean;
}

export type ServiceEventType =
  | 'starting'
  | 'started'
  | 'stopped'
  | 'exited'
  | 'restarting'
  | 'restarted'
  | 'failed'
  | 'reloaded'
  | 'stale-pid'
  | 'enabled'
  | 'disabled';

export interface ServiceEvent {
  id: string;
  type: ServiceEventType;
  /** ISO 8601. */
  at: string;
  status: ServiceStatus;
  message?: string;
}

export type ServiceEventListener = (event: ServiceEvent) => void;

export type StartEnabledResult = Record<string, { ok: true } | { ok: false; error: string }>;

export interface ServiceDriver {
  readonly kind: 'systemd' | 'process';
  /** Ids of the services this driver knows. */
  services(): string[];
  status(id: string): Promise<ServiceStatus>;
  /** Idempotent: starting a running service does nothing. Resolves once it is ready. */
  start(id: string): Promise<void>;
  /** Idempotent. Resolves once the daemon and its children are gone. */
  stop(id: string): Promise<void>;
  restart(id: string): Promise<void>;
  /** Makes the daemon re-read its configuration; fails when it is not running. */
  reload(id: string): Promise<void>;
  /** Start at boot. Does not start it now. */
  enable(id: string): Promise<void>;
  disable(id: string): Promise<void>;
  /** Starts every enabled service; called once at app start. Failures are reported, not thrown. */
  startEnabled(): Promise<StartEnabledResult>;
  /** Clean shutdown of what this driver supervises. */
  stopAll(): Promise<void>;
  /** Subscribes to status changes; returns the unsubscribe function. */
  onEvent(listener: ServiceEventListener): () => void;
}

export type ServiceErrorKind = 'unknown-service' | 'start-failed' | 'stop-failed' | 'reload-failed' | 'not-running' | 'control-failed';

export class ServiceError extends Error {
  constructor(
    readonly kind: ServiceErrorKind,
    readonly serviceId: string,
    message: string,
    /** The daemon's output tail or the control command's stderr, when there is one. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

/** How a supervised daemon re-reads its configuration. */
export type ReloadSpec =
  | { kind: 'signal'; signal: NodeJS.Signals }
  /** An allowlisted control command, for example `smbcontrol --configfile=... smbd reload-config`. */
  | { kind: 'command'; command: string; args: readonly string[] }
  /** The daemon has no reload: stop and start it. */
  | { kind: 'restart' };

/** The daemon is ready when this TCP port accepts connections. */
export interface TcpReadiness {
  tcpPort: number;
  /** Default 127.0.0.1. */
  host?: string;
}

/** A daemon the process driver runs in the foreground and supervises. */
export interface DaemonSpec {
  id: string;
  /** Allowlisted binary name (not a path), for example `smbd`. */
  command: string;
  /** Must keep the daemon in the foreground (`--foreground`, `background=NO`). */
  args: readonly string[];
  env?: Record<string, string>;
  /**
   * The daemon reports start-up errors on fd 0 (vsftpd does, since fd 0 is its control connection
   * in inetd mode): give it a file there and add what it writes to the output tail.
   */
  errorsOnStdin?: boolean;
  reload: ReloadSpec;
  /** Omitted: ready once it has stayed up for a short settle time. */
  readiness?: TcpReadiness;
  /** Default `<runDir>/<id>.pid`. */
  pidFile?: string;
  /** How long start waits for readiness (default 15 s). */
  startTimeoutMs?: number;
  /** How long stop waits after SIGTERM before SIGKILL (default 10 s). */
  stopGraceMs?: number;
}

/** A service as the app declares it: its systemd unit and how to run it without systemd. */
export interface ServiceDefinition {
  id: string;
  /** systemd unit, for example `smbd.service`. */
  unit: string;
  daemon: Omit<DaemonSpec, 'id'>;
}
