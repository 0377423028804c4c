import path from 'node:path';
import { FTP_PAM_SERVICE, type CommandRunner } from '@moxnas/host';
import {
  renderVsftpdChrootList,
  renderVsftpdConf,
  renderVsftpdUserConfigs,
  renderVsftpdUserList,
  validateVsftpdConf,
  type VsftpdStateInput,
} from '@moxnas/render';
import type { EntityManager } from 'typeorm';
import type { HostPaths } from '../../../core/config/host-paths';
import type { EntityKind, ManagedConfig, RenderedConfig, ValidationOutcome } from '../apply/managed-config';
import type { SettingsStore } from '../settings.store';
import type { ConfigContributions } from './config-contributions';
import { guardRender } from './render-guard';

export const DEV_FTP_PORT = 2121;

export function ftpPort(paths: HostPaths, configured: number | null): number {
  return configured ?? (paths.system ? 21 : DEV_FTP_PORT);
}

export class FtpManagedConfig implements ManagedConfig {
  readonly service = 'ftp' as const;
  // The user list and per-user files expand share groups to their enabled members (share-render.ts).
  readonly dependsOn = ['settings.ftp', 'shares.ftp', 'users', 'groups', 'memberships'] as const satisfies readonly EntityKind[];

  constructor(
    private readonly paths: HostPaths,
    private readonly settings: SettingsStore,
    private readonly contributions: ConfigContributions,
    private readonly runner: CommandRunner,
  ) {}

  async render(manager: EntityManager): Promise<RenderedConfig> {
    const s = await this.settings.get(manager, 'ftp');
    const shares = await this.contributions.collect('ftpShares', manager);
    const state: VsftpdStateInput = {
      global: {
        listenPort: ftpPort(this.paths, s.port),
        listenAddress: s.listenAddress,
        // The process driver supervises vsftpd in the foreground; under systemd its unit does.
        background: false,
        passivePorts: { min: s.passivePortMin, max: s.passivePortMax },
        banner: s.banner,
        maxClients: s.maxClients,
        maxPerIp: s.maxPerIp,
        tls: s.tls ? { certFile: path.join(this.paths.tlsDir, 'ftp.crt'), keyFile: path.join(this.paths.tlsDir, 'ftp.key'), required: false } : null,
        pamServiceName: FTP_PAM_SERVICE,
        secureChrootDir: this.paths.vsftpdSecureChroot,
        userConfigDir: this.paths.vsftpdUserDir,
        userListFile: this.paths.vsftpdUserList,
        chrootListFile: this.paths.vsftpdChrootList,
      },
      shares,
    };
    const files = guardRender(() => {
      const out = new Map<string, string>([
        [this.paths.vsftpdConf, renderVsftpdConf(state)],
        [this.paths.vsftpdUserList, renderVsftpdUserList(state)],
        [this.paths.vsftpdChrootList, renderVsftpdChrootList(state)],
      ]);
      for (const [user, text] of renderVsftpdUserConfigs(state)) out.set(path.join(this.paths.vsftpdUserDir, user), text);
      return out;
    });
    return { files, ownedDirs: [this.paths.vsftpdUserDir], settings: s };
  }

  async validate(files: Map<string, string>): Promise<ValidationOutcome> {
    if (!(await this.runner.has('vsftpd'))) {
      return { ok: true, messages: [], skipped: 'vsftpd is not installed here, so vsftpd.conf was checked only against the field grammars.' };
    }
    const result = await validateVsftpdConf(files.get(this.paths.vsftpdConf) ?? '', this.runner);
    return { ok: result.ok, messages: result.messages };
  }
}
