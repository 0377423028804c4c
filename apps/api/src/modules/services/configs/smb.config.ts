import type { CommandRunner, HostFs } from '@moxnas/host';
import { renderSmbConf, validateSmbConf } from '@moxnas/render';
import type { EntityManager } from 'typeorm';
import type { HostPaths } from '../../../core/config/host-paths';
import type { EntityKind, ManagedConfig, RenderedConfig, ValidationOutcome } from '../apply/managed-config';
import type { SettingsStore } from '../settings.store';
import type { ConfigContributions } from './config-contributions';
import { guardRender } from './render-guard';

/** Development and tests run Samba on a high port so no privileged port is needed. */
export const DEV_SMB_PORT = 4450;

export function smbPort(paths: HostPaths, configured: number | null): number {
  return configured ?? (paths.system ? 445 : DEV_SMB_PORT);
}

export class SmbManagedConfig implements ManagedConfig {
  readonly service = 'smb' as const;
  // Share sections and [global]. `valid users` and friends name accounts but read no account row
  // (Samba resolves them at connect time); a group rename rewrites the share rows (shares.smb).
  readonly dependsOn = ['settings.smb', 'shares.smb'] as const satisfies readonly EntityKind[];

  constructor(
    private readonly paths: HostPaths,
    private readonly settings: SettingsStore,
    private readonly contributions: ConfigContributions,
    private readonly runner: CommandRunner,
    private readonly fs: HostFs,
  ) {}

  async render(manager: EntityManager): Promise<RenderedConfig> {
    const s = await this.settings.get(manager, 'smb');
    const shares = await this.contributions.collect('smbShares', manager);
    const port = smbPort(this.paths, s.port);
    const text = guardRender(() =>
      renderSmbConf({
        global: {
          workgroup: s.workgroup,
          serverString: s.serverString,
          netbiosName: s.netbiosName,
          minProtocol: s.minProtocol,
          interfaces: s.interfaces,
          // In system mode 445 is Samba's default; writing it anyway keeps the file explicit.
          ports: [port],
          dirs: this.paths.samba ?? {},
        },
        shares,
      }),
    );
    return { files: new Map([[this.paths.smbConf, text]]), ownedDirs: [], settings: s };
  }

  async validate(files: Map<string, string>): Promise<ValidationOutcome> {
    if (!(await this.runner.has('testparm'))) {
      return { ok: true, messages: [], skipped: 'testparm is not installed here, so smb.conf was checked only against the field grammars.' };
    }
    // testparm rightly fails on state/cache directories that do not exist; in development they live
    // in the data dir and are made here (in system mode Samba's package made them).
    if (this.paths.samba) {
      for (const dir of Object.values(this.paths.samba)) await this.fs.mkdir(dir, { mode: 0o755 });
      await this.fs.chmod(this.paths.samba.privateDir, 0o700);
    }
    const result = await validateSmbConf(files.get(this.paths.smbConf) ?? '', this.runner);
    return { ok: result.ok, messages: result.messages };
  }
}
