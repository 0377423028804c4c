import { Injectable } from '@nestjs/common';
import type { ExportsStateInput, FtpShareStateInput, SmbConfStateInput } from '@moxnas/render';
import type { EntityManager } from 'typeorm';

/** The parts of each daemon's configuration that other modules own (shares, exports). */
export interface ContributionParts {
  smbShares: SmbConfStateInput['shares'];
  nfsExports: ExportsStateInput['exports'];
  ftpShares: FtpShareStateInput[];
}

type Contributor<K extends keyof ContributionParts> = (manager: EntityManager) => Promise<ContributionParts[K]>;

/**
 * Modules that own parts of a config file (the shares module owns the share sections) register a
 * reader here; the services module composes them with its global settings at render time, inside
 * the apply transaction, so a change and the file rendered from it are always the same state.
 */
@Injectable()
export class ConfigContributions {
  private readonly contributors: { [K in keyof ContributionParts]?: Contributor<K> } = {};

  provide<K extends keyof ContributionParts>(part: K, contributor: Contributor<K>): void {
    (this.contributors as Record<K, Contributor<K>>)[part] = contributor;
  }

  async collect<K extends keyof ContributionParts>(part: K, manager: EntityManager): Promise<ContributionParts[K]> {
    const contributor = this.contributors[part] as Contributor<K> | undefined;
    return contributor ? contributor(manager) : ([] as unknown as ContributionParts[K]);
  }
}
