import { parseMountInfo, type MountInfoEntry } from '../parsers/mountinfo.parser';
import type { HostFs } from '../fs/host-fs';

/** Kernel and virtual file systems that never hold NAS data. */
export const PSEUDO_FILESYSTEMS: ReadonlySet<string> = new Set([
  'proc', 'sysfs', 'devtmpfs', 'devpts', 'mqueue', 'cgroup', 'cgroup2', 'debugfs', 'tracefs', 'securityfs',
  'pstore', 'bpf', 'configfs', 'fusectl', 'hugetlbfs', 'autofs', 'binfmt_misc', 'nsfs', 'efivarfs',
  'rpc_pipefs', 'nfsd', 'selinuxfs', 'ramfs', 'squashfs', 'iso9660', 'overlay', 'aufs', 'fuse.lxcfs',
  'fuse.gvfsd-fuse', 'fuse.portal', 'devfs', 'none',
]);

/** Places of the operating system itself: never a pool, nor inside one. */
export const SYSTEM_PATHS: readonly string[] = ['/proc', '/sys', '/dev', '/run', '/boot', '/etc', '/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/var/lib', '/var/log', '/var/cache', '/var/run', '/var/lock', '/root'];

/** True when `p` is `base` or inside it (both normalised absolute paths). */
export function isWithin(p: string, base: string): boolean {
  if (base === '/') return p.startsWith('/');
  return p === base || p.startsWith(`${base}/`);
}

export function isSystemPath(p: string): boolean {
  return p === '/' || SYSTEM_PATHS.some((s) => isWithin(p, s));
}

/** The mount table of this process (what the container sees). */
export async function readMounts(fs: HostFs, file = '/proc/self/mountinfo'): Promise<MountInfoEntry[]> {
  const text = await fs.readFile(file);
  if (text === null) throw new Error(`${file} is missing: is /proc mounted?`);
  return parseMountInfo(text);
}

/**
 * The mount a (real) path lives on: the longest mount point containing it; of several mounts on the
 * same point the last one wins, as it hides the others.
 */
export function containingMount(mounts: readonly MountInfoEntry[], realPath: string): MountInfoEntry | null {
  let best: MountInfoEntry | null = null;
  for (const m of mounts) {
    if (!isWithin(realPath, m.mountPoint)) continue;
    if (!best || m.mountPoint.length >= best.mountPoint.length) best = m;
  }
  return best;
}

export function isReadOnlyMount(m: MountInfoEntry): boolean {
  return m.mountOptions.includes('ro') || m.superOptions.includes('ro');
}

/** `major:minor`, which tells two mounts of different file systems apart. */
export function deviceOf(m: MountInfoEntry): string {
  return `${m.major}:${m.minor}`;
}

/**
 * Mounts an admin could register as pools: no pseudo file systems, no system places, no `/` itself
 * (use a directory on it instead: registering the root file system as a whole would put the OS
 * inside a pool), no tmpfs under /run or /dev, only the visible mount of each mount point.
 */
export function candidateMounts(mounts: readonly MountInfoEntry[]): MountInfoEntry[] {
  const visible = new Map<string, MountInfoEntry>();
  for (const m of mounts) visible.set(m.mountPoint, m);
  return [...visible.values()].filter((m) => {
    if (PSEUDO_FILESYSTEMS.has(m.fsType) || m.fsType.startsWith('cgroup')) return false;
    if (m.mountPoint === '/' || isSystemPath(m.mountPoint)) return false;
    if (m.fsType === 'tmpfs' && ['/run', '/dev', '/sys', '/proc'].some((p) => isWithin(m.mountPoint, p))) return false;
    // Mounts inside another pseudo mount (a probe sandbox's /proc, …) are not storage either.
    const parent = mounts.find((p) => p.mountId === m.parentId);
    if (parent && PSEUDO_FILESYSTEMS.has(parent.fsType) && parent.mountPoint !== '/') return false;
    return true;
  });
}
