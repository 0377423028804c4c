import path from 'node:path';
import { errnoCode } from '../fs/errno';
import { Limiter } from './limiter';
import { SnapshotError, type SnapshotCreateOptions, type SnapshotStats } from './snapshot-driver';
import { sameMtime, type ExactStat, type LineWriter, type StorageFs } from './storage-fs';
import { xattrDigest, type XattrSet, type XattrTool } from './xattrs';

/** How many files are copied or linked at once: enough to keep the thread pool busy. */
export const CONCURRENCY = 16;
/** Entries of one directory handled per batch, so a directory of a million files stays bounded. */
const BATCH = 512;
const WRITE_BITS = 0o222;
const PROGRESS_EVERY_MS = 500;

function join(root: string, rel: string): string {
  return rel ? path.join(root, rel) : root;
}

export interface WalkOptions {
  source: string;
  dest: string;
  previousRoot: string | null;
  previousModes: Map<string, number>;
  /** Digests of the previous snapshot's ACLs/xattrs per file (absent = none). */
  previousDigests: Map<string, string>;
  modes: LineWriter;
  digests: LineWriter | null;
  /** null: the pool keeps no ACLs/xattrs (or they cannot be read): none are captured. */
  xattrs: XattrTool | null;
  /** Relative paths not to descend into. */
  exclude: ReadonlySet<string>;
  signal?: AbortSignal;
  onProgress?: SnapshotCreateOptions['onProgress'];
  expectedFiles: number | null;
  log?: (message: string) => void;
}

/**
 * An entry of the current directory batch whose attributes are set in one setfattr call once the
 * batch is built; `finish` then makes it read-only (after the ACL: setting an ACL sets the mode).
 */
interface PendingMetadata {
  name: string;
  set: XattrSet;
  finish: () => Promise<void>;
}

const NO_XATTRS: ReadonlyMap<string, XattrSet> = new Map();

/** One snapshot build: walks the dataset and fills the temporary tree. */
export class LinkTreeWalk {
  private readonly limiter = new Limiter(CONCURRENCY);
  private readonly stats: SnapshotStats = { files: 0, directories: 0, symlinks: 0, bytes: 0, newBytes: 0, linkedFiles: 0, copiedFiles: 0, skipped: 0 };
  /** Files with several names in the dataset: first snapshot path per inode, to link the others to. */
  private readonly inodes = new Map<string, Promise<string>>();
  private lastProgress = 0;

  constructor(
    private readonly fs: StorageFs,
    private readonly o: WalkOptions,
  ) {}

  async run(): Promise<SnapshotStats> {
    const root = await this.fs.lstatExact(this.o.source);
    if (!root) throw new SnapshotError('missing', `${this.o.source} disappeared`);
    const x = this.o.xattrs;
    const rootSet = x ? (await x.read(path.dirname(this.o.source), [path.basename(this.o.source)])).get(path.basename(this.o.source)) : undefined;
    await this.fs.mkdirExclusive(this.o.dest, 0o700);
    // Nothing in the tree may inherit a default ACL from the dataset: every entry gets exactly its
    // own ACL, and directories get their default ACL only once they are populated.
    await x?.stripAcls(path.dirname(this.o.dest), [path.basename(this.o.dest)]);
    await this.dir('');
    await this.fs.lchown(this.o.dest, root.uid, root.gid);
    if (x && rootSet) await x.write(path.dirname(this.o.dest), [[path.basename(this.o.dest), rootSet]]);
    await this.dirDone('', this.o.dest, root);
    this.o.onProgress?.({ files: this.stats.files, bytes: this.stats.bytes, expectedFiles: this.o.expectedFiles });
    return this.stats;
  }

  private checkpoint(): void {
    if (this.o.signal?.aborted) throw new SnapshotError('cancelled', 'the snapshot was cancelled');
  }

  private progress(): void {
    const now = Date.now();
    if (!this.o.onProgress || now - this.lastProgress < PROGRESS_EVERY_MS) return;
    this.lastProgress = now;
    this.o.onProgress({ files: this.stats.files, bytes: this.stats.bytes, expectedFiles: this.o.expectedFiles });
  }

  private async record(rel: string, mode: number): Promise<void> {
    if (mode & WRITE_BITS) await this.o.modes.write(JSON.stringify([rel, mode]));
  }

  /** Fills directory `rel` (already created in dest); its own metadata is set by the caller. */
  private async dir(rel: string): Promise<void> {
    this.checkpoint();
    const src = join(this.o.source, rel);
    const dst = join(this.o.dest, rel);
    let names: string[];
    try {
      names = (await this.limiter.run(() => this.fs.readdir(src))).map((e) => e.name);
    } catch (err) {
      // A directory removed during the walk is simply not in the snapshot.
      if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') names = [];
      else throw err;
    }
    names = names.filter((name) => !this.o.exclude.has(rel ? `${rel}/${name}` : name)).sort();
    const x = this.o.xattrs;
    for (let i = 0; i < names.length; i += BATCH) {
      const batch = names.slice(i, i + BATCH);
      const sets = x ? await this.limiter.run(() => x.read(src, batch)) : NO_XATTRS;
      const pending: PendingMetadata[] = [];
      await Promise.all(batch.map((name) => this.entry(rel ? `${rel}/${name}` : name, sets.get(name), pending)));
      if (x && pending.length) {
        await this.limiter.run(() => x.write(dst, pending.map((p) => [p.name, p.set] as const)));
        await Promise.all(pending.map((p) => this.limiter.run(p.finish)));
      }
    }
  }

