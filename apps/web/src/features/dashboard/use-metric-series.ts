import type { MetricsHistory, MetricsSample, MetricsSnapshot } from '@moxnas/contracts';
import { useCallback, useState } from 'react';

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

function appendNewer(list: readonly MetricsSample[], sample: MetricsSample, capacity: number): MetricsSample[] {
  const last = list.at(-1);
  if (last && Date.parse(sample.at) <= Date.parse(last.at)) return list as MetricsSample[];
  return [...list, sample].slice(-capacity);
}

export interface MetricSeries {
  /** History first, then every newer sample, oldest first, at most the API's capacity. */
  samples: MetricsSample[];
  /** Appends a live sample (a `metrics.tick`); older or repeated ones are ignored. */
  push: (sample: MetricsSample) => void;
}

/**
 * The hour of history the API kept, extended with live samples (`push`) and with every polled
 * snapshot. The snapshot is followed during render (state derived from props, which React
 * allows); the timestamp guard keeps both idempotent, so a tick and the snapshot of the same
 * collection add one point.
 */
export function useMetricSeries(history: MetricsHistory | undefined, latest: MetricsSnapshot | undefined): MetricSeries {
  const [extra, setExtra] = useState<MetricsSample[]>([]);
  const base = history?.samples ?? [];
  const capacity = history?.capacity ?? 720;
  if (latest) {
    const lastAt = (extra.at(-1) ?? base.at(-1))?.at;
    if (!lastAt || Date.parse(latest.at) > Date.parse(lastAt)) setExtra(appendNewer(extra, sampleOf(latest), capacity));
  }
  const push = useCallback((sample: MetricsSample) => setExtra((prev) => appendNewer(prev, sample, capacity)), [capacity]);
  // Samples that arrived before the history loaded may overlap its end.
  const baseEnd = base.at(-1)?.at;
  const fresh = baseEnd ? extra.filter((s) => Date.parse(s.at) > Date.parse(baseEnd)) : extra;
  return { samples: [...base, ...fresh].slice(-capacity), push };
}

/** A `metrics.tick` payload has the history's sample shape; anything else is ignored. */
export function isMetricsSample(value: unknown): value is MetricsSample {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['at'] === 'string' && typeof v['cpu'] === 'number' && typeof v['memoryUsedBytes'] === 'number' && typeof v['rxBytesPerSecond'] === 'number';
}
