import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseMountInfo, type MountInfoEntry } from '../parsers/mountinfo.parser';
import { parseNetDev, type NetDevEntry } from '../parsers/net-dev.parser';
import {
  parseCpuInfo,
  parseDiskStats,
  parseLoadAvg,
  parseMemInfo,
  parseOsRelease,
  parseProcStat,
  parseUptime,
  type CpuInfo,
  type DiskStat,
  type MemInfo,
  type OsRelease,
  type ProcStat,
} from './proc-parsers';

export interface InterfaceAddress {
  family: 'ipv4' | 'ipv6';
  address: string;
  prefixLength: number;
}

/** One network link as /sys/class/net and the kernel's address list describe it. */
export interface NetworkLink {
  name: string;
  /** Hardware address, null for links without one (lo reports 00:00:00:00:00:00 and is kept). */
  mac: string | null;
  mtu: number | null;
  /** RFC 2863 operational state from `operstate`: up, down, unknown, dormant, lowerlayerdown, … */
  operState: string;
  /** Link speed in Mbit/s; null when the driver does not report one (virtual links, link down). */
  speedMbps: number | null;
  kind: 'loopback' | 'physical' | 'virtual';
  addresses: InterfaceAddress[];
}

export interface BlockDevice {
  name: string;
  /** Backed by hardware (has a `device` link), as opposed to dm-*, md*, zram, nbd: sums of physical devices do not double count. */
  physical: boolean;
}

/** Read-only view of the kernel's figures. Services depend on this interface; unit tests pass a fake. */
export interface SystemReader {
  procStat(): Promise<ProcStat>;
  memInfo(): Promise<MemInfo>;
  loadAverage(): Promise<[number, number, number]>;
  uptimeSeconds(): Promise<number>;
  diskStats(): Promise<DiskStat[]>;
  blockDevices(): Promise<BlockDevice[]>;
  netDev(): Promise<NetDevEntry[]>;
  cpuInfo(): Promise<CpuInfo>;
  osRelease(): Promise<OsRelease>;
  kernel(): Promise<{ release: string; version: string; arch: string }>;
  hostname(): Promise<string>;
  links(): Promise<NetworkLink[]>;
  mounts(): Promise<MountInfoEntry[]>;
}

export interface ProcSystemReaderOptions {
  /** Root every path is read under: `/` for the host, a fixture tree in tests. */
  root?: string;
  /** Address source; os.networkInterfaces() of this process by default. */
  addresses?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;
}

/** Reads /proc, /sys and /etc of the host (or of a root prefix). */
export class ProcSystemReader implements SystemReader {
  private readonly root: string;
  private readonly addresses: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;

  constructor(options: ProcSystemReaderOptions = {}) {
    this.root = options.root ?? '/';
    this.addresses = options.addresses ?? (() => os.networkInterfaces());
  }

  private p(file: string): string {
    return path.join(this.root, file);
  }

  private async text(file: string): Promise<string> {
    return fsp.readFile(this.p(file), 'utf8');
  }

  private async optional(file: string): Promise<string | null> {
    try {
      return (await this.text(file)).trim();
    } catch {
      return null;
    }
  }

  async procStat(): Promise<ProcStat> {
    return parseProcStat(await this.text('/proc/stat'));
  }

  async memInfo(): Promise<MemInfo> {
    return parseMemInfo(await this.text('/proc/meminfo'));
  }

  async loadAverage(): Promise<[number, number, number]> {
    return parseLoadAvg(await this.text('/proc/loadavg'));
  }

  async uptimeSeconds(): Promise<number> {
    return parseUptime(await this.text('/proc/uptime'));
  }

  async diskStats(): Promise<DiskStat[]> {
    const text = await this.optional('/proc/diskstats');
    return text ? parseDiskStats(text) : [];
  }

  async blockDevices(): Promise<BlockDevice[]> {
    let names: string[];
    try {
      names = await fsp.readdir(this.p('/sys/block'));
    } catch {
      return [];
    }
    const out: BlockDevice[] = [];
    for (const name of names.sort()) {
      // Loop and RAM disks are not storage an admin watches.
      if (/^(loop|ram)\d+$/.test(name)) continue;
      let physical = false;
      try {
        await fsp.access(this.p(`/sys/block/${name}/device`));
        physical = true;
      } catch {
        physical = false;
      }
      out.push({ name, physical });
    }
    return out;
  }

