/**
 * One interface for the three ways MoxNAS snapshots a dataset:
 * - `zfs`: native snapshots of a ZFS file system (`zfs snapshot fs@GMT-…`), seen at `.zfs/snapshot`;
 * - `btrfs`: read-only subvolume snapshots in `<dataset>/.snapshots/@GMT-…`;
 * - `copy`: hard-link trees in `<dataset>/.snapshots/@GMT-…` for every other file system.
 * Every driver exposes a snapshot as a read-only directory tree, so browsing and restoring work the
 * same way whatever made the snapshot.
 */
import type { MetadataCapabilities, MetadataPlan } from './xattrs';

export type SnapshotDriverKind = 'copy' | 'btrfs' | 'zfs';

/** The dataset a snapshot is taken of. */
export interface SnapshotTarget {
  /** Absolute real path of the dataset directory. */
  path: string;
  /** The ZFS file system mounted at `path`, for the zfs driver. */
  zfsName?: string | null;
  /** Paths relative to `path` to leave out (the snapshot directories of nested datasets). */
  exclude?: readonly string[];
  /**
   * The pool's probed ACL/xattr capabilities: the copy driver keeps what they allow (zfs and
   * btrfs snapshots keep everything natively). Absent: nothing is captured, and the stats say so.
   */
  metadata?: MetadataCapabilities | null;
}

/** Facts stored beside a snapshot, so a rescan after a database restore knows where it came from. */
export interface SnapshotRecordMeta {
  taskId: string | null;
  stats: SnapshotStats | null;
}

export interface SnapshotProgress {
  files: number;
  bytes: number;
  /** Files expected (from the previous snapshot), to turn progress into a percentage; null when unknown. */
  expectedFiles: number | null;
}

export interface SnapshotStats {
  files: number;
  directories: number;
  symlinks: number;
  /** Sum of the file sizes in the snapshot. */
  bytes: number;
  /** Bytes written for this snapshot (changed or new files); the rest is shared with the previous one. */
  newBytes: number;
  linkedFiles: number;
  copiedFiles: number;
  /** Sockets, fifos and device nodes, which a snapshot does not keep. */
  skipped: number;
  /** Copy driver: which ACLs/xattrs the snapshot kept and which it could not (with the reason). */
  metadata?: MetadataPlan;
}

export interface SnapshotCreateOptions {
  name: string;
  /** The newest existing snapshot of the dataset: the copy driver shares unchanged files with it. */
  previous?: string | null;
  meta?: SnapshotRecordMeta;
  signal?: AbortSignal;
  onProgress?: (progress: SnapshotProgress) => void;
  log?: (message: string) => void;
}

export interface SnapshotInfo {
  name: string;
  takenAt: Date;
  meta: SnapshotRecordMeta | null;
}

/** The mode a path had when the snapshot was taken (the copy driver stores trees without write bits). */
export interface ModeMap {
  /** `rel` is relative to the snapshot root (`''` for the root itself). */
  original(rel: string, onDisk: number): number;
}

export const IDENTITY_MODES: ModeMap = { original: (_rel, onDisk) => onDisk };

export interface SnapshotDriver {
  readonly kind: SnapshotDriverKind;
  /** What Samba's shadow_copy2 needs, relative to the dataset root. */
  readonly shadow: { snapdir: string; format: string };
  /** Returns what the walk saw; null for native snapshots, which do not walk the files. */
  create(target: SnapshotTarget, options: SnapshotCreateOptions): Promise<SnapshotStats | null>;
  delete(target: SnapshotTarget, name: string): Promise<void>;
  /** Snapshots present on disk, oldest first. */
  list(target: SnapshotTarget): Promise<SnapshotInfo[]>;
  /** The read-only directory tree of a snapshot. */
  treePath(target: SnapshotTarget, name: string): string;
  originalModes(target: SnapshotTarget, name: string): Promise<ModeMap>;
  /**
   * The ACL/xattr namespaces the snapshot kept (see MetadataPlan.captured); null when the
   * snapshot is native and keeps them all (zfs, btrfs).
   */
  keptMetadata(target: SnapshotTarget, name: string): Promise<string[] | null>;
  /** Removes what an interrupted create left behind; returns what it removed. */
  cleanup(target: SnapshotTarget): Promise<string[]>;
}

export class SnapshotError extends Error {
  constructor(
    readonly kind: 'exists' | 'missing' | 'unsupported' | 'failed' | 'cancelled',
    message: string,
  ) {
    super(message);
    this.name = 'SnapshotError';
  }
}
