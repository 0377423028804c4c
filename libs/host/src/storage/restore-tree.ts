import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { removeTree } from './copy-snapshot.driver';
import { Limiter } from './limiter';
import { SnapshotError, type ModeMap } from './snapshot-driver';
import type { ExactStat, StorageFs } from './storage-fs';

const CONCURRENCY = 16;
const BATCH = 512;
const PROGRESS_EVERY_MS = 500;

export interface RestoreTreeOptions {
  /** Absolute path in a snapshot tree: a directory, a file or a symlink. */
  source: string;
  /** `source` relative to the snapshot root ('' for the root), to look up original modes. */
  sourceRel: string;
  /** Where the restored copy goes. */
  target: string;
  modes: ModeMap;
  /**
   * true: restore in place: the target may exist; files that differ are replaced atomically, files
   * the snapshot does not have are removed. false: the target must not exist (restore alongside).
   */
  replace: boolean;
  /** Names directly under the target root that are left alone on both sides (the dataset's `.snapshots`). */
  keepAtRoot?: ReadonlySet<string>;
  signal?: AbortSignal;
  onProgress?: (done: { files: number; bytes: number }) => void;
}

export interface RestoreStats {
  files: number;
  directories: number;
  symlinks: number;
  /** Bytes copied (unchanged files are not copied again). */
  bytes: number;
  unchanged: number;
  removed: number;
}

/**
 * Copies a snapshot tree (or one file of it) back: content, owner, group, original mode and mtime,
 * symlinks as symlinks. Always copies, never hard-links: a restored file that shared an inode
 * with the snapshot would change the snapshot when written.
 */
export async function restoreTree(fs: StorageFs, options: RestoreTreeOptions): Promise<RestoreStats> {
  const run = new RestoreRun(fs, options);
  const top = await fs.lstatExact(options.source);
  if (!top) throw new SnapshotError('missing', `${options.sourceRel || '/'} is not in the snapshot`);
  if (!options.replace && (await fs.lstat(options.target))) {
    throw new SnapshotError('exists', `${options.target} already exists`);
  }
  await run.entry(options.source, options.sourceRel, options.target, true, top);
  return run.stats;
}

class RestoreRun {
  readonly stats: RestoreStats = { files: 0, directories: 0, symlinks: 0, bytes: 0, unchanged: 0, removed: 0 };
  private readonly limiter = new Limiter(CONCURRENCY);
  private lastProgress = 0;

  constructor(
    private readonly fs: StorageFs,
    private readonly o: RestoreTreeOptions,
  ) {}

  private checkpoint(): void {
    if (this.o.signal?.aborted) throw new SnapshotError('cancelled', 'the restore was cancelled');
  }

  private progress(): void {
    const now = Date.now();
    if (!this.o.onProgress || now - this.lastProgress < PROGRESS_EVERY_MS) return;
    this.lastProgress = now;
    this.o.onProgress({ files: this.stats.files, bytes: this.stats.bytes });
  }

  async entry(src: string, srcRel: string, dst: string, isRoot: boolean, known?: ExactStat): Promise<void> {
    this.checkpoint();
    const st = known ?? (await this.fs.lstatExact(src));
    if (!st) return;
    const mode = this.o.modes.original(srcRel, st.mode);
    const existing = this.o.replace ? await this.fs.lstatExact(dst) : null;
    switch (st.type) {
      case 'directory':
        await this.directory(src, srcRel, dst, isRoot, st, mode, existing);
        return;
      case 'symlink': {
        const target = await this.fs.readlink(src);
        if (existing) await this.removeExisting(dst, existing);
        await this.fs.symlink(target, dst);
        await this.fs.lchown(dst, st.uid, st.gid);
        await this.fs.lutimes(dst, st.atimeMs, st.mtimeMs);
        this.stats.symlinks++;
        return;
      }
      case 'file':
        await this.limiter.run(() => this.file(src, dst, st, mode, existing));
        this.stats.files++;
        this.progress();
        return;
      default:
        return;
    }
  }

  private async directory(src: string, srcRel: string, dst: string, isRoot: boolean, st: ExactStat, mode: number, existing: ExactStat | null): Promise<void> {
    if (existing && existing.type !== 'directory') {
      await this.removeExisting(dst, existing);
      existing = null;
    }
    if (!existing) await this.fs.mkdirExclusive(dst, 0o700);
    const keep = isRoot ? (this.o.keepAtRoot ?? new Set<string>()) : new Set<string>();
    const names = (await this.fs.readdir(src)).map((e) => e.name).filter((n) => !keep.has(n));
    for (let i = 0; i < names.length; i += BATCH) {
      await Promise.all(
        names.slice(i, i + BATCH).map((name) => this.entry(path.join(src, name), srcRel ? `${srcRel}/${name}` : name, path.join(dst, name), false)),
      );
    }
    if (existing) {
      // In place: what the snapshot did not have goes away (a restore gives back the state of then).
      const wanted = new Set(names);
      for (const e of await this.fs.readdir(dst)) {
        if (wanted.has(e.name) || keep.has(e.name)) continue;
        await removeTree(this.fs, path.join(dst, e.name));
        this.stats.removed++;
      }
    }
    await this.fs.lchown(dst, st.uid, st.gid);
    await this.fs.chmod(dst, mode);
    await this.fs.lutimes(dst, st.atimeMs, st.mtimeMs);
    this.stats.directories++;
  }

  private async file(src: string, dst: string, st: ExactStat, mode: number, existing: ExactStat | null): Promise<void> {
    if (
      existing?.type === 'file' &&
      existing.size === st.size &&
      (existing.mtimeNs > st.mtimeNs ? existing.mtimeNs - st.mtimeNs : st.mtimeNs - existing.mtimeNs) < 1000n &&
      existing.uid === st.uid &&
      existing.gid === st.gid &&
      existing.mode === mode
    ) {
      this.stats.unchanged++;
      return;
    }
    // Written beside the target and renamed over it: readers see the old or the restored file.
    const temp = path.join(path.dirname(dst), `.${path.basename(dst).slice(0, 180)}.moxnas-restore-${randomBytes(6).toString('hex')}`);
    try {
      const copied = await this.fs.copyFileData(src, temp, this.o.signal);
      this.stats.bytes += copied;
      await this.fs.lchown(temp, st.uid, st.gid);
      await this.fs.chmod(temp, mode);
      await this.fs.lutimes(temp, st.atimeMs, st.mtimeMs);
      if (existing?.type === 'directory') await removeTree(this.fs, dst);
      await this.fs.rename(temp, dst);
    } catch (err) {
      await this.fs.rm(temp, { force: true }).catch(() => undefined);
      throw err;
    }
  }

  private async removeExisting(dst: string, existing: ExactStat): Promise<void> {
    if (existing.type === 'directory') await removeTree(this.fs, dst);
    else await this.fs.rm(dst, { force: true });
  }
}
