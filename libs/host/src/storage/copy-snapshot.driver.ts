import path from 'node:path';
import type { CommandRunner } from '../command/command-runner';
import { errnoCode } from '../fs/errno';
import { CONCURRENCY, LinkTreeWalk } from './link-tree-walk';
import { Limiter } from './limiter';
import { GMT_FORMAT, parseSnapshotName } from './snapshot-names';
import {
  SnapshotError,
  type ModeMap,
  type SnapshotCreateOptions,
  type SnapshotDriver,
  type SnapshotInfo,
  type SnapshotRecordMeta,
  type SnapshotStats,
  type SnapshotTarget,
} from './snapshot-driver';
import type { StorageFs } from './storage-fs';
import { CommandXattrTool, type MetadataPlan } from './xattrs';

/** The snapshot directory inside every copy/btrfs dataset; shadow_copy2's `shadow:snapdir`. */
export const SNAPDIR = '.snapshots';
/**
 * Bookkeeping beside the trees: `<name>.json` (origin, stats, which metadata was kept),
 * `<name>.modes` (original modes) and `<name>.xattrs` (digest of each file's ACLs and xattrs).
 */
export const META_DIR = '.moxnas';
const TEMP_PREFIX = '.moxnas-tmp-';

/** The original modes recorded for a snapshot (only entries that had write bits are listed). */
class ManifestModes implements ModeMap {
  constructor(private readonly modes: Map<string, number>) {}
  original(rel: string, onDisk: number): number {
    return this.modes.get(rel) ?? onDisk;
  }
}

/** `<name>.xattrs`: JSON lines [relative path, digest] for files that had ACLs or xattrs. */
async function readDigests(fs: StorageFs, file: string): Promise<Map<string, string>> {
  const digests = new Map<string, string>();
  for await (const line of fs.readLines(file)) {
    if (!line) continue;
    const [rel, digest] = JSON.parse(line) as [string, string];
    digests.set(rel, digest);
  }
  return digests;
}

export async function readModes(fs: StorageFs, file: string): Promise<Map<string, number>> {
  const modes = new Map<string, number>();
  for await (const line of fs.readLines(file)) {
    if (!line) continue;
    const [rel, mode] = JSON.parse(line) as [string, number];
    modes.set(rel, mode);
  }
  return modes;
}

/**
 * Snapshots of plain file systems as hard-link trees (the `rsync --link-dest` idea, done in-process
 * so progress, cancel and the mode manifest come from the same walk):
 * - the first snapshot copies every file; later ones hard-link a file to the previous snapshot when
 *   size, mtime, mode, owner and group are unchanged, and copy it otherwise, so unchanged files cost
 *   one directory entry;
 * - the tree is read-only (write bits removed from files, and from directories once populated), so
 *   the shared inodes are not changed through a snapshot; the original modes go to a manifest
 *   beside the tree, which restores use;
 * - owner, group and mtime are kept; symlinks stay symlinks; hard links inside the dataset stay
 *   hard links; sockets, fifos and devices are skipped;
 * - POSIX ACLs and user.* / security.* xattrs are kept where the pool supports them (read and
 *   written a directory batch per getfattr/setfattr process). They are part of the "unchanged"
 *   check (a digest per file in `<name>.xattrs`), because a file whose ACL alone changed must get
 *   an inode of its own: setting the new ACL on a linked inode would rewrite the older snapshot.
 *   Metadata is only ever set on inodes this snapshot created;
 * - the tree is built under a temporary name and renamed into place, so a snapshot either exists
 *   complete or not at all.
 * Not crash-consistent across files (nothing freezes the file system): a file written during the
 * walk is captured as it was when read.
 */
export class CopySnapshotDriver implements SnapshotDriver {
  readonly kind = 'copy' as const;
  readonly shadow = { snapdir: SNAPDIR, format: GMT_FORMAT };

  /** Without a runner, ACLs and xattrs are not kept (and the snapshot's metadata plan says so). */
  constructor(
    private readonly fs: StorageFs,
    private readonly runner: CommandRunner | null = null,
  ) {}

  treePath(target: SnapshotTarget, name: string): string {
    return path.join(target.path, SNAPDIR, name);
  }

  private metaPath(target: SnapshotTarget, name: string, ext: 'json' | 'modes' | 'xattrs'): string {
    return path.join(target.path, SNAPDIR, META_DIR, `${name}.${ext}`);
  }

