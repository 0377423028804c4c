import type { MetricsHistory, MetricsSample, MetricsSnapshot } from '@moxnas/contracts';
import { useState } from 'react';

/** A chart point from the live snapshot, in the history's shape (loopback and virtual disks left out, as the API does). */
export function sampleOf(m: MetricsSnapshot): MetricsSample {
  const nics = m.network.filter((n) => n.interface !== 'lo');
  const disks = m.disks.filter((d) => d.physical);
  return {
    at: m.at,
    cpu: m.cpu.usage,
    memoryUsedBytes: m.memory.usedBytes,
    memoryTotalBytes: m.memory.totalBytes,
    swapUsedBytes: m.swap.usedBytes,
    load1: m.loadAverage[0] ?? 0,
    rxBytesPerSecond: nics.reduce((n, i) => n + i.rxBytesPerSecond, 0),
    txBytesPerSecond: nics.reduce((n, i) => n + i.txBytesPerSecond, 0),
    diskReadBytesPerSecond: disks.reduce((n, d) => n + d.readBytesPerSecond, 0),
    diskWriteBytesPerSecond: disks.reduce((n, d) => n + d.writeBytesPerSecond, 0),
    interfaces: Object.fromEntries(nics.map((i) => [i.interface, { rx: i.rxBytesPerSecond, tx: i.txBytesPerSecond }])),
  };
}

/**
 * The hour of history the API kept, extended with every snapshot polled since. Updated during
 * render (state derived from props, which React allows); the timestamp guard keeps it idempotent.
 */
export function useMetricSeries(history: MetricsHistory | undefined, latest: MetricsSnapshot | undefined): MetricsSample[] {
  const [extra, setExtra] = useState<MetricsSample[]>([]);
  const base = history?.samples ?? [];
  const capacity = history?.capacity ?? 720;
  if (latest) {
    const lastAt = (extra.at(-1) ?? base.at(-1))?.at;
    if (!lastAt || Date.parse(latest.at) > Date.parse(lastAt)) setExtra([...extra, sampleOf(latest)].slice(-capacity));
  }
  return [...base, ...extra].slice(-capacity);
}
