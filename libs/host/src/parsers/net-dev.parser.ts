export interface NetDevCounters {
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDropped: number;
  rxFifo: number;
  rxFrame: number;
  rxCompressed: number;
  rxMulticast: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDropped: number;
  txFifo: number;
  txCollisions: number;
  txCarrier: number;
  txCompressed: number;
}

export interface NetDevEntry extends NetDevCounters {
  interface: string;
}

const COLUMNS: (keyof NetDevCounters)[] = [
  'rxBytes', 'rxPackets', 'rxErrors', 'rxDropped', 'rxFifo', 'rxFrame', 'rxCompressed', 'rxMulticast',
  'txBytes', 'txPackets', 'txErrors', 'txDropped', 'txFifo', 'txCollisions', 'txCarrier', 'txCompressed',
];

/**
 * Parses /proc/net/dev. Two header lines, then `iface: 16 counters`. Old kernels glue a large first
 * counter to the colon (`eth0:123456`), so the name is split at the colon, not at whitespace.
 */
export function parseNetDev(text: string): NetDevEntry[] {
  const entries: NetDevEntry[] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon === -1 || line.includes('|')) continue;
    const name = line.slice(0, colon).trim();
    const values = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    if (!name || values.length < COLUMNS.length || values.some((v) => !Number.isFinite(v))) continue;
    const counters = Object.fromEntries(COLUMNS.map((c, i) => [c, values[i]])) as Record<keyof NetDevCounters, number>;
    entries.push({ interface: name, ...counters });
  }
  return entries;
}
