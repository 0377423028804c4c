import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { binaryPath, exec, tempDir, type ExecResult, type HostRequirements } from '../../host/support/host-test-env';

/** What a test that makes its own btrfs file system on a loop device needs of the host. */
export const BTRFS_LOOP_NEEDS: HostRequirements = {
  root: true,
  binaries: ['mkfs.btrfs', 'btrfs', 'losetup', 'mount', 'umount'],
  other: { 'loop devices (/dev/loop-control)': existsSync('/dev/loop-control') },
};

export interface BtrfsLoop {
  /** Temp directory holding the image and the mount point (mode 0755, so smbd's guest can walk it). */
  root: string;
  mountPoint: string;
  /** Runs the btrfs command (tests only: the product goes through libs/host). */
  btrfs(...args: string[]): Promise<ExecResult>;
  /** Unmounts (the loop device is released with it) and removes the temp directory. */
  remove(): Promise<void>;
}

async function run(name: string, args: readonly string[]): Promise<ExecResult> {
  const file = binaryPath(name);
  if (!file) throw new Error(`${name} is not installed`);
  return exec(file, args, 120_000);
}

async function must(name: string, args: readonly string[]): Promise<ExecResult> {
  const result = await run(name, args);
  if (result.code !== 0) throw new Error(`${name} ${args.join(' ')} failed (${result.code}): ${result.stderr.trim()}`);
  return result;
}

/**
 * A fresh btrfs file system in a sparse image file, loop-mounted in a temp directory. `remove()`
 * undoes all of it; call it from afterAll, which jest runs even when a test or beforeAll failed.
 */
export async function makeBtrfsLoop(prefix: string, sizeBytes = 320 * 1024 * 1024): Promise<BtrfsLoop> {
  const root = await fs.realpath(await tempDir(prefix));
  await fs.chmod(root, 0o755);
  const image = path.join(root, 'btrfs.img');
  const mountPoint = path.join(root, 'mnt');
  let mounted = false;
  const remove = async () => {
    if (mounted) {
      // `mount -o loop` sets autoclear: the loop device goes with the last unmount.
      const plain = await run('umount', [mountPoint]);
      if (plain.code !== 0) await must('umount', ['-l', mountPoint]);
      mounted = false;
    }
    await fs.rm(root, { recursive: true, force: true });
  };
  try {
    await (await fs.open(image, 'w')).close();
    await fs.truncate(image, sizeBytes);
    await must('mkfs.btrfs', ['-q', image]);
    await fs.mkdir(mountPoint, { mode: 0o755 });
    await must('mount', ['-o', 'loop', image, mountPoint]);
    mounted = true;
    await fs.chmod(mountPoint, 0o755);
  } catch (err) {
    await remove();
    throw err;
  }
  return { root, mountPoint, btrfs: (...args) => must('btrfs', args), remove };
}

/** Paths of the subvolumes of the file system, relative to its top level (`btrfs subvolume list`). */
export async function subvolumes(loop: BtrfsLoop): Promise<string[]> {
  const out = await loop.btrfs('subvolume', 'list', loop.mountPoint);
  return out.stdout
    .split('\n')
    .map((line) => /\spath (.+)$/.exec(line)?.[1])
    .filter((p): p is string => !!p)
    .sort();
}

/** The qgroup limit on referenced bytes of the subvolume at `rel` (null = none, undefined = no qgroup). */
export async function referencedLimit(loop: BtrfsLoop, rel: string): Promise<number | null | undefined> {
  const out = await loop.btrfs('qgroup', 'show', '-re', '--raw', loop.mountPoint);
  for (const line of out.stdout.split('\n')) {
    const cols = line.trim().split(/\s+/);
    // qgroupid referenced exclusive max_rfer max_excl path
    if (cols.length >= 6 && cols[5] === rel) return cols[3] === 'none' ? null : Number(cols[3]);
  }
  return undefined;
}
