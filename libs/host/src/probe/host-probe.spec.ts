import path from 'node:path';
import { PROBED_BINARIES, probeHost } from './host-probe';
import { nfsServerFix } from './nfs-server-fix';

const tree = (name: string) => path.join(__dirname, '__fixtures__', name);

describe('probeHost', () => {
  it('recognises an unprivileged Proxmox LXC with systemd', async () => {
    const caps = await probeHost({ root: tree('lxc-unprivileged') });
    expect(caps.root).toEqual({ value: true, reason: 'running as root (effective uid 0)' });
    expect(caps.systemdPid1.value).toBe(true);
    expect(caps.container.type).toEqual({ value: 'lxc', reason: 'PID 1 environment has container=lxc' });
    expect(caps.container.unprivileged.value).toBe(true);
    expect(caps.container.unprivileged.reason).toContain('uid 0 here is uid 100000 on the host');
    expect(caps.container.unprivileged.fix).toContain('--unprivileged 0');
    expect(caps.kernelNfsd.value).toBe(false);
    expect(caps.kernelNfsd.fix).toContain('modprobe nfsd');
    // The services' status shows this fix: the same text as the capabilities and `moxnas doctor`.
    expect(caps.kernelNfsd.fix).toBe(nfsServerFix({ type: 'lxc', unprivileged: true }));
    expect(caps.zfsDevice.value).toBe(false);
    expect(caps.zfsDevice.fix).toContain('/etc/pve/lxc/<vmid>.conf');
  });

  it('finds binaries on the search path by their execute bit and names the package for missing ones', async () => {
    const caps = await probeHost({ root: tree('lxc-unprivileged') });
    expect(caps.binaries.smbd).toEqual({ value: true, reason: 'found at /usr/sbin/smbd' });
    expect(caps.binaries.testparm).toEqual({ value: true, reason: 'found at /usr/bin/testparm' });
    // Present but not executable counts as missing.
    expect(caps.binaries.vsftpd.value).toBe(false);
    expect(caps.binaries.zfs).toMatchObject({ value: false, fix: 'apt-get install zfsutils-linux' });
    expect(Object.keys(caps.binaries).sort()).toEqual(Object.keys(PROBED_BINARIES).sort());
  });

  it('recognises a privileged docker container without systemd, with nfsd and /dev/zfs', async () => {
    const caps = await probeHost({ root: tree('docker-privileged') });
    expect(caps.root.value).toBe(false);
    expect(caps.root.reason).toContain('uid 1000');
    expect(caps.systemdPid1).toEqual({ value: false, reason: 'PID 1 is node, not systemd: MoxNAS supervises the daemons itself' });
    expect(caps.container.type).toEqual({ value: 'docker', reason: '/.dockerenv exists' });
    expect(caps.container.unprivileged.value).toBe(false);
    expect(caps.kernelNfsd).toEqual({ value: true, reason: 'the nfsd file system is mounted at /proc/fs/nfsd: the kernel NFS server is available' });
    expect(caps.zfsDevice.value).toBe(true);
    expect(caps.binaries.exportfs.value).toBe(true);
  });

  it('falls back to cgroup paths and /proc/filesystems', async () => {
    const caps = await probeHost({ root: tree('cgroup-docker') });
    expect(caps.container.type).toEqual({ value: 'docker', reason: 'PID 1 cgroup path names docker' });
    expect(caps.kernelNfsd.value).toBe(true);
    expect(caps.kernelNfsd.reason).toContain('/proc/filesystems');
  });

  it('reports unreadable sources as reasons instead of throwing', async () => {
    const caps = await probeHost({ root: tree('empty') });
    expect(caps.root).toEqual({ value: false, reason: 'cannot read /proc/self/status (ENOENT)' });
    expect(caps.systemdPid1.value).toBe(false);
    expect(caps.container.type.value).toBe('none');
    expect(caps.container.unprivileged.value).toBe(false);
    expect(Object.values(caps.binaries).every((b) => !b.value)).toBe(true);
  });

  it('honours a custom search path', async () => {
    const caps = await probeHost({ root: tree('lxc-unprivileged'), searchPath: ['/usr/bin'] });
    expect(caps.binaries.smbd.value).toBe(false);
    expect(caps.binaries.smbd.reason).toBe('smbd is not installed (searched /usr/bin)');
    expect(caps.binaries.testparm.value).toBe(true);
  });
});

describe('kernel nfsd detection', () => {
  it('does not take an empty /proc/fs/nfsd directory (present on kernels without the server) as nfsd', async () => {
    const fs = await import('node:fs/promises');
    const os = await import('node:os');
    const path = await import('node:path');
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'probe-nfsd-'));
    await fs.mkdir(path.join(root, 'proc/fs/nfsd'), { recursive: true });
    await fs.writeFile(path.join(root, 'proc/filesystems'), 'nodev\tproc\n\text4\n');
    const caps = await probeHost({ root, searchPath: [] });
    await fs.rm(root, { recursive: true, force: true });
    expect(caps.kernelNfsd.value).toBe(false);
  });
});
