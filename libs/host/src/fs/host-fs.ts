/**
 * The file system as the app sees it. Services and renderers' writers depend on this interface;
 * the real implementation is NodeHostFs, unit tests pass a typed fake.
 */

export type FileType = 'file' | 'directory' | 'symlink' | 'other';

export interface FileStat {
  type: FileType;
  size: number;
  /** Permission bits only (for example 0o644), without the file-type bits. */
  mode: number;
  uid: number;
  gid: number;
  ino: number;
  dev: number;
  nlink: number;
  mtimeMs: number;
}

export interface DirEntry {
  name: string;
  type: FileType;
}

export interface StatFs {
  /** File system name from the superblock magic (ext4, xfs, btrfs, zfs, tmpfs, ...) or `0x<hex>`. */
  type: string;
  blockSize: number;
  totalBytes: number;
  /** Free bytes including those reserved for root. */
  freeBytes: number;
  /** Free bytes an unprivileged user may use: what `df` shows as available. */
  availableBytes: number;
  totalInodes: number;
  freeInodes: number;
}

export interface Ownership {
  /** Permission bits; applied exactly, the process umask does not narrow them. */
  mode?: number;
  uid?: number;
  gid?: number;
}

export interface RmOptions {
  recursive?: boolean;
  /** No error when the path does not exist. */
  force?: boolean;
}

export interface HostFs {
  /** UTF-8 content, or null when the file does not exist. */
  readFile(path: string): Promise<string | null>;
  /**
   * Replaces the file atomically: readers see the old or the new content, never a mix, even if the
   * process dies half-way. Keeps the existing mode and owner unless given. Writes nothing when the
   * content is already identical. Returns whether the file (content, mode or owner) changed.
   */
  writeFileAtomic(path: string, content: string | Buffer, options?: Ownership): Promise<boolean>;
  /** mkdir -p; the leaf gets the mode/owner given (whether it was created now or existed). */
  mkdir(path: string, options?: Ownership): Promise<void>;
  /** Follows symlinks; null when the path does not exist. */
  stat(path: string): Promise<FileStat | null>;
  /** Does not follow a final symlink; null when the path does not exist. */
  lstat(path: string): Promise<FileStat | null>;
  realpath(path: string): Promise<string>;
  readdir(path: string): Promise<DirEntry[]>;
  rm(path: string, options?: RmOptions): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  chmod(path: string, mode: number): Promise<void>;
  chown(path: string, uid: number, gid: number): Promise<void>;
  /** Hard link (snapshots of plain file systems are trees of hard links). */
  link(existing: string, newPath: string): Promise<void>;
  symlink(target: string, path: string): Promise<void>;
  statfs(path: string): Promise<StatFs>;
  /** True when the path exists (following symlinks). */
  exists(path: string): Promise<boolean>;
}
