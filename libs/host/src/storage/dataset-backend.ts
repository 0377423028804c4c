import path from 'node:path';
import type { CommandRunner } from '../command/command-runner';
import type { MountInfoEntry } from '../parsers/mountinfo.parser';
import { removeTree, SNAPDIR } from './copy-snapshot.driver';
import { containingMount } from './mounts';
import type { StorageFs } from './storage-fs';
import { ZFS_NAME } from './zfs-name';

/** What a dataset is on disk: decides its snapshot driver and whether a hard quota fits. */
export type DatasetBackendKind = 'directory' | 'btrfs-subvolume' | 'zfs-filesystem';

export interface DatasetBackend {
  kind: DatasetBackendKind;
  /** For zfs-filesystem: the ZFS name (`tank/media`). */
  zfsName: string | null;
}

/** btrfs gives every subvolume root inode 256 (BTRFS_FIRST_FREE_OBJECTID). */
const BTRFS_SUBVOLUME_INODE = 256;

/** What an existing directory is: a ZFS file system mounted there, a btrfs subvolume or a plain directory. */
export async function detectBackend(fs: StorageFs, mounts: readonly MountInfoEntry[], realPath: string): Promise<DatasetBackend> {
  const mount = containingMount(mounts, realPath);
  if (mount?.fsType === 'zfs' && mount.mountPoint === realPath && ZFS_NAME.test(mount.source)) return { kind: 'zfs-filesystem', zfsName: mount.source };
  if (mount?.fsType === 'btrfs') {
    const st = await fs.lstat(realPath);
    if (st?.type === 'directory' && st.ino === BTRFS_SUBVOLUME_INODE) return { kind: 'btrfs-subvolume', zfsName: null };
  }
  return { kind: 'directory', zfsName: null };
}

export interface CreateDatasetSpec {
  path: string;
  kind: DatasetBackendKind;
  /** For zfs-filesystem: the new file system's name (its parent must be mounted at the parent path). */
  zfsName?: string | null;
  mode: number;
}

/** Creates the dataset's directory, subvolume or ZFS file system (which must not exist yet). */
export async function createDatasetStorage(fs: StorageFs, runner: CommandRunner, spec: CreateDatasetSpec): Promise<void> {
  switch (spec.kind) {
    case 'directory':
      await fs.mkdirExclusive(spec.path, spec.mode);
      return;
    case 'btrfs-subvolume':
      await runner.run('btrfs', ['subvolume', 'create', spec.path], { timeoutMs: 60_000 });
      await fs.chmod(spec.path, spec.mode);
      // Made now, while the dataset has room: a subvolume of its own, outside the dataset's qgroup,
      // so snapshots of a dataset at its quota still work (see BtrfsSnapshotDriver).
      await runner.run('btrfs', ['subvolume', 'create', path.join(spec.path, SNAPDIR)], { timeoutMs: 60_000 });
      await fs.chmod(path.join(spec.path, SNAPDIR), 0o755);
      return;
    case 'zfs-filesystem':
      if (!spec.zfsName || !ZFS_NAME.test(spec.zfsName)) throw new Error(`${spec.zfsName ?? ''} is not a valid ZFS file system name`);
      // Inherits its mount point from the parent, which is mounted at the parent path.
      await runner.run('zfs', ['create', spec.zfsName], { timeoutMs: 60_000 });
      await fs.chmod(spec.path, spec.mode);
      return;
    default: {
      const never: never = spec.kind;
      return never;
    }
  }
}

/** Removes a dataset's data: the tree, the subvolume (and its snapshot subvolumes) or the ZFS file system. */
export async function destroyDatasetStorage(fs: StorageFs, runner: CommandRunner, spec: { path: string; kind: DatasetBackendKind; zfsName?: string | null }): Promise<void> {
  switch (spec.kind) {
    case 'directory':
      await removeTree(fs, spec.path);
      return;
    case 'btrfs-subvolume': {
      // Snapshot subvolumes inside it must go first, then `.snapshots` (a subvolume too, when the
      // btrfs driver made it): btrfs refuses to delete a subvolume that holds others.
      const snapdir = path.join(spec.path, SNAPDIR);
      const snapdirStat = await fs.lstat(snapdir);
      if (snapdirStat?.type === 'directory') {
        for (const entry of await fs.readdir(snapdir)) {
          const child = path.join(snapdir, entry.name);
          if (entry.type === 'directory' && (await fs.lstat(child))?.ino === BTRFS_SUBVOLUME_INODE) {
            await runner.run('btrfs', ['subvolume', 'delete', child], { timeoutMs: 120_000 });
          }
        }
        if (snapdirStat.ino === BTRFS_SUBVOLUME_INODE) await runner.run('btrfs', ['subvolume', 'delete', snapdir], { timeoutMs: 120_000 });
      }
      await runner.run('btrfs', ['subvolume', 'delete', spec.path], { timeoutMs: 120_000 });
      return;
    }
    case 'zfs-filesystem':
      if (!spec.zfsName || !ZFS_NAME.test(spec.zfsName)) throw new Error('not a ZFS file system');
      await runner.run('zfs', ['destroy', '-r', spec.zfsName], { timeoutMs: 300_000 });
      return;
    default: {
      const never: never = spec.kind;
      return never;
    }
  }
}
