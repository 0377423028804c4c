import type { FileStat, HostFs } from '../fs/host-fs';

/** lstat with what snapshots and usage walks need beyond FileStat. */
export interface ExactStat extends FileStat {
  /** Allocated 512-byte blocks: what a file really costs on disk (sparse files, small files). */
  blocks: number;
  /** Modification time in nanoseconds: FileStat's milliseconds lose the sub-µs digits. */
  mtimeNs: bigint;
  atimeMs: number;
}

/** Appends lines to a new file; the file appears at its final name only after `commit`. */
export interface LineWriter {
  write(line: string): Promise<void>;
  /** Flushes, fsyncs and renames into place. */
  commit(): Promise<void>;
  /** Removes the partial file. */
  abort(): Promise<void>;
}

/**
 * The extra file operations storage needs (hard-link snapshots, restores, usage walks) on top of
 * HostFs. Kept beside HostFs rather than in it because only the storage module needs them.
 */
export interface StorageFs extends HostFs {
  /** lstat with blocks and nanosecond mtime; null when the path does not exist. */
  lstatExact(path: string): Promise<ExactStat | null>;
  /** chown without following a final symlink. */
  lchown(path: string, uid: number, gid: number): Promise<void>;
  /** Sets atime/mtime without following a final symlink (times in ms since the epoch). */
  lutimes(path: string, atimeMs: number, mtimeMs: number): Promise<void>;
  readlink(path: string): Promise<string>;
  /**
   * Copies the content of `source` into a new file `target` (which must not exist; never follows a
   * symlink at `target`), created 0600 so nothing reads it half-written. Returns the bytes copied.
   * Aborts between chunks when the signal fires.
   */
  copyFileData(source: string, target: string, signal?: AbortSignal): Promise<number>;
  /** mkdir of one directory that must not exist yet, with exactly this mode. */
  mkdirExclusive(path: string, mode: number): Promise<void>;
  /** A new file written line by line (manifests of a million entries do not fit one string well). */
  createLineWriter(path: string, mode?: number): Promise<LineWriter>;
  /** The lines of a file; nothing when it does not exist. */
  readLines(path: string): AsyncIterable<string>;
}

/**
 * How far a copied file's mtime may be from its source and still count as the same. Node hands
 * utimes a float of seconds (about 0.24 µs of resolution at today's dates) and libuv then cuts it to
 * whole microseconds, so a copy lands up to ~1.3 µs away (measured: 7 % of files were 1 µs or more
 * off). A real change of the same size within 2 µs of the previous version is not a thing to expect.
 */
const MTIME_TOLERANCE_NS = 2000n;

/** True when two files' mtimes are the same as far as a copy can keep them (see above). */
export function sameMtime(a: Pick<ExactStat, 'mtimeNs'>, b: Pick<ExactStat, 'mtimeNs'>): boolean {
  return (a.mtimeNs > b.mtimeNs ? a.mtimeNs - b.mtimeNs : b.mtimeNs - a.mtimeNs) < MTIME_TOLERANCE_NS;
}