  async netDev(): Promise<NetDevEntry[]> {
    return parseNetDev(await this.text('/proc/net/dev'));
  }

  async cpuInfo(): Promise<CpuInfo> {
    const text = await this.optional('/proc/cpuinfo');
    return text ? parseCpuInfo(text) : { model: 'unknown', logical: 0 };
  }

  async osRelease(): Promise<OsRelease> {
    // os-release(5): /etc/os-release, falling back to /usr/lib/os-release.
    const text = (await this.optional('/etc/os-release')) ?? (await this.optional('/usr/lib/os-release')) ?? '';
    return parseOsRelease(text);
  }

  async kernel(): Promise<{ release: string; version: string; arch: string }> {
    const [release, version] = await Promise.all([this.optional('/proc/sys/kernel/osrelease'), this.optional('/proc/sys/kernel/version')]);
    return { release: release ?? 'unknown', version: version ?? 'unknown', arch: os.arch() };
  }

  async hostname(): Promise<string> {
    return (await this.optional('/proc/sys/kernel/hostname')) ?? 'localhost';
  }

  async mounts(): Promise<MountInfoEntry[]> {
    const text = await this.optional('/proc/self/mountinfo');
    return text ? parseMountInfo(text) : [];
  }

  async links(): Promise<NetworkLink[]> {
    let names: string[];
    try {
      names = await fsp.readdir(this.p('/sys/class/net'));
    } catch {
      names = [];
    }
    const addrs = this.root === '/' ? this.addresses() : {};
    // Links that have addresses but no sysfs entry (a sysfs hidden by the container runtime).
    for (const name of Object.keys(addrs)) if (!names.includes(name)) names.push(name);
    const links = await Promise.all(names.map((name) => this.link(name, addrs[name] ?? [])));
    return links.sort((a, b) => (a.kind === 'loopback' ? -1 : b.kind === 'loopback' ? 1 : a.name.localeCompare(b.name)));
  }

  private async link(name: string, infos: os.NetworkInterfaceInfo[]): Promise<NetworkLink> {
    const dir = `/sys/class/net/${name}`;
    const [address, mtu, operstate, speed, type] = await Promise.all([
      this.optional(`${dir}/address`),
      this.optional(`${dir}/mtu`),
      this.optional(`${dir}/operstate`),
      // Reading `speed` fails with EINVAL on virtual links and while the link is down.
      this.optional(`${dir}/speed`),
      this.optional(`${dir}/type`),
    ]);
    let hasDevice = false;
    try {
      await fsp.access(this.p(`${dir}/device`));
      hasDevice = true;
    } catch {
      hasDevice = false;
    }
    const speedNum = speed === null ? Number.NaN : Number(speed);
    // ARPHRD_LOOPBACK is 772 (linux/if_arp.h).
    const loopback = type === '772' || infos.some((i) => i.internal);
    const mac = address ?? infos.find((i) => i.mac)?.mac ?? null;
    return {
      name,
      mac,
      mtu: mtu !== null && /^\d+$/.test(mtu) ? Number(mtu) : null,
      operState: operstate ?? 'unknown',
      speedMbps: Number.isFinite(speedNum) && speedNum > 0 ? speedNum : null,
      kind: loopback ? 'loopback' : hasDevice ? 'physical' : 'virtual',
      addresses: infos.map((i) => ({
        family: i.family === 'IPv6' ? 'ipv6' : 'ipv4',
        address: i.address,
        prefixLength: prefixOf(i),
      })),
    };
  }
}

function prefixOf(info: os.NetworkInterfaceInfo): number {
  const cidr = info.cidr ? Number(info.cidr.split('/')[1]) : Number.NaN;
  if (Number.isFinite(cidr)) return cidr;
  // Count the bits of the netmask (dotted IPv4 or IPv6 groups).
  if (info.family === 'IPv4') return info.netmask.split('.').reduce((n, o) => n + bits(Number(o)), 0);
  return info.netmask.split(':').reduce((n, g) => n + bits(Number.parseInt(g || '0', 16)), 0);
}

function bits(v: number): number {
  let n = 0;
  for (let x = v; x > 0; x >>= 1) n += x & 1;
  return n;
}
