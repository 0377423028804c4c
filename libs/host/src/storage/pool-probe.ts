import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { CommandError, type CommandRunner } from '../command/command-runner';
import type { MountInfoEntry } from '../parsers/mountinfo.parser';
import { detectHardQuota, type HardQuotaKind } from './quota';
import type { ProbedCapability } from './capability';
import type { StorageFs } from './storage-fs';


export interface PoolCapabilities {
  posixAcl: ProbedCapability;
  userXattr: ProbedCapability;
  securityXattr: ProbedCapability;
  hardLinks: ProbedCapability;
  reflink: ProbedCapability;
  zfsSnapshots: ProbedCapability;
  btrfsSnapshots: ProbedCapability;
  hardQuota: ProbedCapability & { kind: HardQuotaKind | null };
}

export interface ProbeContext {
  fs: StorageFs;
  runner: CommandRunner;
  /** Real path of the pool directory. */
  path: string;
  mount: MountInfoEntry;
  /** Effective uid 0. */
  root: boolean;
}

const cap = (available: boolean, reason: string, fix: string | null = null, probed = true): ProbedCapability => ({ available, probed, reason, fix });

function failure(err: unknown): string {
  if (err instanceof CommandError) return (err.result?.stderr || err.message).trim().split('\n').pop() ?? err.message;
  return (err as Error).message;
}

const PROBE_PREFIX = '.moxnas-probe-';

/**
 * True for the only names the capability probe ever creates in a pool root: its scratch file
 * `.moxnas-probe-<12 hex>` and that file's atomic-write temp `..moxnas-probe-<12 hex>.moxnas-tmp-<pid>-<12 hex>`.
 * Both live for milliseconds; a test that compares a pool's tree before and after may leave out
 * exactly these names and nothing else.
 */
export function isProbeScratchName(name: string): boolean {
  return /^\.moxnas-probe-[0-9a-f]{12}$/.test(name) || /^\.\.moxnas-probe-[0-9a-f]{12}\.moxnas-tmp-\d+-[0-9a-f]{12}$/.test(name);
}

/** A scratch file in the pool, removed afterwards whatever happens. */
async function withProbeFile<T>(fs: StorageFs, dir: string, fn: (file: string) => Promise<T>): Promise<T> {
  const file = path.join(dir, `${PROBE_PREFIX}${randomBytes(6).toString('hex')}`);
  await fs.writeFileAtomic(file, 'moxnas capability probe\n', { mode: 0o600 });
  try {
    return await fn(file);
  } finally {
    await fs.rm(file, { force: true });
  }
}

/** Writable = a file can be created and removed in the pool directory. */
export async function probeWritable(fs: StorageFs, dir: string): Promise<{ ok: boolean; reason: string | null }> {
  try {
    await withProbeFile(fs, dir, async () => undefined);
    return { ok: true, reason: null };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EROFS' ? 'the file system is read-only' : code === 'ENOSPC' ? 'the file system is full' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (err as Error).message;
    return { ok: false, reason: `cannot create a file in ${dir}: ${why}` };
  }
}

async function probeAcl(ctx: ProbeContext, file: string): Promise<ProbedCapability> {
  if (!(await ctx.runner.has('setfacl'))) {
    return cap(false, 'setfacl is not installed, so POSIX ACLs cannot be set', 'apt-get install acl', false);
  }
  try {
    await ctx.runner.run('setfacl', ['-m', 'u:65534:r', '--', file], { timeoutMs: 10_000 });
    return cap(true, `POSIX ACLs work on this ${ctx.mount.fsType} file system`);
  } catch (err) {
    const msg = failure(err);
    const fix = ctx.mount.fsType === 'ext4' || ctx.mount.fsType === 'xfs' ? 'mount the file system with the acl option' : null;
    return cap(false, `setfacl failed on this ${ctx.mount.fsType} file system: ${msg}`, fix);
  }
}

/** File systems whose user.* xattrs work out of the box; used only when setfattr cannot probe. */
const XATTR_FILESYSTEMS = new Set(['ext4', 'ext3', 'xfs', 'btrfs', 'zfs', 'f2fs']);