  /** Makes a populated directory read-only with the source's metadata (owner already set). */
  private async dirDone(rel: string, dst: string, st: ExactStat): Promise<void> {
    this.stats.directories++;
    await this.fs.chmod(dst, st.mode & ~WRITE_BITS);
    await this.fs.lutimes(dst, st.atimeMs, st.mtimeMs);
    await this.record(rel, st.mode);
  }

  private async entry(rel: string, set: XattrSet | undefined, pending: PendingMetadata[]): Promise<void> {
    this.checkpoint();
    const src = path.join(this.o.source, rel);
    const st = await this.limiter.run(() => this.fs.lstatExact(src));
    if (!st) return; // removed during the walk
    const dst = path.join(this.o.dest, rel);
    switch (st.type) {
      case 'directory':
        await this.fs.mkdirExclusive(dst, 0o700);
        await this.dir(rel);
        await this.fs.lchown(dst, st.uid, st.gid);
        if (set) pending.push({ name: path.basename(rel), set, finish: () => this.dirDone(rel, dst, st) });
        else await this.dirDone(rel, dst, st);
        return;
      case 'symlink':
        await this.limiter.run(async () => {
          await this.fs.symlink(await this.fs.readlink(src), dst);
          await this.fs.lchown(dst, st.uid, st.gid);
          await this.fs.lutimes(dst, st.atimeMs, st.mtimeMs);
        });
        this.stats.symlinks++;
        return;
      case 'file': {
        if (!(await this.file(rel, src, dst, st, set, pending))) return;
        this.stats.files++;
        this.stats.bytes += st.size;
        await this.record(rel, st.mode);
        const digest = xattrDigest(set);
        if (digest && this.o.digests) await this.o.digests.write(JSON.stringify([rel, digest]));
        this.progress();
        return;
      }
      default:
        this.stats.skipped++;
        if (this.stats.skipped <= 20) this.o.log?.(`skipped ${rel}: sockets, fifos and devices are not kept in snapshots`);
    }
  }

  /** False when the file vanished before it could be read. */
  private async file(rel: string, src: string, dst: string, st: ExactStat, set: XattrSet | undefined, pending: PendingMetadata[]): Promise<boolean> {
    if (st.nlink > 1) {
      const key = `${st.dev}:${st.ino}`;
      const first = this.inodes.get(key);
      if (first) {
        // Awaited outside the limiter: the first name may still be waiting for a slot.
        const firstPath = await first.catch(() => null);
        if (firstPath === null) return this.fileData(rel, src, dst, st, set, pending);
        // The inode's metadata was set (or is being set) through its first name.
        await this.limiter.run(() => this.fs.link(firstPath, dst));
        this.stats.linkedFiles++;
        return true;
      }
      let done!: (p: string) => void;
      let failed!: (e: unknown) => void;
      const promise = new Promise<string>((resolve, reject) => ((done = resolve), (failed = reject)));
      // The walk fails anyway when the first copy fails; nobody else may be waiting.
      promise.catch(() => undefined);
      this.inodes.set(key, promise);
      try {
        const kept = await this.fileData(rel, src, dst, st, set, pending);
        if (kept) done(dst);
        else failed(new SnapshotError('missing', `${rel} vanished during the snapshot`));
        return kept;
      } catch (err) {
        failed(err);
        throw err;
      }
    }
    return this.fileData(rel, src, dst, st, set, pending);
  }

  private fileData(rel: string, src: string, dst: string, st: ExactStat, set: XattrSet | undefined, pending: PendingMetadata[]): Promise<boolean> {
    return this.limiter.run(async () => {
      if (this.o.previousRoot && (await this.linkPrevious(rel, dst, st, set))) {
        this.stats.linkedFiles++;
        return true;
      }
      try {
        // Not `+= await`: that reads the total before the await and loses concurrent additions.
        const copied = await this.fs.copyFileData(src, dst, this.o.signal);
        this.stats.newBytes += copied;
      } catch (err) {
        if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ELOOP') {
          // Removed (or replaced by a symlink) between lstat and open: leave it out.
          await this.fs.rm(dst, { force: true });
          return false;
        }
        throw err;
      }
      // chown before chmod: chown clears setuid/setgid bits (and security.capability, hence
      // before the attributes).
      await this.fs.lchown(dst, st.uid, st.gid);
      const finish = async () => {
        await this.fs.chmod(dst, st.mode & ~WRITE_BITS);
        await this.fs.lutimes(dst, st.atimeMs, st.mtimeMs);
      };
      // A fresh inode: the only kind whose attributes this snapshot may set.
      if (set) pending.push({ name: path.basename(rel), set, finish });
      else await finish();
      this.stats.copiedFiles++;
      return true;
    });
  }

  /**
   * Links to the previous snapshot's copy when the file is unchanged (content facts, mode, owner
   * and the ACL/xattr digest); false when it must be copied.
   */
  private async linkPrevious(rel: string, dst: string, st: ExactStat, set: XattrSet | undefined): Promise<boolean> {
    // An ACL or xattr change leaves size, mtime, mode and owner as they were.
    if (this.o.previousDigests.get(rel) !== (this.o.xattrs ? xattrDigest(set) : undefined)) return false;
    const prevPath = path.join(this.o.previousRoot as string, rel);
    const prev = await this.fs.lstatExact(prevPath);
    if (!prev || prev.type !== 'file') return false;
    const unchanged =
      prev.size === st.size &&
      sameMtime(prev, st) &&
      prev.uid === st.uid &&
      prev.gid === st.gid &&
      (this.o.previousModes.get(rel) ?? prev.mode) === st.mode;
    if (!unchanged) return false;
    try {
      await this.fs.link(prevPath, dst);
      return true;
    } catch (err) {
      // Too many links to one inode (ext4 allows 65000): start a fresh copy.
      if (errnoCode(err) === 'EMLINK') return false;
      throw err;
    }
  }
}
