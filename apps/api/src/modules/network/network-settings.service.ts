import path from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DnsSettings, HostnameSettings, UpdateDns, UpdateHostname, Writability } from '@moxnas/contracts';
import {
  parseHostnameFile,
  parseResolvConf,
  renderHostsFile,
  renderResolvConf,
  Mutex,
  type CommandRunner,
  type HostCapabilities,
  type HostFs,
  type SystemReader,
} from '@moxnas/host';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import type { HostPaths } from '../../core/config/host-paths';
import { DomainError } from '../../core/errors/domain-error';
import { COMMAND_RUNNER, HOST_CAPABILITIES, HOST_FS, HOST_PATHS } from '../../core/host/host.module';
import { SYSTEM_READER } from '../system/metrics/system-reader.token';
import { AuditContext } from '../users/audit/audit-context';
import { networkFilePolicy, type NetworkFile } from './network-file-policy';

/**
 * DNS servers and host name: read from /etc (under MOXNAS_ETC_ROOT), written only where this
 * container owns the files. Under a development etc root the files there are written and the
 * running host name is left alone; until the first write, the real /etc is shown.
 */
@Injectable()
export class NetworkSettingsService {
  private readonly log = new Logger('network');
  /** One change at a time: hostname and hosts are written together. */
  private readonly changes = new Mutex();

  constructor(
    @Inject(HOST_FS) private readonly fs: HostFs,
    @Inject(COMMAND_RUNNER) private readonly runner: CommandRunner,
    @Inject(HOST_CAPABILITIES) private readonly host: HostCapabilities,
    @Inject(HOST_PATHS) private readonly paths: HostPaths,
    @Inject(SYSTEM_READER) private readonly reader: SystemReader,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditContext,
  ) {}

  private file(name: NetworkFile | `.pve-ignore.${NetworkFile}`): string {
    return path.join(this.config.etcRoot, 'etc', name);
  }

  async access(name: NetworkFile): Promise<Writability> {
    const file = this.file(name);
    const [pveIgnore, st, mounts] = await Promise.all([
      this.fs.exists(this.file(`.pve-ignore.${name}`)),
      this.fs.lstat(file),
      this.paths.system ? this.reader.mounts() : Promise.resolve([]),
    ]);
    return networkFilePolicy({
      file: name,
      path: file,
      system: this.paths.system,
      container: this.host.container.type.value,
      pveIgnore,
      mountPoint: mounts.some((m) => m.mountPoint === `/etc/${name}`),
      symlinkTarget: st?.type === 'symlink' ? await this.fs.realpath(file).catch(() => null) : null,
      root: this.host.root.value,
    });
  }

  /** The managed file, or under a development etc root that has none yet, the real one (read only). */
  private async read(name: NetworkFile): Promise<string | null> {
    const own = await this.fs.readFile(this.file(name));
    if (own !== null || this.paths.system) return own;
    return this.fs.readFile(path.join('/etc', name));
  }

  async dns(): Promise<DnsSettings> {
    const [text, access] = await Promise.all([this.read('resolv.conf'), this.access('resolv.conf')]);
    const parsed = parseResolvConf(text ?? '');
    return { nameservers: parsed.nameservers, search: parsed.search, options: parsed.options, access };
  }

  updateDns(input: UpdateDns): Promise<DnsSettings> {
    return this.changes.run(async () => {
      const access = await this.writable('resolv.conf');
      const before = await this.dns();
      const current = await this.read('resolv.conf');
      await this.fs.mkdir(path.dirname(access.path));
      await this.fs.writeFileAtomic(access.path, renderResolvConf(current, input), { mode: 0o644 });
      this.log.log({ nameservers: input.nameservers, search: input.search, file: access.path }, 'DNS settings written');
      const after = await this.dns();
      this.audit.describe({ target: 'network:dns', before, after });
      return after;
    });
  }

  async hostname(): Promise<HostnameSettings> {
    const [running, text, access] = await Promise.all([this.reader.hostname(), this.fs.readFile(this.file('hostname')), this.access('hostname')]);
    return { hostname: running, configured: text === null ? null : parseHostnameFile(text), access };
  }

  /**
   * Writes /etc/hostname and the 127.0.1.1 line of /etc/hosts (when that file is ours too), then
   * sets the running name (real /etc only). If the running name cannot be set, both files are put
   * back, so the box never says one name and answers to another.
   */
  updateHostname(input: UpdateHostname): Promise<HostnameSettings> {
    return this.changes.run(async () => {
      const access = await this.writable('hostname');
      const hostsAccess = await this.access('hosts');
      const previous = await this.hostname();
      const before = { hostname: await this.fs.readFile(access.path), hosts: hostsAccess.writable ? await this.fs.readFile(hostsAccess.path) : null };
      await this.fs.mkdir(path.dirname(access.path));
      await this.fs.writeFileAtomic(access.path, `${input.hostname}\n`, { mode: 0o644 });
      if (hostsAccess.writable) {
        const current = before.hosts ?? (this.paths.system ? null : await this.fs.readFile('/etc/hosts'));
        await this.fs.writeFileAtomic(hostsAccess.path, renderHostsFile(current, input.hostname), { mode: 0o644 });
      }
      if (this.paths.system) {
        try {
          await this.runner.run('hostname', [input.hostname], { timeoutMs: 5000 });
        } catch (err) {
          await this.restore(access.path, before.hostname);
          if (hostsAccess.writable) await this.restore(hostsAccess.path, before.hosts);
          throw new DomainError('APPLY_FAILED', `The running host name could not be set, so the files were put back: ${(err as Error).message}`);
        }
      }
      this.log.log({ hostname: input.hostname, file: access.path, hosts: hostsAccess.writable }, 'host name changed');
      const after = await this.hostname();
      this.audit.describe({ target: 'network:hostname', before: previous, after });
      return after;
    });
  }

  private async restore(file: string, content: string | null): Promise<void> {
    if (content === null) await this.fs.rm(file, { force: true });
    else await this.fs.writeFileAtomic(file, content);
  }

  private async writable(name: NetworkFile): Promise<Writability> {
    const access = await this.access(name);
    if (!access.writable) {
      throw new DomainError('CONFLICT', access.reason ?? `/etc/${name} cannot be changed here.`, undefined, { path: access.path, fix: access.fix });
    }
    return access;
  }
}
