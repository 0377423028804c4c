import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { DiskTraffic, InterfaceTraffic, MetricsHistory, MetricsSample, MetricsSnapshot, PoolUsage } from '@moxnas/contracts';
import { cpuUsage, parseSmbStatusJson, type CommandRunner, type DiskStat, type HostFs, type NetDevEntry, type ProcStat, type SystemReader } from '@moxnas/host';
import type { Counter, Gauge } from 'prom-client';
import type { HostPaths } from '../../../core/config/host-paths';
import { COMMAND_RUNNER, HOST_FS, HOST_PATHS } from '../../../core/host/host.module';
import { MetricsService } from '../../../core/metrics/metrics.service';
import { AlertsService } from '../alerts/alerts.service';
import { EventsService } from '../events/events.service';
import { RingBuffer } from './ring-buffer';
import { ServiceStateTracker } from './service-state.tracker';
import { SystemRegistry, type PoolFigures } from './system-registry';
import { SYSTEM_READER } from './system-reader.token';

export const COLLECT_INTERVAL_MS = 5000;
/** One hour at the collection interval. */
export const HISTORY_CAPACITY = 720;
/** smbstatus forks a process and walks Samba's databases: at most this often. */
const SMB_STATUS_EVERY_MS = 15_000;

export type CollectedListener = (snapshot: MetricsSnapshot, pools: PoolFigures[] | null) => void | Promise<void>;

interface Previous {
  at: number;
  stat: ProcStat;
  net: Map<string, NetDevEntry>;
  disks: Map<string, DiskStat>;
}

