import type { DaemonExitInfo, DaemonProcess, ProcessHost, ProcessInfo, SpawnRequest } from '../service/process-host';

/** A pretend daemon: tests make it listen, print, and exit. */
export class FakeProcess implements DaemonProcess {
  readonly exited: Promise<DaemonExitInfo>;
  alive = true;
  output = '';
  readonly ports = new Set<number>();
  private resolveExit: (info: DaemonExitInfo) => void = () => undefined;

  constructor(
    readonly pid: number,
    readonly request: SpawnRequest,
    private readonly host: FakeProcessHost,
  ) {
    this.exited = new Promise((resolve) => {
      this.resolveExit = resolve;
    });
  }

  listen(port: number): void {
    this.ports.add(port);
  }

  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    if (!this.alive) return;
    this.alive = false;
    this.ports.clear();
    this.resolveExit({ code, signal });
  }

  outputTail(): string {
    return this.output;
  }

  /** Children forked by the daemon: they inherit its environment (and so the supervisor marker). */
  fork(): FakeOrphan {
    return this.host.addProcess({ ...this.request.env });
  }
}

/** A process the driver did not spawn itself (a daemon's child, or a daemon left by an earlier run). */
export interface FakeOrphan {
  pid: number;
  env: Record<string, string>;
  /** Its command line; empty when the test does not care. */
  argv: string[];
  alive: boolean;
  /** Whether SIGTERM ends it (SIGKILL always does). */
  ignoresTerm: boolean;
}

/**
 * A ProcessHost for unit tests. By default a spawned process does nothing until the test acts on it,
 * and SIGTERM/SIGKILL end it; override onSpawn/onSignal to script other behaviour.
 */
export class FakeProcessHost implements ProcessHost {
  readonly spawned: FakeProcess[] = [];
  readonly signals: { pid: number; signal: NodeJS.Signals }[] = [];
  readonly others = new Map<number, FakeOrphan>();
  /** Ports some unrelated program listens on. */
  readonly foreignPorts = new Set<number>();
  /** Pids that run but belong to unrelated programs. */
  readonly foreignPids = new Set<number>();
  spawnError: Error | undefined;
  onSpawn: (proc: FakeProcess) => void = () => undefined;
  onSignal: (proc: FakeProcess, signal: NodeJS.Signals) => void = (proc, signal) => {
    if (signal === 'SIGTERM' || signal === 'SIGKILL') proc.exit(null, signal);
  };
  private nextPid = 1000;

  get last(): FakeProcess {
    const proc = this.spawned[this.spawned.length - 1];
    if (!proc) throw new Error('nothing was spawned');
    return proc;
  }

  addProcess(env: Record<string, string>, options: { pid?: number; ignoresTerm?: boolean; argv?: string[] } = {}): FakeOrphan {
    const orphan: FakeOrphan = { pid: options.pid ?? this.nextPid++, env, argv: options.argv ?? [], alive: true, ignoresTerm: options.ignoresTerm ?? false };
    this.others.set(orphan.pid, orphan);
    return orphan;
  }

  async spawn(request: SpawnRequest): Promise<DaemonProcess> {
    if (this.spawnError) throw this.spawnError;
    const proc = new FakeProcess(this.nextPid++, { ...request, args: [...request.args], env: { ...request.env } }, this);
    this.spawned.push(proc);
    this.onSpawn(proc);
    return proc;
  }

  async isAlive(pid: number): Promise<boolean> {
    return this.spawned.some((p) => p.pid === pid && p.alive) || this.others.get(pid)?.alive === true || this.foreignPids.has(pid);
  }

  async signal(pid: number, signal: NodeJS.Signals): Promise<boolean> {
    this.signals.push({ pid, signal });
    const proc = this.spawned.find((p) => p.pid === pid && p.alive);
    if (proc) {
      this.onSignal(proc, signal);
      return true;
    }
    const other = this.others.get(pid);
    if (other?.alive) {
      if (signal === 'SIGKILL' || (signal === 'SIGTERM' && !other.ignoresTerm)) other.alive = false;
      return true;
    }
    return this.foreignPids.has(pid);
  }

  async findByEnv(name: string, value: string): Promise<number[]> {
    const spawned = this.spawned.filter((p) => p.alive && p.request.env[name] === value).map((p) => p.pid);
    const others = [...this.others.values()].filter((o) => o.alive && o.env[name] === value).map((o) => o.pid);
    return [...spawned, ...others].sort((a, b) => a - b);
  }

  async inspect(pid: number): Promise<ProcessInfo | null> {
    const proc = this.spawned.find((p) => p.pid === pid && p.alive);
    if (proc) return { argv: [`/usr/sbin/${proc.request.command}`, ...proc.request.args], env: { ...proc.request.env } };
    const other = this.others.get(pid);
    return other?.alive ? { argv: [...other.argv], env: { ...other.env } } : null;
  }

  async tcpConnect(_host: string, port: number): Promise<boolean> {
    return this.foreignPorts.has(port) || this.spawned.some((p) => p.alive && p.ports.has(port));
  }

  signalsTo(pid: number): NodeJS.Signals[] {
    return this.signals.filter((s) => s.pid === pid).map((s) => s.signal);
  }
}
