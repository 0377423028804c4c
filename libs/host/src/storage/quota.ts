import type { CommandRunner } from '../command/command-runner';
import type { HostFs } from '../fs/host-fs';
import type { MountInfoEntry } from '../parsers/mountinfo.parser';
import { ZFS_NAME } from './zfs-name';

/** The ways a file system can enforce a per-dataset limit. */
export type HardQuotaKind = 'zfs' | 'btrfs-qgroup' | 'xfs-project';

export interface HardQuotaDetection {
  kind: HardQuotaKind | null;
  reason: string;
  fix: string | null;
}

/**
 * Which hard quota the pool's file system offers, if any. ZFS needs /dev/zfs and the zfs command;
 * btrfs needs quotas enabled on the file system; XFS needs the `prjquota` mount option and
 * xfs_quota. Everything else gets soft quotas (measured periodically, alert when exceeded).
 */
export async function detectHardQuota(runner: CommandRunner, fs: HostFs, pool: { path: string; mount: MountInfoEntry }): Promise<HardQuotaDetection> {
  const { fsType, superOptions, mountOptions, mountPoint } = pool.mount;
  const soft = (why: string, fix: string | null = null): HardQuotaDetection => ({ kind: null, reason: `${why}; quotas on this pool are soft (measured periodically, with an alert when exceeded)`, fix });
  switch (fsType) {
    case 'zfs':
      if (!(await fs.exists('/dev/zfs'))) return soft('ZFS quotas need /dev/zfs, which this container does not have', 'set the quota on the host: zfs set quota=… <dataset>');
      if (!(await runner.has('zfs'))) return soft('the zfs command is not installed', 'apt-get install zfsutils-linux');
      return { kind: 'zfs', reason: 'ZFS quotas (for datasets created as ZFS file systems)', fix: null };
    case 'btrfs': {
      if (!(await runner.has('btrfs'))) return soft('the btrfs command is not installed', 'apt-get install btrfs-progs');
      const show = await runner.run('btrfs', ['qgroup', 'show', '--raw', mountPoint], { okCodes: [0, 1], timeoutMs: 20_000 }).catch(() => ({ code: 1, stdout: '', stderr: 'failed' }));
      if (show.code !== 0) return soft('btrfs quotas are not enabled on this file system', `btrfs quota enable ${mountPoint}`);
      return { kind: 'btrfs-qgroup', reason: 'btrfs qgroup limits (for datasets created as subvolumes)', fix: null };
    }
    case 'xfs': {
      const options = [...superOptions, ...mountOptions];
      if (!options.some((o) => o === 'prjquota' || o === 'pquota' || o === 'pqnoenforce')) {
        return soft('XFS project quotas are not enabled', 'mount the file system with the prjquota option (on Proxmox: on the host, then bind-mount it again)');
      }
      if (options.includes('pqnoenforce')) return soft('XFS project quotas are accounted but not enforced (pqnoenforce)', 'mount with prjquota instead of pqnoenforce');
      if (!(await runner.has('xfs_quota'))) return soft('xfs_quota is not installed', 'apt-get install xfsprogs');
      return { kind: 'xfs-project', reason: 'XFS project quotas', fix: null };
    }
    case 'ext4':
      return soft('MoxNAS does not manage ext4 project quotas');
    default:
      return soft(`${fsType} has no per-directory quotas MoxNAS can manage`);
  }
}

export interface QuotaTarget {
  path: string;
  /** Mount point of the pool's file system (xfs_quota and btrfs address the file system by it). */
  mountPoint: string;
  zfsName?: string | null;
  /** XFS project id of the dataset. */
  projectId?: number | null;
}

/** xfs_quota splits its -c command on whitespace and has no quoting we can rely on. */
const XFS_SAFE_PATH = /^\/[^\s'"\\]*$/;

/** Whether a hard quota of `kind` can be put on this dataset (the reason when not). */
export function hardQuotaApplies(kind: HardQuotaKind, target: QuotaTarget & { btrfsSubvolume?: boolean }): string | null {
  switch (kind) {
    case 'zfs':
      return target.zfsName && ZFS_NAME.test(target.zfsName) ? null : 'the dataset is a plain directory, not a ZFS file system';
    case 'btrfs-qgroup':
      return target.btrfsSubvolume ? null : 'the dataset is a plain directory, not a btrfs subvolume';
    case 'xfs-project':
      return XFS_SAFE_PATH.test(target.path) && XFS_SAFE_PATH.test(target.mountPoint) ? null : 'xfs_quota cannot address paths with spaces or quotes';
    default: {
      const never: never = kind;
      return never;
    }
  }
}

/** Sets or clears (bytes = null) a hard quota. */
export async function setHardQuota(runner: CommandRunner, kind: HardQuotaKind, target: QuotaTarget, bytes: number | null): Promise<void> {
  const problem = hardQuotaApplies(kind, { ...target, btrfsSubvolume: true });
  if (problem) throw new Error(problem);
  switch (kind) {
    case 'zfs':
      await runner.run('zfs', ['set', `quota=${bytes === null ? 'none' : String(bytes)}`, target.zfsName as string], { timeoutMs: 30_000 });
      return;
    case 'btrfs-qgroup':
      await runner.run('btrfs', ['qgroup', 'limit', bytes === null ? 'none' : String(bytes), target.path], { timeoutMs: 30_000 });
      return;
    case 'xfs-project': {
      const id = target.projectId;
      if (!id || !Number.isInteger(id) || id < 1) throw new Error('an XFS project quota needs a project id');
      if (bytes !== null) {
        // Tags the tree with the project id (and the inherit flag, so new files join it).
        await runner.run('xfs_quota', ['-x', '-c', `project -s -p ${target.path} ${id}`, target.mountPoint], { timeoutMs: 600_000 });
      }
      const limit = bytes === null ? '0' : `${Math.ceil(bytes / 1024)}k`;
      await runner.run('xfs_quota', ['-x', '-c', `limit -p bhard=${limit} ${id}`, target.mountPoint], { timeoutMs: 30_000 });
      return;
    }
    default: {
      const never: never = kind;
      return never;
    }
  }
}
