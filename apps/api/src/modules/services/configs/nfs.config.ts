import type { CommandRunner } from '@moxnas/host';
import { renderExports, validateExports } from '@moxnas/render';
import type { EntityManager } from 'typeorm';
import type { HostPaths } from '../../../core/config/host-paths';
import type { EntityKind, ManagedConfig, RenderedConfig, ValidationOutcome } from '../apply/managed-config';
import type { SettingsStore } from '../settings.store';
import type { ConfigContributions } from './config-contributions';
import { guardRender } from './render-guard';

export class NfsManagedConfig implements ManagedConfig {
  readonly service = 'nfs' as const;
  // Exports name hosts and ids, no accounts.
  readonly dependsOn = ['settings.nfs', 'shares.nfs'] as const satisfies readonly EntityKind[];

  constructor(
    private readonly paths: HostPaths,
    private readonly settings: SettingsStore,
    private readonly contributions: ConfigContributions,
    private readonly runner: CommandRunner,
  ) {}

  async render(manager: EntityManager): Promise<RenderedConfig> {
    const s = await this.settings.get(manager, 'nfs');
    const exports = await this.contributions.collect('nfsExports', manager);
    const text = guardRender(() => renderExports({ exports }));
    return { files: new Map([[this.paths.exports, text]]), ownedDirs: [], settings: s };
  }

  async validate(files: Map<string, string>): Promise<ValidationOutcome> {
    // validateExports uses exportfs in a private mount namespace when it can, else a strict parser.
    const result = await validateExports(files.get(this.paths.exports) ?? '', this.runner);
    return { ok: result.ok, messages: result.messages, ...(result.note ? { skipped: result.note } : {}) };
  }
}
