import type { PoolHealth, SnapshotDriverKind, UsageLevel } from '@moxnas/contracts';
import { containingMount, isReadOnlyMount, probeWritable, type MountInfoEntry, type PoolCapabilities, type StorageFs } from '@moxnas/host';
import type { PoolSpaceRecord } from '../entities/pool.entity';

/** What a look at the host says about a pool right now. */
export interface PoolInspection {
  health: PoolHealth;
  space: PoolSpaceRecord | null;
  mount: MountInfoEntry | null;
}

export function usageLevel(ratio: number | null | undefined, warningPercent: number, criticalPercent: number): UsageLevel {
  if (ratio === null || ratio === undefined || Number.isNaN(ratio)) return 'unknown';
  if (ratio * 100 >= criticalPercent) return 'critical';
  if (ratio * 100 >= warningPercent) return 'warning';
  return 'ok';
}

/** The snapshot driver a pool gets: the file system's own snapshots where it has them. */
export function snapshotDriverFor(caps: PoolCapabilities): SnapshotDriverKind {
  if (caps.zfsSnapshots.available) return 'zfs';
  if (caps.btrfsSnapshots.available) return 'btrfs';
  return 'copy';
}

/**
 * Health and space of a pool from the host: its directory exists, sits on the file system it was
 * registered on (not the root disk under a missing mount), is writable, and statfs answers.
 */
export async function inspectPool(fs: StorageFs, pool: { path: string; mountPoint: string; fsType: string }, mounts: readonly MountInfoEntry[], checkedAt: string): Promise<PoolInspection> {
  const problems: string[] = [];
  const st = await fs.lstat(pool.path).catch(() => null);
  if (!st) {
    problems.push(`${pool.path} does not exist (the mount or directory is missing)`);
    return { health: { status: 'degraded', mounted: false, writable: false, readOnly: false, problems, checkedAt }, space: null, mount: null };
  }
  if (st.type !== 'directory') {
    problems.push(`${pool.path} is no longer a directory (it is a ${st.type})`);
    return { health: { status: 'degraded', mounted: false, writable: false, readOnly: false, problems, checkedAt }, space: null, mount: null };
  }
  const mount = containingMount(mounts, pool.path);
  const mounted = !!mount && mount.mountPoint === pool.mountPoint && mount.fsType === pool.fsType;
  if (!mounted) {
    // The LXC failure mode: the bind mount did not come back, and writes would land on the root disk.
    problems.push(
      `${pool.path} is not on its file system: expected ${pool.mountPoint} (${pool.fsType}), found ${mount ? `${mount.mountPoint} (${mount.fsType})` : 'no mount'}; the mount is missing`,
    );
    return { health: { status: 'degraded', mounted: false, writable: false, readOnly: false, problems, checkedAt }, space: null, mount };
  }
  const readOnly = isReadOnlyMount(mount);
  if (readOnly) problems.push(`${mount.mountPoint} is mounted read-only (remounted after I/O errors?)`);
  const writable = readOnly ? { ok: false, reason: null } : await probeWritable(fs, pool.path);
  if (!writable.ok && writable.reason) problems.push(writable.reason);
  let space: PoolSpaceRecord | null = null;
  try {
    const s = await fs.statfs(pool.path);
    const used = s.totalBytes - s.freeBytes;
    space = { totalBytes: s.totalBytes, usedBytes: used, availableBytes: s.availableBytes, usedRatio: used + s.availableBytes > 0 ? used / (used + s.availableBytes) : 0 };
  } catch (err) {
    problems.push(`statfs failed: ${(err as Error).message}`);
  }
  return {
    health: { status: problems.length ? 'degraded' : 'online', mounted: true, writable: writable.ok, readOnly, problems, checkedAt },
    space,
    mount,
  };
}
