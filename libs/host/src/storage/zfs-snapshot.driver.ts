import path from 'node:path';
import type { CommandRunner } from '../command/command-runner';
import { parseSnapshotName, ZFS_GMT_FORMAT } from './snapshot-names';
import { ZFS_NAME } from './zfs-name';
import {
  IDENTITY_MODES,
  SnapshotError,
  type ModeMap,
  type SnapshotCreateOptions,
  type SnapshotDriver,
  type SnapshotInfo,
  type SnapshotTarget,
} from './snapshot-driver';

/** ZFS user property that remembers which snapshot task took a snapshot. */
export const ZFS_TASK_PROPERTY = 'moxnas:task';

/**
 * Native ZFS snapshots (`zfs snapshot fs@GMT-…`), visible read-only under `<dataset>/.zfs/snapshot`.
 * ZFS reserves `@`, so names are `GMT-…` and the share's `shadow:format` drops the `@` too.
 */
export class ZfsSnapshotDriver implements SnapshotDriver {
  readonly kind = 'zfs' as const;
  readonly shadow = { snapdir: '.zfs/snapshot', format: ZFS_GMT_FORMAT };

  constructor(private readonly runner: CommandRunner) {}

  private fsName(target: SnapshotTarget): string {
    if (!target.zfsName || !ZFS_NAME.test(target.zfsName)) throw new SnapshotError('unsupported', `${target.path} is not a ZFS file system`);
    return target.zfsName;
  }

  treePath(target: SnapshotTarget, name: string): string {
    return path.join(target.path, '.zfs', 'snapshot', name);
  }

  async create(target: SnapshotTarget, options: SnapshotCreateOptions): Promise<null> {
    if (!parseSnapshotName(options.name) || options.name.startsWith('@')) throw new SnapshotError('failed', `${options.name} is not a ZFS snapshot name`);
    const fs = this.fsName(target);
    const taskId = options.meta?.taskId ?? '-';
    try {
      await this.runner.run('zfs', ['snapshot', '-o', `${ZFS_TASK_PROPERTY}=${taskId}`, `${fs}@${options.name}`], { timeoutMs: 120_000 });
    } catch (err) {
      if (/dataset already exists/.test((err as Error).message)) throw new SnapshotError('exists', `snapshot ${options.name} already exists`);
      throw err;
    }
    return null;
  }

  async delete(target: SnapshotTarget, name: string): Promise<void> {
    if (!parseSnapshotName(name)) throw new SnapshotError('missing', `${name} is not a snapshot name`);
    await this.runner.run('zfs', ['destroy', `${this.fsName(target)}@${name}`], { timeoutMs: 120_000, okCodes: [0] });
  }

  async list(target: SnapshotTarget): Promise<SnapshotInfo[]> {
    const fs = this.fsName(target);
    const result = await this.runner.run('zfs', ['list', '-H', '-p', '-t', 'snapshot', '-d', '1', '-o', `name,${ZFS_TASK_PROPERTY}`, fs], { timeoutMs: 60_000 });
    const out: SnapshotInfo[] = [];
    for (const line of result.stdout.split('\n')) {
      const [full, task] = line.split('\t');
      if (!full?.startsWith(`${fs}@`)) continue;
      const name = full.slice(fs.length + 1);
      const takenAt = parseSnapshotName(name);
      if (!takenAt || name.startsWith('@')) continue;
      out.push({ name, takenAt, meta: { taskId: task && task !== '-' ? task : null, stats: null } });
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
    return [];
  }
}
