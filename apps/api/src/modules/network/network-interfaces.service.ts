import { Inject, Injectable } from '@nestjs/common';
import type { NetworkInterfaceInfo } from '@moxnas/contracts';
import type { SystemReader } from '@moxnas/host';
import { MetricsCollector } from '../system/metrics/metrics-collector.service';
import { SYSTEM_READER } from '../system/metrics/system-reader.token';

/** Links from /sys/class/net with their addresses, counters from /proc/net/dev, rates from the 5-second collector. */
@Injectable()
export class NetworkInterfacesService {
  constructor(
    @Inject(SYSTEM_READER) private readonly reader: SystemReader,
    private readonly collector: MetricsCollector,
  ) {}

  async list(): Promise<NetworkInterfaceInfo[]> {
    const [links, counters] = await Promise.all([this.reader.links(), this.reader.netDev()]);
    const byName = new Map(counters.map((c) => [c.interface, c]));
    const traffic = this.collector.interfaceTraffic();
    return links.map((l) => {
      const c = byName.get(l.name);
      const t = traffic.ratesKnown ? traffic.byName.get(l.name) : undefined;
      return {
        name: l.name,
        mac: l.mac,
        mtu: l.mtu,
        state: l.operState,
        speedMbps: l.speedMbps,
        kind: l.kind,
        addresses: l.addresses,
        rxBytes: c?.rxBytes ?? 0,
        txBytes: c?.txBytes ?? 0,
        rxBytesPerSecond: t ? t.rxBytesPerSecond : null,
        txBytesPerSecond: t ? t.txBytesPerSecond : null,
      };
    });
  }
}