  async list(target: SnapshotTarget): Promise<SnapshotInfo[]> {
    const dir = path.join(target.path, SNAPDIR);
    const st = await this.fs.lstat(dir);
    if (st?.type !== 'directory') return [];
    const limiter = new Limiter(CONCURRENCY);
    const found = (await this.fs.readdir(dir))
      .map((entry) => ({ entry, takenAt: parseSnapshotName(entry.name) }))
      .filter(({ entry, takenAt }) => takenAt && entry.type === 'directory' && entry.name.startsWith('@'));
    const out = await Promise.all(
      found.map(({ entry, takenAt }) => limiter.run(async (): Promise<SnapshotInfo> => ({ name: entry.name, takenAt: takenAt as Date, meta: await this.readMeta(target, entry.name) }))),
    );
    return out.sort((a, b) => a.takenAt.getTime() - b.takenAt.getTime());
  }

  private async readMeta(target: SnapshotTarget, name: string): Promise<SnapshotRecordMeta | null> {
    try {
      const text = await this.fs.readFile(this.metaPath(target, name, 'json'));
      if (!text) return null;
      const parsed = JSON.parse(text) as { taskId?: unknown; stats?: unknown };
      return {
        taskId: typeof parsed.taskId === 'string' ? parsed.taskId : null,
        stats: parsed.stats && typeof parsed.stats === 'object' ? (parsed.stats as SnapshotStats) : null,
      };
    } catch {
      return null;
    }
  }

  async originalModes(target: SnapshotTarget, name: string): Promise<ModeMap> {
    return new ManifestModes(await readModes(this.fs, this.metaPath(target, name, 'modes')));
  }

  /** From the snapshot's bookkeeping; snapshots from before ACLs/xattrs were kept list none. */
  async keptMetadata(target: SnapshotTarget, name: string): Promise<string[]> {
    return (await this.readMeta(target, name))?.stats?.metadata?.captured ?? [];
  }

  async cleanup(target: SnapshotTarget): Promise<string[]> {
    const dir = path.join(target.path, SNAPDIR);
    if ((await this.fs.lstat(dir))?.type !== 'directory') return [];
    const removed: string[] = [];
    for (const entry of await this.fs.readdir(dir)) {
      if (entry.name.startsWith(TEMP_PREFIX)) {
        await removeTree(this.fs, path.join(dir, entry.name));
        removed.push(entry.name);
      }
    }
    const metaDir = path.join(dir, META_DIR);
    if ((await this.fs.lstat(metaDir))?.type === 'directory') {
      const names = new Set((await this.fs.readdir(dir)).map((e) => e.name));
      for (const entry of await this.fs.readdir(metaDir)) {
        // Manifests whose tree never made it (or was deleted by hand), and half-written manifests.
        const base = entry.name.replace(/\.(json|modes|xattrs)$/, '');
        if (entry.name.includes('.moxnas-tmp-') || (base !== entry.name && !names.has(base))) {
          await this.fs.rm(path.join(metaDir, entry.name), { force: true });
          removed.push(`${META_DIR}/${entry.name}`);
        }
      }
    }
    return removed;
  }

  async delete(target: SnapshotTarget, name: string): Promise<void> {
    if (!parseSnapshotName(name)) throw new SnapshotError('missing', `${name} is not a snapshot name`);
    await removeTree(this.fs, this.treePath(target, name));
    await this.fs.rm(this.metaPath(target, name, 'modes'), { force: true });
    await this.fs.rm(this.metaPath(target, name, 'xattrs'), { force: true });
    await this.fs.rm(this.metaPath(target, name, 'json'), { force: true });
  }

