import { randomBytes } from 'node:crypto';
import { constants, promises as fsp, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import type { DirEntry, FileStat, FileType, HostFs, Ownership, RmOptions, StatFs } from './host-fs';

/** Marks our temp files: `.<name>.moxnas-tmp-<pid>-<random>` beside the target. */
const TEMP_MARK = '.moxnas-tmp-';
/** Keeps `.<name>` + mark + pid + random under NAME_MAX (255). */
const TEMP_BASENAME_MAX = 200;
/**
 * A temp file whose writer is still alive is in flight and must be left alone; past this age it is
 * stale whatever its pid says (the pid may have been reused).
 */
const STALE_TEMP_AGE_MS = 60 * 60 * 1000;

export interface NodeHostFsOptions {
  /**
   * Test seam: runs after the temp file is written and synced and before it is renamed over the
   * target. Crash-consistency tests pause here and kill the writer.
   */
  afterTempWrite?: (tempPath: string, targetPath: string) => Promise<void>;
  /** Decides whether the pid that wrote a temp file still runs; injectable for tests. */
  isAlive?: (pid: number) => boolean;
  now?: () => number;
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function typeOf(s: Stats | Dirent): FileType {
  if (s.isFile()) return 'file';
  if (s.isDirectory()) return 'directory';
  if (s.isSymbolicLink()) return 'symlink';
  return 'other';
}

function toFileStat(s: Stats): FileStat {
  return {
    type: typeOf(s),
    size: s.size,
    mode: s.mode & 0o7777,
    uid: s.uid,
    gid: s.gid,
    ino: s.ino,
    dev: s.dev,
    nlink: s.nlink,
    mtimeMs: s.mtimeMs,
  };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Superblock magic numbers (statfs f_type) of the file systems a NAS meets, from linux/magic.h. */
const FS_MAGIC: ReadonlyMap<number, string> = new Map([
  [0xef53, 'ext4'],
  [0x58465342, 'xfs'],
  [0x9123683e, 'btrfs'],
  [0x2fc12fc1, 'zfs'],
  [0x01021994, 'tmpfs'],
  [0x794c7630, 'overlay'],
  [0x6969, 'nfs'],
  [0xff534d42, 'cifs'],
  [0xfe534d42, 'smb2'],
  [0x65735546, 'fuse'],
  [0x4d44, 'vfat'],
  [0x5346544e, 'ntfs'],
  [0x2011bab0, 'exfat'],
  [0xf2f52010, 'f2fs'],
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x858458f6, 'ramfs'],
  [0x73717368, 'squashfs'],
  [0x9660, 'iso9660'],
]);

export function fileSystemName(magic: number): string {
  // statfs may report the magic as a negative 32-bit number.
  const unsigned = magic >>> 0;
  return FS_MAGIC.get(unsigned) ?? `0x${unsigned.toString(16)}`;
}

/** The real file system adapter. */
export class NodeHostFs implements HostFs {
  private readonly isAlive: (pid: number) => boolean;
  private readonly now: () => number;

  constructor(private readonly options: NodeHostFsOptions = {}) {
    this.isAlive = options.isAlive ?? pidAlive;
    this.now = options.now ?? Date.now;
  }

  async readFile(file: string): Promise<string | null> {
    try {
      return await fsp.readFile(file, 'utf8');
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async writeFileAtomic(target: string, content: string | Buffer, options: Ownership = {}): Promise<boolean> {
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const file = await this.resolveLink(target);
    const existing = await this.stat(file);
    if (existing && existing.type !== 'file') {
      throw Object.assign(new Error(`${file} exists and is not a regular file`), { code: 'EISDIR' });
    }
    const mode = options.mode ?? existing?.mode ?? 0o644;
    const uid = options.uid ?? existing?.uid;
    const gid = options.gid ?? existing?.gid;

    if (existing && existing.size === data.length) {
      const current = await fsp.readFile(file);
      if (current.equals(data)) return this.fixMetadata(file, existing, mode, uid, gid);
    }

    const dir = path.dirname(file);
    await this.removeStaleTemps(dir, path.basename(file));
    const temp = path.join(dir, this.tempName(file));
    try {
      // 0600 until the content is complete, so a secret is never readable by others half-written.
      const handle = await fsp.open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      try {
        await handle.writeFile(data);
        if (uid !== undefined || gid !== undefined) await handle.chown(uid ?? -1, gid ?? -1);
        // After chown: chown clears setuid/setgid bits.
        await handle.chmod(mode);
        await handle.sync();
      } finally {
        await handle.close();
      }
      if (this.options.afterTempWrite) await this.options.afterTempWrite(temp, file);
      await fsp.rename(temp, file);
    } catch (err) {
      await fsp.rm(temp, { force: true }).catch(() => undefined);
      throw err;
    }
    // The rename is durable only once the directory entry is on disk.
    await this.syncDir(dir);
    return true;
  }

  async mkdir(dir: string, options: Ownership = {}): Promise<void> {
    await fsp.mkdir(dir, { recursive: true, mode: 0o755 });
    if (options.uid !== undefined || options.gid !== undefined) {
      await fsp.chown(dir, options.uid ?? -1, options.gid ?? -1);
    }
    if (options.mode !== undefined) await fsp.chmod(dir, options.mode);
  }

  async stat(p: string): Promise<FileStat | null> {
    try {
      return toFileStat(await fsp.stat(p));
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async lstat(p: string): Promise<FileStat | null> {
    try {
      return toFileStat(await fsp.lstat(p));
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  realpath(p: string): Promise<string> {
    return fsp.realpath(p);
  }

  async readdir(dir: string): Promise<DirEntry[]> {
    const entries = await fsp.readdir(dir, { withFileTypes: true });
    return entries.map((e) => ({ name: e.name, type: typeOf(e) }));
  }

  rm(p: string, options: RmOptions = {}): Promise<void> {
    return fsp.rm(p, { recursive: options.recursive ?? false, force: options.force ?? false });
  }

  rename(from: string, to: string): Promise<void> {
    return fsp.rename(from, to);
  }

  chmod(p: string, mode: number): Promise<void> {
    return fsp.chmod(p, mode);
  }

  chown(p: string, uid: number, gid: number): Promise<void> {
    return fsp.chown(p, uid, gid);
  }

  link(existing: string, newPath: string): Promise<void> {
    return fsp.link(existing, newPath);
  }

  symlink(target: string, p: string): Promise<void> {
    return fsp.symlink(target, p);
  }

  async statfs(p: string): Promise<StatFs> {
    const s = await fsp.statfs(p);
    return {
      type: fileSystemName(s.type),
      blockSize: s.bsize,
      totalBytes: s.blocks * s.bsize,
      freeBytes: s.bfree * s.bsize,
      availableBytes: s.bavail * s.bsize,
      totalInodes: s.files,
      freeInodes: s.ffree,
    };
  }

  async exists(p: string): Promise<boolean> {
    try {
      await fsp.access(p, constants.F_OK);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Writes go to the file a symlink points at, so an admin's link (say smb.conf → a file kept
   * elsewhere) survives. A dangling link is replaced by the file.
   */
  private async resolveLink(target: string): Promise<string> {
    const st = await this.lstat(target);
    if (st?.type !== 'symlink') return target;
    try {
      return await fsp.realpath(target);
    } catch (err) {
      if (isMissing(err)) return target;
      throw err;
    }
  }

  private async fixMetadata(file: string, existing: FileStat, mode: number, uid?: number, gid?: number): Promise<boolean> {
    let changed = false;
    if ((uid !== undefined && uid !== existing.uid) || (gid !== undefined && gid !== existing.gid)) {
      await fsp.chown(file, uid ?? -1, gid ?? -1);
      changed = true;
    }
    if (changed || mode !== existing.mode) {
      await fsp.chmod(file, mode);
      changed = true;
    }
    return changed;
  }

  private tempName(file: string): string {
    const base = path.basename(file).slice(0, TEMP_BASENAME_MAX);
    return `.${base}${TEMP_MARK}${process.pid}-${randomBytes(6).toString('hex')}`;
  }

  /**
   * A writer that died between creating its temp file and the rename leaves the temp file behind.
   * Readers never look at it (it has its own name); the next write to the same target removes it.
   */
  private async removeStaleTemps(dir: string, base: string): Promise<void> {
    const prefix = `.${base.slice(0, TEMP_BASENAME_MAX)}${TEMP_MARK}`;
    let names: string[];
    try {
      names = await fsp.readdir(dir);
    } catch (err) {
      if (isMissing(err)) return;
      throw err;
    }
    for (const name of names) {
      if (!name.startsWith(prefix)) continue;
      const match = /^(\d+)-[0-9a-f]+$/.exec(name.slice(prefix.length));
      if (!match) continue;
      const full = path.join(dir, name);
      const st = await this.lstat(full);
      if (!st || st.type !== 'file') continue;
      const stale = !this.isAlive(Number(match[1])) || this.now() - st.mtimeMs > STALE_TEMP_AGE_MS;
      if (stale) await fsp.rm(full, { force: true });
    }
  }

  private async syncDir(dir: string): Promise<void> {
    const handle = await fsp.open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}
