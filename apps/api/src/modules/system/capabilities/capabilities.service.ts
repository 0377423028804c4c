import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { CapabilitiesResponse } from '@moxnas/contracts';
import { probeHost, probeNfsServer, type HostFs } from '@moxnas/host';
import { APP_CONFIG, type AppConfig } from '../../../core/config/config';
import { containerInfo } from '../info/system-info.service';
import { SystemRegistry } from '../metrics/system-registry';
import { hostCapabilityEntries, type ProbeResult } from './host-capabilities';

/** Runs the host probes; a token so unit tests can hand in fixture results. */
export type CapabilityProber = () => Promise<Omit<ProbeResult, 'hostAccounts'>>;
export const CAPABILITY_PROBER = Symbol('CAPABILITY_PROBER');

export function realProber(fs: HostFs): CapabilityProber {
  return async () => {
    const [host, nfsServer, uidMap] = await Promise.all([probeHost(), probeNfsServer(), fs.readFile('/proc/self/uid_map').catch(() => null)]);
    return { host, nfsServer, uidMap };
  };
}

/**
 * What this host can do, probed at startup and again on demand, with the reason and the exact fix
 * for each missing feature. Other modules add entries (per-pool ACLs, quotas, snapshot drivers)
 * through the SystemRegistry; those are asked on every request, since pools change at run time.
 */
@Injectable()
export class CapabilitiesService implements OnApplicationBootstrap {
  private readonly log = new Logger('capabilities');
  private probed: Promise<{ at: Date; result: ProbeResult }> | undefined;

  constructor(
    @Inject(CAPABILITY_PROBER) private readonly prober: CapabilityProber,
    private readonly registry: SystemRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.probe().catch((err) => this.log.warn({ err: (err as Error).message }, 'capability probe failed'));
  }

  private probe(): Promise<{ at: Date; result: ProbeResult }> {
    const run = (async () => ({ at: new Date(), result: { ...(await this.prober()), hostAccounts: this.config.hostAccounts } }))();
    this.probed = run;
    // A failed probe is not kept: the next request probes again.
    run.catch(() => {
      if (this.probed === run) this.probed = undefined;
    });
    return run;
  }

  async get(refresh = false): Promise<CapabilitiesResponse> {
    const { at, result } = await (refresh || !this.probed ? this.probe() : this.probed);
    const entries = [...hostCapabilityEntries(result).map((e) => ({ ...e, source: 'system' })), ...(await this.registry.contributedCapabilities())];
    return { checkedAt: at.toISOString(), container: containerInfo(result.host), root: result.host.root.value, entries };
  }
}