  async create(target: SnapshotTarget, options: SnapshotCreateOptions): Promise<SnapshotStats> {
    const { fs } = this;
    if (!parseSnapshotName(options.name) || !options.name.startsWith('@')) {
      throw new SnapshotError('failed', `${options.name} is not a snapshot name`);
    }
    const root = await fs.lstat(target.path);
    if (root?.type !== 'directory') throw new SnapshotError('missing', `${target.path} is not a directory`);
    const snapdir = path.join(target.path, SNAPDIR);
    await ensurePlainDir(fs, snapdir, 0o755);
    await ensurePlainDir(fs, path.join(snapdir, META_DIR), 0o700);
    const final = this.treePath(target, options.name);
    if (await fs.lstat(final)) throw new SnapshotError('exists', `snapshot ${options.name} already exists`);
    const temp = path.join(snapdir, `${TEMP_PREFIX}${options.name}`);
    if (await fs.lstat(temp)) await removeTree(fs, temp);

    let previousRoot: string | null = null;
    let previousModes = new Map<string, number>();
    // A previous snapshot without a digest manifest kept no xattrs: its inodes have none.
    let previousDigests = new Map<string, string>();
    let expectedFiles: number | null = null;
    if (options.previous) {
      const prev = this.treePath(target, options.previous);
      if ((await fs.lstat(prev))?.type === 'directory') {
        previousRoot = prev;
        previousModes = await readModes(fs, this.metaPath(target, options.previous, 'modes'));
        previousDigests = await readDigests(fs, this.metaPath(target, options.previous, 'xattrs'));
        expectedFiles = (await this.readMeta(target, options.previous))?.stats?.files ?? null;
      }
    }

    const noRunner: MetadataPlan = { captured: [], notCaptured: [{ what: 'POSIX ACLs and extended attributes', reason: 'this driver was built without a command runner' }] };
    const { tool, plan } = this.runner ? await CommandXattrTool.forPool(this.runner, target.metadata) : { tool: null, plan: noRunner };
    const modes = await fs.createLineWriter(this.metaPath(target, options.name, 'modes'));
    const digests = tool ? await fs.createLineWriter(this.metaPath(target, options.name, 'xattrs')) : null;
    const walk = new LinkTreeWalk(fs, {
      source: target.path,
      dest: temp,
      previousRoot,
      previousModes,
      previousDigests,
      modes,
      digests,
      xattrs: tool,
      exclude: new Set([SNAPDIR, ...(target.exclude ?? [])]),
      signal: options.signal,
      onProgress: options.onProgress,
      expectedFiles,
      log: options.log,
    });
    try {
      const stats: SnapshotStats = { ...(await walk.run()), metadata: plan };
      await modes.commit();
      await digests?.commit();
      const meta: SnapshotRecordMeta & { version: number; name: string; driver: string } = {
        version: 1,
        name: options.name,
        driver: 'copy',
        taskId: options.meta?.taskId ?? null,
        stats,
      };
      await fs.writeFileAtomic(this.metaPath(target, options.name, 'json'), `${JSON.stringify(meta)}\n`, { mode: 0o600 });
      await fs.rename(temp, final);
      return stats;
    } catch (err) {
      await modes.abort().catch(() => undefined);
      await digests?.abort().catch(() => undefined);
      await removeTree(fs, temp).catch(() => undefined);
      await fs.rm(this.metaPath(target, options.name, 'json'), { force: true }).catch(() => undefined);
      await fs.rm(this.metaPath(target, options.name, 'modes'), { force: true }).catch(() => undefined);
      await fs.rm(this.metaPath(target, options.name, 'xattrs'), { force: true }).catch(() => undefined);
      if (options.signal?.aborted) throw new SnapshotError('cancelled', 'the snapshot was cancelled');
      throw err;
    }
  }
}

/** mkdir unless present; refuses a symlink or a file in the way (it could point out of the dataset). */
export async function ensurePlainDir(fs: StorageFs, dir: string, mode: number): Promise<void> {
  const st = await fs.lstat(dir);
  if (!st) {
    await fs.mkdirExclusive(dir, mode);
    return;
  }
  if (st.type !== 'directory') throw new SnapshotError('failed', `${dir} exists and is not a directory`);
}

/**
 * rm -rf of a snapshot tree. Root ignores the missing write bits; anyone else gets them back on
 * the directories first.
 */
export async function removeTree(fs: StorageFs, dir: string): Promise<void> {
  try {
    await fs.rm(dir, { recursive: true, force: true });
  } catch (err) {
    if (errnoCode(err) !== 'EACCES' && errnoCode(err) !== 'EPERM') throw err;
    await makeDirsWritable(fs, dir);
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function makeDirsWritable(fs: StorageFs, dir: string): Promise<void> {
  const st = await fs.lstat(dir);
  if (st?.type !== 'directory') return;
  await fs.chmod(dir, st.mode | 0o700);
  for (const entry of await fs.readdir(dir)) {
    if (entry.type === 'directory') await makeDirsWritable(fs, path.join(dir, entry.name));
  }
}