async function probeXattr(ctx: ProbeContext, file: string, namespace: 'user' | 'security'): Promise<ProbedCapability> {
  if (!(await ctx.runner.has('setfattr'))) {
    const likely = namespace === 'user' ? XATTR_FILESYSTEMS.has(ctx.mount.fsType) && !ctx.mount.superOptions.includes('noxattr') : ctx.root && XATTR_FILESYSTEMS.has(ctx.mount.fsType);
    return cap(likely, `not probed (setfattr is not installed); ${likely ? 'expected to work' : 'not expected to work'} on ${ctx.mount.fsType}`, 'apt-get install attr', false);
  }
  try {
    await ctx.runner.run('setfattr', ['-n', `${namespace}.moxnas-probe`, '-v', '1', '--', file], { timeoutMs: 10_000 });
    return cap(true, `${namespace}.* extended attributes work`);
  } catch (err) {
    const fix = namespace === 'security' ? 'security.* attributes need CAP_SYS_ADMIN, which unprivileged containers lack' : null;
    return cap(false, `${namespace}.* extended attributes failed: ${failure(err)}`, fix);
  }
}

async function probeHardLinks(ctx: ProbeContext, file: string): Promise<ProbedCapability> {
  const linkPath = `${file}-link`;
  try {
    await ctx.fs.link(file, linkPath);
    return cap(true, 'hard links work (copy snapshots share unchanged files)');
  } catch (err) {
    return cap(false, `hard links failed: ${(err as Error).message}; copy snapshots would store every file again`);
  } finally {
    await ctx.fs.rm(linkPath, { force: true });
  }
}

async function probeReflink(ctx: ProbeContext, file: string): Promise<ProbedCapability> {
  if (!(await ctx.runner.has('cp'))) return cap(false, 'not probed: cp is not available', null, false);
  const clone = `${file}-clone`;
  try {
    await ctx.runner.run('cp', ['--reflink=always', '--', file, clone], { timeoutMs: 10_000 });
    return cap(true, 'reflinks (copy-on-write file clones) work');
  } catch (err) {
    return cap(false, `reflinks are not supported: ${failure(err)}`);
  } finally {
    await ctx.fs.rm(clone, { force: true });
  }
}

async function probeZfs(ctx: ProbeContext): Promise<ProbedCapability> {
  if (ctx.mount.fsType !== 'zfs') return cap(false, `the pool is ${ctx.mount.fsType}, not ZFS`);
  if (!(await ctx.fs.exists('/dev/zfs'))) {
    return cap(false, 'ZFS is mounted but /dev/zfs is not available in this container, so snapshots cannot be made from here', 'on the Proxmox host, snapshot the dataset there, or pass /dev/zfs into the container (lxc.cgroup2.devices.allow + bind mount), which exposes every pool of the host');
  }
  if (!(await ctx.runner.has('zfs'))) return cap(false, 'the zfs command is not installed', 'apt-get install zfsutils-linux');
  return cap(true, 'native ZFS snapshots (datasets created as ZFS file systems)');
}

async function probeBtrfs(ctx: ProbeContext): Promise<ProbedCapability> {
  if (ctx.mount.fsType !== 'btrfs') return cap(false, `the pool is ${ctx.mount.fsType}, not btrfs`);
  if (!(await ctx.runner.has('btrfs'))) return cap(false, 'the btrfs command is not installed', 'apt-get install btrfs-progs');
  if (!ctx.root) return cap(false, 'btrfs subvolumes need root');
  return cap(true, 'read-only subvolume snapshots (datasets created as subvolumes)');
}

/** Probes what the pool's file system can do, with scratch files that are removed again. */
export async function probePoolCapabilities(ctx: ProbeContext): Promise<PoolCapabilities> {
  const [zfsSnapshots, btrfsSnapshots, quota] = await Promise.all([probeZfs(ctx), probeBtrfs(ctx), detectHardQuota(ctx.runner, ctx.fs, { path: ctx.path, mount: ctx.mount })]);
  const hardQuota = { ...cap(quota.kind !== null, quota.reason, quota.fix), kind: quota.kind };
  const writable = await probeWritable(ctx.fs, ctx.path);
  if (!writable.ok) {
    const no = () => cap(false, `not probed: ${writable.reason}`, null, false);
    return { posixAcl: no(), userXattr: no(), securityXattr: no(), hardLinks: no(), reflink: no(), zfsSnapshots, btrfsSnapshots, hardQuota };
  }
  return withProbeFile(ctx.fs, ctx.path, async (file) => {
    const posixAcl = await probeAcl(ctx, file);
    const userXattr = await probeXattr(ctx, file, 'user');
    const securityXattr = await probeXattr(ctx, file, 'security');
    const hardLinks = await probeHardLinks(ctx, file);
    const reflink = await probeReflink(ctx, file);
    return { posixAcl, userXattr, securityXattr, hardLinks, reflink, zfsSnapshots, btrfsSnapshots, hardQuota };
  });
}
