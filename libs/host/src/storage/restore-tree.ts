import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { removeTree } from './copy-snapshot.driver';
import { Limiter } from './limiter';
import { SnapshotError, type ModeMap } from './snapshot-driver';
import { sameMtime, type ExactStat, type StorageFs } from './storage-fs';
import { ACL_ACCESS, ACL_DEFAULT, sameXattrs, withMode, type XattrSet, type XattrTool } from './xattrs';

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
   * POSIX ACLs and xattrs to bring back (read from the snapshot tree, the access ACL fitted to the
   * original mode); null or absent: none are restored.
   */
  xattrs?: XattrTool | null;
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

/** ACLs/xattrs of one source entry and of what is at its destination now. */
interface EntryXattrs {
  source?: XattrSet;
  existing?: XattrSet;
}

/** A restored file waiting for its directory batch's setfattr call before it is renamed into place. */
interface PendingFile {
  name: string;
  set?: XattrSet;
  /** It inherited ACLs from a default ACL that the snapshot's file did not have. */
  strip: boolean;
  finish: () => Promise<void>;
  abandon: () => Promise<void>;
}

const NONE: ReadonlyMap<string, XattrSet> = new Map();

/**
 * Copies a snapshot tree (or one file of it) back: content, owner, group, original mode and mtime,
 * ACLs and xattrs (when `xattrs` is given), symlinks as symlinks. Always copies, never hard-links:
 * a restored file that shared an inode with the snapshot would change the snapshot when written.
 */
