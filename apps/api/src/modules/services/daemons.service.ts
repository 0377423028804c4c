import net from 'node:net';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { Capability, ServiceId, ServiceState } from '@moxnas/contracts';
import {
  createServiceDriver,
  ServiceError,
  type CommandRunner,
  type HostCapabilities,
  type HostFs,
  type ServiceDefinition,
  type ServiceDriver,
  type ServiceStatus as DriverStatus,
  type TcpReadiness,
} from '@moxnas/host';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import type { HostPaths } from '../../core/config/host-paths';
import { DomainError } from '../../core/errors/domain-error';
import { COMMAND_RUNNER, HOST_CAPABILITIES, HOST_FS, HOST_PATHS } from '../../core/host/host.module';
import { EventsService } from '../system/events/events.service';
import type { DaemonOutcome, DaemonReloader } from './apply/managed-config';
import { ftpPort } from './configs/ftp.config';
import { smbPort } from './configs/smb.config';

const VERIFY_TIMEOUT_MS = 5000;
const SETTLE_MS = 300;

export interface DaemonStatus {
  capability: Capability;
  state: ServiceState;
  driver: 'systemd' | 'process' | 'none';
  raw: DriverStatus | null;
}

function tcpAnswers(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * The daemons behind the services: which can run here (and why not), their real status from the
 * driver (systemd, or the app's own supervisor), and reload-and-verify for the apply engine.
 * NFS has no long-running userland process to supervise without systemd: its "reload" is
 * `exportfs -ra`, and it is available only where the kernel NFS server is.
 */
@Injectable()
export class DaemonsService implements DaemonReloader, OnApplicationShutdown {
  private readonly log = new Logger('daemons');
  readonly driver: ServiceDriver;
  private readonly readiness: Record<'smb' | 'ftp', TcpReadiness>;
  private readonly capabilities: Record<ServiceId, Capability>;

  constructor(
    @Inject(HOST_PATHS) private readonly paths: HostPaths,
    @Inject(HOST_CAPABILITIES) private readonly host: HostCapabilities,
    @Inject(COMMAND_RUNNER) private readonly runner: CommandRunner,
    @Inject(HOST_FS) private readonly fs: HostFs,
    private readonly events: EventsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    // Mutable on purpose: the driver reads readiness when it checks, so a port change takes effect.
    this.readiness = {
      smb: { tcpPort: smbPort(paths, null), host: '127.0.0.1' },
      ftp: { tcpPort: ftpPort(paths, null), host: '127.0.0.1' },
    };
    this.capabilities = {
      smb: this.capability(['smbd', 'testparm', 'smbcontrol'], 'Samba'),
      ftp: this.capability(['vsftpd'], 'vsftpd'),
      nfs: this.nfsCapability(),
    };
    const definitions: ServiceDefinition[] = [
      {
        id: 'smb',
        unit: 'smbd.service',
        daemon: {
          command: 'smbd',
          args: ['--foreground', '--no-process-group', '--debug-stdout', '-s', paths.smbConf],
          reload: { kind: 'command', command: 'smbcontrol', args: ['--configfile', paths.smbConf, 'smbd', 'reload-config'] },
          readiness: this.readiness.smb,
        },
      },
      {
        id: 'ftp',
        unit: 'vsftpd.service',
        daemon: { command: 'vsftpd', args: [paths.vsftpdConf], reload: { kind: 'signal', signal: 'SIGHUP' }, readiness: this.readiness.ftp },
      },
    ];
    if (host.systemdPid1.value) {
      definitions.push({ id: 'nfs', unit: 'nfs-server.service', daemon: { command: 'rpc.mountd', args: ['--foreground'], reload: { kind: 'command', command: 'exportfs', args: ['-ra'] } } });
    }
    this.driver = createServiceDriver({ systemdPid1: host.systemdPid1.value, definitions, runner, fs, runDir: paths.runDir });
    this.driver.onEvent((event) => {
      this.events.publish({ type: 'service.status', access: 'viewer', data: { id: event.id, event: event.type, state: event.status.state, message: event.message ?? event.status.message } });
    });
  }

  private capability(binaries: Array<keyof HostCapabilities['binaries']>, name: string): Capability {
    const missing = binaries.filter((b) => !this.host.binaries[b].value);
    if (missing.length) {
      const fixes = [...new Set(missing.map((b) => this.host.binaries[b].fix).filter(Boolean))];
      return { available: false, reason: `${name} is not installed (${missing.join(', ')} missing).`, fix: fixes.join('; ') || null };
    }
    if (!this.host.root.value) {
      return { available: false, reason: `${name} needs root; MoxNAS is not running as root. ${this.host.root.reason}`, fix: 'Run MoxNAS as root (the installed systemd unit does).' };
    }
    return { available: true, reason: null, fix: null };
  }

  private nfsCapability(): Capability {
    if (!this.host.kernelNfsd.value) return { available: false, reason: this.host.kernelNfsd.reason, fix: this.host.kernelNfsd.fix ?? null };
    return this.capability(['exportfs'], 'The NFS server');
  }

  capabilityOf(service: ServiceId): Capability {
    return this.capabilities[service];
  }

  /** Brings the driver's notion of ports in line with the settings (before a start or after an apply). */
  private applyPorts(service: ServiceId, settings: Record<string, unknown>): boolean {
    if (service === 'nfs') return false;
    const port = service === 'smb' ? smbPort(this.paths, (settings['port'] as number | null) ?? null) : ftpPort(this.paths, (settings['port'] as number | null) ?? null);
    const address = service === 'ftp' ? (settings['listenAddress'] as string | null) : null;
    const host = address && address !== '0.0.0.0' ? address : '127.0.0.1';
    const r = this.readiness[service];
    const changed = r.tcpPort !== port || (r.host ?? '127.0.0.1') !== host;
    r.tcpPort = port;
    r.host = host;
    return changed;
  }

  async status(service: ServiceId): Promise<DaemonStatus> {
    const capability = this.capabilities[service];
    if (!capability.available) return { capability, state: 'unavailable', driver: 'none', raw: null };
    if (service === 'nfs' && !this.driver.services().includes('nfs')) {
      // Exports are live whenever the kernel server is (no userland daemon of ours to watch).
      return { capability, state: 'running', driver: 'none', raw: null };
    }
    const raw = await this.driver.status(service);
    return { capability, state: raw.state, driver: this.driver.kind, raw };
  }

  private requireAvailable(service: ServiceId): void {
    const c = this.capabilities[service];
    if (!c.available) throw DomainError.unavailable(`${service} cannot run on this host: ${c.reason}`, { fix: c.fix });
  }

  async prepare(service: ServiceId, settings: Record<string, unknown>): Promise<void> {
    this.applyPorts(service, settings);
    if (service === 'smb' && this.paths.samba) {
      for (const dir of Object.values(this.paths.samba)) await this.fs.mkdir(dir as string, { mode: 0o755 });
      await this.fs.chmod(this.paths.samba.privateDir, 0o700);
    }
    if (service === 'ftp') {
      // vsftpd refuses a secure_chroot_dir that is missing or writable by others.
      await this.fs.mkdir(this.paths.vsftpdSecureChroot, { mode: 0o555, uid: 0, gid: 0 });
      await this.fs.mkdir(this.paths.vsftpdUserDir, { mode: 0o755 });
    }
  }

  async control(service: ServiceId, action: 'start' | 'stop' | 'restart' | 'reload' | 'enable' | 'disable', settings: Record<string, unknown>): Promise<void> {
    this.requireAvailable(service);
    if (service === 'nfs' && !this.driver.services().includes('nfs')) {
      if (action === 'reload' || action === 'start' || action === 'restart') await this.runner.run('exportfs', ['-ra']);
      else throw DomainError.conflict('Without systemd the kernel NFS server is not started or stopped by MoxNAS; exports are reloaded with exportfs.');
      return;
    }
    try {
      if (action === 'start' || action === 'restart') await this.prepare(service, settings);
      await this.driver[action](service);
      if (action === 'enable') await this.driver.start(service);
    } catch (err) {
      if (err instanceof ServiceError) {
        if (err.kind === 'not-running') throw DomainError.conflict(`${service} is not running.`);
        throw new DomainError('APPLY_FAILED', err.message, undefined, err.detail ? { detail: err.detail } : undefined);
      }
      throw err;
    }
  }

  async reloadAndVerify(service: ServiceId, settings: Record<string, unknown>, options: { restart?: boolean } = {}): Promise<DaemonOutcome> {
    const c = this.capabilities[service];
    if (!c.available) return { outcome: 'unavailable', reason: c.reason ?? 'unavailable' };
    if (this.config.role === 'cli' && this.driver.kind === 'process') {
      // Only the server process supervises daemons; a CLI run must never signal or restart them.
      return { outcome: 'unavailable', reason: 'the daemons are supervised by the MoxNAS server; restart it (or reload the service in the dashboard) to load the new files.' };
    }
    if (service === 'nfs' && !this.driver.services().includes('nfs')) {
      try {
        await this.runner.run('exportfs', ['-ra']);
        return { outcome: 'reloaded' };
      } catch (err) {
        return { outcome: 'failed', error: (err as Error).message };
      }
    }
    const before = await this.driver.status(service);
    const portChanged = this.applyPorts(service, settings);
    // An orphan of a previous run is not ours to reload: the start-up reconcile replaces it with a
    // fresh daemon, which reads the files written now.
    if ((before.state !== 'running' || before.orphan) && !options.restart) return { outcome: 'not-running' };
    try {
      // A daemon binds its port at start; a new port needs a restart, anything else a reload.
      if (portChanged || options.restart) {
        await this.prepare(service, settings);
        await this.driver.restart(service);
      } else {
        await this.driver.reload(service);
      }
    } catch (err) {
      const detail = err instanceof ServiceError && err.detail ? `: ${err.detail.trim().split('\n').slice(-3).join(' | ')}` : '';
      return { outcome: 'failed', error: `${(err as Error).message}${detail}` };
    }
    return this.verify(service as 'smb' | 'ftp');
  }

  /** Alive and answering on its port, after a short settle time for a reload to bite. */
  private async verify(service: 'smb' | 'ftp'): Promise<DaemonOutcome> {
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const deadline = Date.now() + VERIFY_TIMEOUT_MS;
    const r = this.readiness[service];
    for (;;) {
      const status = await this.driver.status(service);
      if (status.state === 'failed' || status.state === 'stopped') {
        return { outcome: 'failed', error: status.message ?? status.lastExit?.outputTail?.trim().split('\n').slice(-2).join(' | ') ?? `${service} stopped` };
      }
      if (status.state === 'running' && (await tcpAnswers(r.host ?? '127.0.0.1', r.tcpPort, 1000))) return { outcome: 'reloaded' };
      if (Date.now() > deadline) return { outcome: 'failed', error: `${service} does not answer on port ${r.tcpPort}` };
      await new Promise((res) => setTimeout(res, 100));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.config.role !== 'server') return;
    await this.driver.stopAll().catch((err) => this.log.warn({ err }, 'stopping daemons failed'));
  }
}
