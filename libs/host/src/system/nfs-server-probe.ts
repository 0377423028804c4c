import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Fact } from '../probe/host-probe';

/**
 * Whether the kernel NFS server can run here. The empty directory /proc/fs/nfsd proves nothing:
 * procfs creates it as a mount point on every kernel, with or without nfsd. The server needs the
 * `nfsd` file system type, which the kernel registers (and lists in /proc/filesystems) once the
 * module is loaded; once rpc.nfsd has mounted it, /proc/fs/nfsd also holds files such as `versions`.
 */
export async function probeNfsServer(options: { root?: string } = {}): Promise<Fact<boolean>> {
  const root = options.root ?? '/';
  const p = (f: string) => path.join(root, f);
  try {
    await fsp.access(p('/proc/fs/nfsd/versions'));
    return { value: true, reason: 'the nfsd file system is mounted at /proc/fs/nfsd' };
  } catch {
    /* not mounted; look for the file system type */
  }
  let filesystems: string | null = null;
  try {
    filesystems = await fsp.readFile(p('/proc/filesystems'), 'utf8');
  } catch {
    filesystems = null;
  }
  if (filesystems !== null && filesystems.split('\n').some((l) => l.split(/\s+/).pop() === 'nfsd')) {
    return { value: true, reason: 'the kernel has the nfsd file system (listed in /proc/filesystems)' };
  }
  return {
    value: false,
    reason:
      filesystems === null
        ? 'cannot read /proc/filesystems, so the kernel NFS server cannot be confirmed'
        : 'the kernel has no NFS server: `nfsd` is not listed in /proc/filesystems (the nfsd module is not loaded on the host, or the kernel was built without it)',
  };
}