export async function restoreTree(fs: StorageFs, options: RestoreTreeOptions): Promise<RestoreStats> {
  const run = new RestoreRun(fs, options);
  const top = await fs.lstatExact(options.source);
  if (!top) throw new SnapshotError('missing', `${options.sourceRel || '/'} is not in the snapshot`);
  if (!options.replace && (await fs.lstat(options.target))) {
    throw new SnapshotError('exists', `${options.target} already exists`);
  }
  const x = options.xattrs;
  let xattrs: EntryXattrs = {};
  let inherits = false;
  if (x) {
    const readOne = async (p: string) => (p === path.dirname(p) ? undefined : (await x.read(path.dirname(p), [path.basename(p)])).get(path.basename(p)));
    const parent = path.dirname(options.target);
    xattrs = { source: await readOne(options.source), existing: options.replace ? await readOne(options.target) : undefined };
    inherits = (await readOne(parent))?.has(ACL_DEFAULT) ?? false;
  }
  const pending: PendingFile[] = [];
  await run.entry(options.source, options.sourceRel, options.target, true, top, xattrs, inherits, pending);
  await run.flush(path.dirname(options.target), pending);
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

  /**
   * `inherits`: the directory `dst` is created in has a default ACL, so a new entry gets ACLs of
   * its own that must go when the snapshot's entry had none.
   */
  async entry(src: string, srcRel: string, dst: string, isRoot: boolean, known: ExactStat | undefined, xattrs: EntryXattrs, inherits: boolean, pending: PendingFile[]): Promise<void> {
    this.checkpoint();
    const st = known ?? (await this.fs.lstatExact(src));
    if (!st) return;
    const mode = this.o.modes.original(srcRel, st.mode);
    const existing = this.o.replace ? await this.fs.lstatExact(dst) : null;
    // The snapshot's chmod (no write bits) also narrowed the stored ACL: fit it to the original mode.
    const wanted = withMode(xattrs.source, mode);
    switch (st.type) {
      case 'directory':
        await this.directory(src, srcRel, dst, isRoot, st, mode, existing, wanted, xattrs.existing, inherits);
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
        await this.limiter.run(() => this.file(src, dst, st, mode, existing, wanted, xattrs.existing, inherits, pending));
        this.stats.files++;
        this.progress();
        return;
      default:
        return;
    }
  }

  /** Sets the batch's attributes in one call, then renames its files into place. */
  async flush(dir: string, pending: PendingFile[]): Promise<void> {
    const x = this.o.xattrs;
    if (!pending.length) return;
    try {
      if (x) {
        const strip = pending.filter((p) => p.strip).map((p) => p.name);
        if (strip.length) await x.stripAcls(dir, strip);
        await x.write(dir, pending.filter((p) => p.set).map((p) => [p.name, p.set as XattrSet] as const));
      }
      await Promise.all(pending.map((p) => this.limiter.run(p.finish)));
    } catch (err) {
      await Promise.all(pending.map((p) => p.abandon().catch(() => undefined)));
      throw err;
    }
  }

  private async directory(src: string, srcRel: string, dst: string, isRoot: boolean, st: ExactStat, mode: number, existing: ExactStat | null, wanted: XattrSet | undefined, live: XattrSet | undefined, parentInherits: boolean): Promise<void> {
    const x = this.o.xattrs;
    if (existing && existing.type !== 'directory') {
      await this.removeExisting(dst, existing);
      existing = null;
      live = undefined;
    }
    let inherits: boolean;
    if (!existing) {
      await this.fs.mkdirExclusive(dst, 0o700);
      // Its inherited ACLs go; the snapshot's (default ACL included) are set once it is filled.
      if (x && parentInherits) await x.stripAcls(path.dirname(dst), [path.basename(dst)]);
      inherits = false;
    } else {
      inherits = live?.has(ACL_DEFAULT) ?? false;
    }
    const keep = isRoot ? (this.o.keepAtRoot ?? new Set<string>()) : new Set<string>();
    const names = (await this.fs.readdir(src)).map((e) => e.name).filter((n) => !keep.has(n));
    for (let i = 0; i < names.length; i += BATCH) {
      const batch = names.slice(i, i + BATCH);
      const sources = x ? await x.read(src, batch) : NONE;
      const existingSets = x && existing ? await x.read(dst, batch) : NONE;
      const pending: PendingFile[] = [];
      await Promise.all(
        batch.map((name) =>
          this.entry(path.join(src, name), srcRel ? `${srcRel}/${name}` : name, path.join(dst, name), false, undefined, { source: sources.get(name), existing: existingSets.get(name) }, inherits, pending),
        ),
      );
      await this.flush(dst, pending);
    }
    if (existing) {
      // In place: what the snapshot did not have goes away (a restore gives back the state of then).
      const wantedNames = new Set(names);
      for (const e of await this.fs.readdir(dst)) {
        if (wantedNames.has(e.name) || keep.has(e.name)) continue;
        await removeTree(this.fs, path.join(dst, e.name));
        this.stats.removed++;
      }
    }
    await this.fs.lchown(dst, st.uid, st.gid);
    if (x) {
      const parent = path.dirname(dst);
      const name = path.basename(dst);
      const extra = [...(live?.keys() ?? [])].filter((k) => !wanted?.has(k));
      // Removing the access ACL recomputes the mode from what is left: the chmod below fixes it.
      if (extra.length) await x.remove(parent, name, extra);
      if (wanted && !sameXattrs(live, wanted)) await x.write(parent, [[name, wanted]]);
    }
    await this.fs.chmod(dst, mode);
    await this.fs.lutimes(dst, st.atimeMs, st.mtimeMs);
    this.stats.directories++;
  }

  private async file(src: string, dst: string, st: ExactStat, mode: number, existing: ExactStat | null, wanted: XattrSet | undefined, live: XattrSet | undefined, inherits: boolean, pending: PendingFile[]): Promise<void> {
    if (
      existing?.type === 'file' &&
      existing.size === st.size &&
      sameMtime(existing, st) &&
      existing.uid === st.uid &&
      existing.gid === st.gid &&
      existing.mode === mode &&
      // An ACL or xattr change alone leaves everything above as it was.
      (!this.o.xattrs || sameXattrs(live, wanted))
    ) {
      this.stats.unchanged++;
      return;
    }
    // Written beside the target and renamed over it: readers see the old or the restored file.
    const tempName = `.${path.basename(dst).slice(0, 180)}.moxnas-restore-${randomBytes(6).toString('hex')}`;
    const temp = path.join(path.dirname(dst), tempName);
    const abandon = () => this.fs.rm(temp, { force: true });
    const finish = async () => {
      // After the ACL (which sets the mode bits too), so both end up as they were.
      await this.fs.chmod(temp, mode);
      if (existing?.type === 'directory') await removeTree(this.fs, dst);
      await this.fs.rename(temp, dst);
    };
    try {
      const copied = await this.fs.copyFileData(src, temp, this.o.signal);
      this.stats.bytes += copied;
      // chown first: it clears setuid/setgid bits and security.capability.
      await this.fs.lchown(temp, st.uid, st.gid);
      await this.fs.lutimes(temp, st.atimeMs, st.mtimeMs);
      const strip = inherits && !wanted?.has(ACL_ACCESS);
      if (this.o.xattrs && (wanted || strip)) {
        pending.push({ name: tempName, set: wanted, strip, finish, abandon });
        return;
      }
      await finish();
    } catch (err) {
      await abandon().catch(() => undefined);
      throw err;
    }
  }

  private async removeExisting(dst: string, existing: ExactStat): Promise<void> {
    if (existing.type === 'directory') await removeTree(this.fs, dst);
    else await this.fs.rm(dst, { force: true });
  }
}
