import path from 'node:path';
import type { CommandRunner } from '../command/command-runner';
import { ensurePlainDir, META_DIR, SNAPDIR } from './copy-snapshot.driver';
import { GMT_FORMAT, parseSnapshotName } from './snapshot-names';
import {
  IDENTITY_MODES,
  SnapshotError,
  type ModeMap,
  type SnapshotCreateOptions,
  type SnapshotDriver,
  type SnapshotInfo,
  type SnapshotRecordMeta,
  type SnapshotTarget,
} from './snapshot-driver';
import type { StorageFs } from './storage-fs';

/**
 * Read-only btrfs subvolume snapshots in `<dataset>/.snapshots/@GMT-…`: instant and copy-on-write.
 * The dataset must be a subvolume (MoxNAS creates datasets on btrfs pools as subvolumes), and so is
 * `.snapshots`. A snapshot does not descend into nested subvolumes, so `.snapshots` shows up as an
 * empty directory inside each one.
 */
export class BtrfsSnapshotDriver implements SnapshotDriver {
  readonly kind = 'btrfs' as const;
  readonly shadow = { snapdir: SNAPDIR, format: GMT_FORMAT };

  constructor(
    private readonly fs: StorageFs,
    private readonly runner: CommandRunner,
  ) {}

  treePath(target: SnapshotTarget, name: string): string {
    return path.join(target.path, SNAPDIR, name);
  }

  private metaPath(target: SnapshotTarget, name: string): string {
    return path.join(target.path, SNAPDIR, META_DIR, `${name}.json`);
  }

  /**
   * `.snapshots` is a subvolume of its own, so neither it nor the records in it count against the
   * dataset's qgroup: a dataset at its quota can still be snapshotted (a plain directory there
   * would need space the quota no longer grants). One that is already a plain directory is used as it is.
   */
  private async ensureSnapdir(target: SnapshotTarget): Promise<void> {
    const dir = path.join(target.path, SNAPDIR);
    const st = await this.fs.lstat(dir);
    if (st) {
      if (st.type !== 'directory') throw new SnapshotError('failed', `${dir} exists and is not a directory`);
      return;
    }
    await this.runner.run('btrfs', ['subvolume', 'create', dir], { timeoutMs: 60_000 });
    await this.fs.chmod(dir, 0o755);
  }

  async create(target: SnapshotTarget, options: SnapshotCreateOptions): Promise<null> {
    if (!parseSnapshotName(options.name) || !options.name.startsWith('@')) throw new SnapshotError('failed', `${options.name} is not a snapshot name`);
    await this.ensureSnapdir(target);
    await ensurePlainDir(this.fs, path.join(target.path, SNAPDIR, META_DIR), 0o700);
    const tree = this.treePath(target, options.name);
    if (await this.fs.lstat(tree)) throw new SnapshotError('exists', `snapshot ${options.name} already exists`);
    await this.fs.writeFileAtomic(this.metaPath(target, options.name), `${JSON.stringify({ version: 1, name: options.name, driver: 'btrfs', taskId: options.meta?.taskId ?? null })}\n`, { mode: 0o600 });
    try {
      await this.runner.run('btrfs', ['subvolume', 'snapshot', '-r', target.path, tree], { timeoutMs: 120_000 });
    } catch (err) {
      await this.fs.rm(this.metaPath(target, options.name), { force: true });
      throw err;
    }
    return null;
  }

  async delete(target: SnapshotTarget, name: string): Promise<void> {
    if (!parseSnapshotName(name)) throw new SnapshotError('missing', `${name} is not a snapshot name`);
    const tree = this.treePath(target, name);
    if (await this.fs.lstat(tree)) await this.runner.run('btrfs', ['subvolume', 'delete', tree], { timeoutMs: 120_000 });
    await this.fs.rm(this.metaPath(target, name), { force: true });
  }

  async list(target: SnapshotTarget): Promise<SnapshotInfo[]> {
    const dir = path.join(target.path, SNAPDIR);
    if ((await this.fs.lstat(dir))?.type !== 'directory') return [];
    const out: SnapshotInfo[] = [];
    for (const entry of await this.fs.readdir(dir)) {
      const takenAt = parseSnapshotName(entry.name);
      if (!takenAt || entry.type !== 'directory' || !entry.name.startsWith('@')) continue;
      let meta: SnapshotRecordMeta | null = null;
      try {
        const text = await this.fs.readFile(this.metaPath(target, entry.name));
        const parsed = text ? (JSON.parse(text) as { taskId?: unknown }) : null;
        if (parsed) meta = { taskId: typeof parsed.taskId === 'string' ? parsed.taskId : null, stats: null };
      } catch {
        meta = null;
      }
      out.push({ name: entry.name, takenAt, meta });
    }
    return out.sort((a, b) => a.takenAt.getTime() - b.takenAt.getTime());
  }

  async originalModes(): Promise<ModeMap> {
    return IDENTITY_MODES;
  }

  /** Native snapshots keep every attribute. */
  async keptMetadata(): Promise<null> {
    return null;
  }

  async cleanup(): Promise<string[]> {
    // `btrfs subvolume snapshot` is atomic: nothing half-made to clean up.
    return [];
  }
}
