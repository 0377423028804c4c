import type { CommandRunner } from '../command/command-runner';
import { BtrfsSnapshotDriver } from './btrfs-snapshot.driver';
import { CopySnapshotDriver } from './copy-snapshot.driver';
import type { SnapshotDriver, SnapshotDriverKind } from './snapshot-driver';
import type { StorageFs } from './storage-fs';
import { ZfsSnapshotDriver } from './zfs-snapshot.driver';

/** The snapshot driver of each kind, sharing one file system adapter and command runner. */
export function createSnapshotDrivers(fs: StorageFs, runner: CommandRunner): Record<SnapshotDriverKind, SnapshotDriver> {
  return {
    copy: new CopySnapshotDriver(fs, runner),
    btrfs: new BtrfsSnapshotDriver(fs, runner),
    zfs: new ZfsSnapshotDriver(runner),
  };
}
