import { Injectable, Logger } from '@nestjs/common';
import type { CapabilityEntry } from '@moxnas/contracts';

/** One pool as the storage module knows it. Figures must come from its own cache: no statfs walk per call. */
export interface PoolFigures {
  name: string;
  sizeBytes: number;
  usedBytes: number;
  freeBytes: number;
  healthy: boolean;
  /** Why it is not healthy (not mounted, read-only, …). */
  status: string | null;
  /** Used share of the usable space (0–1) as the storage module computes it; defaults to usedBytes / sizeBytes. */
  usedRatio?: number;
  /** Per-pool usage thresholds (ratios); defaults 0.80 / 0.95. */
  warningRatio?: number;
  criticalRatio?: number;
  /** When the storage module last refreshed these figures (null: not yet). */
  refreshedAt?: Date | null;
  /** Bytes used per dataset, exported as `moxnas_dataset_bytes{dataset}` (name `pool/path`). */
  datasets?: { name: string; usedBytes: number }[];
}

export interface StorageContributor {
  pools(): Promise<PoolFigures[]>;
}

export interface SharesContributor {
  /** Shares per protocol (smb, nfs, ftp); one cheap COUNT per protocol. */
  counts(): Promise<Record<string, number>>;
}

export interface ServicesContributor {
  /** Current state of each managed daemon; `enabled` says whether it should be running. */
  statuses(): Promise<{ id: string; state: string; enabled?: boolean }[]>;
}

export type CapabilityInput = Omit<CapabilityEntry, 'source'>;
export type CapabilityContributor = () => Promise<CapabilityInput[]>;

/**
 * Where other modules plug their figures into the system views. The storage module contributes
 * pools (metrics, health, usage alerts) and per-pool capabilities (ACLs, quotas, snapshot driver);
 * the shares module share counts; the services module daemon states (otherwise the states come
 * from `service.status` events). The collector calls contributors every 5 seconds — never at a
 * Prometheus scrape — so they must answer from memory or with one cheap query.
 */
@Injectable()
export class SystemRegistry {
  private readonly log = new Logger('system-registry');
  private storageContributor: StorageContributor | undefined;
  private sharesContributor: SharesContributor | undefined;
  private servicesContributor: ServicesContributor | undefined;
  private readonly capabilityContributors = new Map<string, CapabilityContributor>();

  contributeStorage(c: StorageContributor): void {
    this.storageContributor = c;
  }

  contributeShares(c: SharesContributor): void {
    this.sharesContributor = c;
  }

  contributeServices(c: ServicesContributor): void {
    this.servicesContributor = c;
  }

  /** `source` names the module (`storage`); contributing again under the same source replaces it. */
  contributeCapabilities(source: string, fn: CapabilityContributor): void {
    this.capabilityContributors.set(source, fn);
  }

  get storage(): StorageContributor | undefined {
    return this.storageContributor;
  }

  get shares(): SharesContributor | undefined {
    return this.sharesContributor;
  }

  get services(): ServicesContributor | undefined {
    return this.servicesContributor;
  }

  /** Every contributed capability entry; a failing contributor yields one entry that says so. */
  async contributedCapabilities(): Promise<CapabilityEntry[]> {
    const out: CapabilityEntry[] = [];
    for (const [source, fn] of this.capabilityContributors) {
      try {
        out.push(...(await fn()).map((e) => ({ ...e, source })));
      } catch (err) {
        this.log.warn({ err: (err as Error).message, source }, 'capability contributor failed');
        out.push({
          id: `${source}.error`,
          feature: source,
          label: `${source} capabilities`,
          scope: 'host',
          pool: null,
          available: false,
          reason: `The ${source} module could not report its capabilities: ${(err as Error).message}`,
          fix: null,
          detail: null,
          source,
        });
      }
    }
    return out;
  }
}