function round(v: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function rate(current: number, previous: number | undefined, seconds: number): number {
  // A counter that went backwards was reset (interface re-created, device re-attached): no rate this time.
  if (previous === undefined || seconds <= 0 || current < previous) return 0;
  return round((current - previous) / seconds, 1);
}

/**
 * Reads the host every 5 seconds and keeps the result in memory: the JSON snapshot, an hour of
 * history for the charts, and every `moxnas_*` Prometheus gauge. A scrape or a GET serves what is
 * here and never touches the host or a contributor, so both stay cheap with 1,000 shares and 50
 * pools. Each collection is also pushed to WebSocket clients as `metrics.tick`.
 */
@Injectable()
export class MetricsCollector implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('metrics');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<MetricsSnapshot> | undefined;
  private previous: Previous | undefined;
  private current: MetricsSnapshot | undefined;
  private readonly history = new RingBuffer<MetricsSample>(HISTORY_CAPACITY);
  private readonly listeners = new Set<CollectedListener>();
  private smb: { at: number; sessions: number | null; reason: string | null } | undefined;
  private readonly failing = new Set<string>();

  private readonly cpuGauge: Gauge<'core'>;
  private readonly memoryGauge: Gauge<'kind'>;
  private readonly loadGauge: Gauge<'period'>;
  private readonly networkCounter: Counter<'interface' | 'direction'>;
  private readonly diskCounter: Counter<'device' | 'direction'>;
  private readonly poolGauge: Gauge<'pool' | 'kind'>;
  private readonly poolHealthyGauge: Gauge<'pool'>;
  private readonly datasetGauge: Gauge<'dataset'>;
  private readonly sharesGauge: Gauge<'protocol'>;
  private readonly smbSessionsGauge: Gauge;
  private readonly serviceUpGauge: Gauge<'service'>;
  private readonly lastRunGauge: Gauge<'collector'>;
  private readonly poolRefreshedGauge: Gauge<'pool'>;

  constructor(
    @Inject(SYSTEM_READER) private readonly reader: SystemReader,
    @Inject(COMMAND_RUNNER) private readonly runner: CommandRunner,
    @Inject(HOST_FS) private readonly fs: HostFs,
    @Inject(HOST_PATHS) private readonly paths: HostPaths,
    private readonly registry: SystemRegistry,
    private readonly services: ServiceStateTracker,
    private readonly alerts: AlertsService,
    private readonly events: EventsService,
    metrics: MetricsService,
  ) {
    this.cpuGauge = metrics.gauge('moxnas_cpu_usage_ratio', 'Busy share of each logical CPU over the last collection period (0-1).', ['core']);
    this.memoryGauge = metrics.gauge('moxnas_memory_bytes', 'Memory and swap by kind: total, used, available, free, buffers, cached, swap_total, swap_used.', ['kind']);
    this.loadGauge = metrics.gauge('moxnas_load_average', 'System load average over 1, 5 and 15 minutes.', ['period']);
    this.networkCounter = metrics.counter('moxnas_network_bytes_total', 'Bytes received (rx) and sent (tx) per interface, from /proc/net/dev.', ['interface', 'direction']);
    this.diskCounter = metrics.counter('moxnas_disk_bytes_total', 'Bytes read and written per block device, from /proc/diskstats.', ['device', 'direction']);
    this.poolGauge = metrics.gauge('moxnas_pool_bytes', 'Pool capacity by kind: size, used, free.', ['pool', 'kind']);
    this.poolHealthyGauge = metrics.gauge('moxnas_pool_healthy', 'Whether the pool is mounted and writable (1) or not (0).', ['pool']);
    this.datasetGauge = metrics.gauge('moxnas_dataset_bytes', 'Bytes used by each dataset.', ['dataset']);
    this.sharesGauge = metrics.gauge('moxnas_shares', 'Configured shares per protocol.', ['protocol']);
    this.smbSessionsGauge = metrics.gauge('moxnas_smb_sessions', 'Open SMB sessions (smbstatus).');
    this.serviceUpGauge = metrics.gauge('moxnas_service_up', 'Whether the daemon is running (1) or not (0); services that cannot run on this host are left out.', ['service']);
    this.lastRunGauge = metrics.gauge('moxnas_collector_last_run_timestamp_seconds', 'Unix time a background collection last finished (system: every 5 s; smbstatus: at most every 15 s while smbd runs). Age: time() - this.', ['collector']);
    this.poolRefreshedGauge = metrics.gauge('moxnas_pool_refreshed_timestamp_seconds', 'Unix time the pool monitor last refreshed the health and space of the pool.', ['pool']);
    this.smbSessionsGauge.set(0);
  }

  onApplicationBootstrap(): void {
    // A failing collection (say /proc unreadable) is logged once, and again when it recovers.
    const tick = () =>
      void this.collectNow().then(
        () => {
          if (this.failing.delete('collect')) this.log.log('metrics collection recovered');
        },
        (err: Error) => {
          if (!this.failing.has('collect')) this.log.warn({ err: err.message }, 'metrics collection failed');
          this.failing.add('collect');
        },
      );
    tick();
    this.timer = setInterval(tick, COLLECT_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  onCollected(listener: CollectedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The latest figures; collects once when nothing was collected yet. */
  async latest(): Promise<MetricsSnapshot> {
    return this.current ?? this.collectNow();
  }

  historyView(): MetricsHistory {
    return { intervalSeconds: COLLECT_INTERVAL_MS / 1000, capacity: HISTORY_CAPACITY, samples: this.history.toArray() };
  }

  /** Latest per-interface traffic, for the network view; rates are meaningful from the second collection on. */
  interfaceTraffic(): { ratesKnown: boolean; byName: Map<string, InterfaceTraffic> } {
    return { ratesKnown: this.history.size >= 2, byName: new Map((this.current?.network ?? []).map((n) => [n.interface, n])) };
  }

  /** Collects now, or joins the collection already running. */
  collectNow(): Promise<MetricsSnapshot> {
    this.running ??= this.collect().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Runs one part of a collection; a failure is logged once until it recovers and yields the fallback. */
  private async part<T>(name: string, fn: () => Promise<T>, fallback: T): Promise<T> {
    try {
      const v = await fn();
      if (this.failing.delete(name)) this.log.log({ part: name }, 'metrics source recovered');
      return v;
    } catch (err) {
      if (!this.failing.has(name)) this.log.warn({ part: name, err: (err as Error).message }, 'metrics source failed');
      this.failing.add(name);
      return fallback;
    }
  }

  private async collect(): Promise<MetricsSnapshot> {
    const t = performance.now();
    const [stat, mem, load, uptime, net, diskStats, blocks] = await Promise.all([
      this.reader.procStat(),
      this.reader.memInfo(),
      this.part('loadavg', () => this.reader.loadAverage(), [0, 0, 0] as [number, number, number]),
      this.part('uptime', () => this.reader.uptimeSeconds(), 0),
      this.part('net', () => this.reader.netDev(), []),
      this.part('diskstats', () => this.reader.diskStats(), []),
      this.part('blocks', () => this.reader.blockDevices(), []),
    ]);
    if (this.registry.services) {
      const statuses = await this.part('services', () => this.registry.services!.statuses(), []);
      for (const s of statuses) this.services.observe(s);
    }
    const [pools, shares, smb] = await Promise.all([
      this.registry.storage ? this.part('storage', () => this.registry.storage!.pools(), null) : Promise.resolve(null),
      this.registry.shares ? this.part('shares', () => this.registry.shares!.counts(), null) : Promise.resolve(null),
      this.smbSessions(),
    ]);

    const prev = this.previous;
    const seconds = prev ? (t - prev.at) / 1000 : 0;
    const cores = stat.cores.map((c, i) => round(cpuUsage(c, prev?.stat.cores[i])));
    const usedMem = Math.max(0, mem.totalBytes - mem.availableBytes);
    const network: InterfaceTraffic[] = net.map((n) => {
      const p = prev?.net.get(n.interface);
      return {
        interface: n.interface,
        rxBytes: n.rxBytes,
        txBytes: n.txBytes,
        rxBytesPerSecond: rate(n.rxBytes, p?.rxBytes, seconds),
        txBytesPerSecond: rate(n.txBytes, p?.txBytes, seconds),
      };
    });
    const blockKinds = new Map(blocks.map((b) => [b.name, b.physical]));
    const disks: DiskTraffic[] = diskStats
      .filter((d) => blockKinds.has(d.device))
      .map((d) => {
        const p = prev?.disks.get(d.device);
        return {
          device: d.device,
          physical: blockKinds.get(d.device) ?? false,
          readBytes: d.readBytes,
          writtenBytes: d.writtenBytes,
          readBytesPerSecond: rate(d.readBytes, p?.readBytes, seconds),
          writeBytesPerSecond: rate(d.writtenBytes, p?.writtenBytes, seconds),
        };
      });
    const poolUsage: PoolUsage[] | null = pools
      ? pools.map((p) => ({
          name: p.name,
          sizeBytes: p.sizeBytes,
          usedBytes: p.usedBytes,
          freeBytes: p.freeBytes,
          usedRatio: p.sizeBytes > 0 ? round(Math.min(1, p.usedBytes / p.sizeBytes)) : 0,
          healthy: p.healthy,
          status: p.status,
        }))
      : null;
    const shareCounts = shares ? { smb: 0, nfs: 0, ftp: 0, ...shares } : null;

    const snapshot: MetricsSnapshot = {
      at: new Date().toISOString(),
      intervalSeconds: COLLECT_INTERVAL_MS / 1000,
      cpu: { usage: round(cpuUsage(stat.total, prev?.stat.total)), cores },
      memory: {
        totalBytes: mem.totalBytes,
        usedBytes: usedMem,
        availableBytes: mem.availableBytes,
        freeBytes: mem.freeBytes,
        buffersBytes: mem.buffersBytes,
        cachedBytes: mem.cachedBytes,
        usedRatio: mem.totalBytes > 0 ? round(usedMem / mem.totalBytes) : 0,
      },
      swap: { totalBytes: mem.swapTotalBytes, usedBytes: Math.max(0, mem.swapTotalBytes - mem.swapFreeBytes), freeBytes: mem.swapFreeBytes },
      loadAverage: load,
      uptimeSeconds: uptime,
      network,
      disks,
      pools: poolUsage,
      services: this.services.view(),
      shares: shareCounts,
      smb: { sessions: smb.sessions, reason: smb.reason },
      alerts: this.alerts.counts(),
    };
    this.previous = {
      at: t,
      stat,
      net: new Map(net.map((n) => [n.interface, n])),
      disks: new Map(diskStats.map((d) => [d.device, d])),
    };
    this.current = snapshot;
    const sample = toSample(snapshot);
    this.history.push(sample);
    this.updatePrometheus(snapshot, pools);
    this.lastRunGauge.set({ collector: 'system' }, Date.now() / 1000);
    this.events.publish({ type: 'metrics.tick', access: 'viewer', data: sample });
    for (const l of this.listeners) {
      try {
        await l(snapshot, pools);
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'metrics listener failed');
      }
    }
    return snapshot;
  }

  private async smbSessions(): Promise<{ sessions: number | null; reason: string | null }> {
    const smbd = this.services.get('smb');
    if (smbd?.state !== 'running') {
      this.smb = undefined;
      return { sessions: 0, reason: smbd ? `smbd is ${smbd.state}` : 'the state of smbd is not known yet' };
    }
    const now = performance.now();
    if (this.smb && now - this.smb.at < SMB_STATUS_EVERY_MS) return this.smb;
    let result: { sessions: number | null; reason: string | null };
    try {
      // Under a dev/test etc root the rendered smb.conf points smbstatus at that instance's databases.
      const conf = (await this.fs.exists(this.paths.smbConf)) ? ['-s', this.paths.smbConf] : [];
      const out = await this.runner.run('smbstatus', ['--json', ...conf], { timeoutMs: 4000 });
      result = { sessions: parseSmbStatusJson(out.stdout).sessions.length, reason: null };
      this.lastRunGauge.set({ collector: 'smbstatus' }, Date.now() / 1000);
    } catch (err) {
      result = { sessions: null, reason: `smbstatus failed: ${(err as Error).message}` };
    }
    this.smb = { at: now, ...result };
    return result;
  }

  /** Every gauge is replaced as a whole, so pools, interfaces or services that went away disappear too. */
  private updatePrometheus(s: MetricsSnapshot, pools: PoolFigures[] | null): void {
    this.cpuGauge.reset();
    s.cpu.cores.forEach((v, i) => this.cpuGauge.set({ core: String(i) }, v));
    const m = s.memory;
    for (const [kind, v] of [
      ['total', m.totalBytes],
      ['used', m.usedBytes],
      ['available', m.availableBytes],
      ['free', m.freeBytes],
      ['buffers', m.buffersBytes],
      ['cached', m.cachedBytes],
      ['swap_total', s.swap.totalBytes],
      ['swap_used', s.swap.usedBytes],
    ] as const) {
      this.memoryGauge.set({ kind }, v);
    }
    (['1m', '5m', '15m'] as const).forEach((period, i) => this.loadGauge.set({ period }, s.loadAverage[i]));
    // Counters carry the kernel's running totals; reset first so a vanished interface leaves the exposition.
    this.networkCounter.reset();
    for (const n of s.network) {
      this.networkCounter.inc({ interface: n.interface, direction: 'rx' }, n.rxBytes);
      this.networkCounter.inc({ interface: n.interface, direction: 'tx' }, n.txBytes);
    }
    this.diskCounter.reset();
    for (const d of s.disks) {
      this.diskCounter.inc({ device: d.device, direction: 'read' }, d.readBytes);
      this.diskCounter.inc({ device: d.device, direction: 'write' }, d.writtenBytes);
    }
    this.poolGauge.reset();
    this.poolHealthyGauge.reset();
    this.datasetGauge.reset();
    this.poolRefreshedGauge.reset();
    for (const p of pools ?? []) {
      if (p.refreshedAt) this.poolRefreshedGauge.set({ pool: p.name }, p.refreshedAt.getTime() / 1000);
      this.poolGauge.set({ pool: p.name, kind: 'size' }, p.sizeBytes);
      this.poolGauge.set({ pool: p.name, kind: 'used' }, p.usedBytes);
      this.poolGauge.set({ pool: p.name, kind: 'free' }, p.freeBytes);
      this.poolHealthyGauge.set({ pool: p.name }, p.healthy ? 1 : 0);
      for (const d of p.datasets ?? []) this.datasetGauge.set({ dataset: d.name }, d.usedBytes);
    }
    this.sharesGauge.reset();
    for (const [protocol, n] of Object.entries(s.shares ?? {})) this.sharesGauge.set({ protocol }, n);
    // A failed smbstatus keeps the last count rather than pretending nobody is connected.
    if (s.smb.sessions !== null) this.smbSessionsGauge.set(s.smb.sessions);
    this.serviceUpGauge.reset();
    for (const svc of s.services) {
      if (svc.state === 'unavailable') continue;
      this.serviceUpGauge.set({ service: svc.id }, svc.state === 'running' ? 1 : 0);
    }
  }
}

export function toSample(s: MetricsSnapshot): MetricsSample {
  const external = s.network.filter((n) => n.interface !== 'lo');
  const physical = s.disks.filter((d) => d.physical);
  const sum = <T>(list: T[], f: (t: T) => number) => round(list.reduce((a, x) => a + f(x), 0), 1);
  return {
    at: s.at,
    cpu: s.cpu.usage,
    memoryUsedBytes: s.memory.usedBytes,
    memoryTotalBytes: s.memory.totalBytes,
    swapUsedBytes: s.swap.usedBytes,
    load1: s.loadAverage[0],
    rxBytesPerSecond: sum(external, (n) => n.rxBytesPerSecond),
    txBytesPerSecond: sum(external, (n) => n.txBytesPerSecond),
    diskReadBytesPerSecond: sum(physical, (d) => d.readBytesPerSecond),
    diskWriteBytesPerSecond: sum(physical, (d) => d.writeBytesPerSecond),
    interfaces: Object.fromEntries(s.network.map((n) => [n.interface, { rx: n.rxBytesPerSecond, tx: n.txBytesPerSecond }])),
  };
}
