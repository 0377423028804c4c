/**
 * Pure parsers for the /proc and /etc files the system and metrics views read. Each takes the file
 * text and returns typed figures; lines that do not have the expected shape are skipped so one odd
 * kernel line never blanks a whole dashboard.
 */

/** Jiffies spent in each state since boot, as in /proc/stat (guest time is already inside user). */
export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
}

export interface ProcStat {
  total: CpuTimes;
  /** Per logical CPU, ordered by CPU number. */
  cores: CpuTimes[];
}

const CPU_FIELDS: (keyof CpuTimes)[] = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'];

export function parseProcStat(text: string): ProcStat {
  let total: CpuTimes | undefined;
  const cores: { n: number; times: CpuTimes }[] = [];
  for (const line of text.split('\n')) {
    const m = /^cpu(\d*)\s+(.*)$/.exec(line);
    if (!m) continue;
    const values = m[2].trim().split(/\s+/).map(Number);
    if (values.length < 4 || values.some((v) => !Number.isFinite(v))) continue;
    // Kernels before 2.6.11 have fewer columns; missing ones count as zero.
    const times = Object.fromEntries(CPU_FIELDS.map((f, i) => [f, values[i] ?? 0])) as unknown as CpuTimes;
    if (m[1] === '') total = times;
    else cores.push({ n: Number(m[1]), times });
  }
  cores.sort((a, b) => a.n - b.n);
  return { total: total ?? zeroTimes(), cores: cores.map((c) => c.times) };
}

function zeroTimes(): CpuTimes {
  return { user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0 };
}

function sum(t: CpuTimes): number {
  return CPU_FIELDS.reduce((acc, f) => acc + t[f], 0);
}

/**
 * Busy share of CPU time between two samples, 0–1. Idle and iowait count as not busy (a CPU
 * waiting for a disk could run something else). With no previous sample the average since boot
 * is returned, so the first figure after start is meaningful rather than zero.
 */
export function cpuUsage(current: CpuTimes, previous?: CpuTimes): number {
  const prev = previous ?? zeroTimes();
  const total = sum(current) - sum(prev);
  const idle = current.idle + current.iowait - (prev.idle + prev.iowait);
  if (total <= 0) return 0;
  return clamp01((total - idle) / total);
}

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v));
}

/** /proc/meminfo figures, in bytes. */
export interface MemInfo {
  totalBytes: number;
  freeBytes: number;
  /** What can be given to new work without swapping (MemAvailable; estimated on old kernels). */
  availableBytes: number;
  buffersBytes: number;
  cachedBytes: number;
  swapTotalBytes: number;
  swapFreeBytes: number;
}

export function parseMemInfo(text: string): MemInfo {
  const kb = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9_()]+):\s+(\d+)(?:\s+kB)?\s*$/.exec(line);
    if (m) kb.set(m[1], Number(m[2]) * 1024);
  }
  const get = (k: string) => kb.get(k) ?? 0;
  const free = get('MemFree');
  const buffers = get('Buffers');
  const cached = get('Cached') + get('SReclaimable');
  return {
    totalBytes: get('MemTotal'),
    freeBytes: free,
    // MemAvailable exists since Linux 3.14; before that free + buffers + cache is the usual estimate.
    availableBytes: kb.get('MemAvailable') ?? free + buffers + cached,
    buffersBytes: buffers,
    cachedBytes: cached,
    swapTotalBytes: get('SwapTotal'),
    swapFreeBytes: get('SwapFree'),
  };
}

export function parseLoadAvg(text: string): [number, number, number] {
  const [a, b, c] = text.trim().split(/\s+/).map(Number);
  return [a, b, c].map((v) => (Number.isFinite(v) ? v : 0)) as [number, number, number];
}

export function parseUptime(text: string): number {
  const v = Number(text.trim().split(/\s+/)[0]);
  return Number.isFinite(v) ? v : 0;
}

export interface DiskStat {
  device: string;
  major: number;
  minor: number;
  readsCompleted: number;
  writesCompleted: number;
  /** Sectors in /proc/diskstats are always 512 bytes, whatever the device's sector size. */
  readBytes: number;
  writtenBytes: number;
  /** Milliseconds spent doing I/O. */
  ioMs: number;
}

export function parseDiskStats(text: string): DiskStat[] {
  const out: DiskStat[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 14) continue;
    const n = f.map(Number);
    if ([0, 1, 3, 5, 7, 9, 12].some((i) => !Number.isFinite(n[i]))) continue;
    out.push({
      device: f[2],
      major: n[0],
      minor: n[1],
      readsCompleted: n[3],
      readBytes: n[5] * 512,
      writesCompleted: n[7],
      writtenBytes: n[9] * 512,
      ioMs: n[12],
    });
  }
  return out;
}

export interface CpuInfo {
  model: string;
  /** Logical CPUs listed (host CPUs in a container unless lxcfs virtualises the file). */
  logical: number;
}

export function parseCpuInfo(text: string): CpuInfo {
  let model = '';
  let logical = 0;
  for (const line of text.split('\n')) {
    const idx = line.indexOf(':');
    if (idx === -1) continue;
    const key = line.slice(0, idx).trim().toLowerCase();
    const value = line.slice(idx + 1).trim();
    if (key === 'processor') logical++;
    // x86 says "model name"; ARM says "Model" or "Hardware"; some MIPS/POWER say "cpu model" / "cpu".
    if (!model && ['model name', 'cpu model', 'model', 'hardware', 'cpu'].includes(key) && value && !/^\d+$/.test(value)) model = value;
  }
  return { model: model || 'unknown', logical };
}

export interface OsRelease {
  id: string;
  name: string;
  version: string;
  prettyName: string;
  codename: string | null;
}

/** /etc/os-release (os-release(5)): shell-style KEY=value with optional quotes. */
export function parseOsRelease(text: string): OsRelease {
  const vars = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2];
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) {
      v = v.slice(1, -1).replace(/\\(["'$`\\])/g, '$1');
    }
    vars.set(m[1], v);
  }
  const name = vars.get('NAME') ?? 'Linux';
  const version = vars.get('VERSION') ?? vars.get('VERSION_ID') ?? '';
  return {
    id: vars.get('ID') ?? 'linux',
    name,
    version,
    prettyName: vars.get('PRETTY_NAME') ?? `${name} ${version}`.trim(),
    codename: vars.get('VERSION_CODENAME') ?? null,
  };
}
