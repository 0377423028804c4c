import { constants, promises as fsp } from 'node:fs';
import path from 'node:path';
import { SEARCH_PATH } from '../command/command-runner';
import type { ContainerType } from './container-type';
import { nfsServerFix } from './nfs-server-fix';

/** A detected fact with the reason the UI shows, and the host-side fix when it is missing. */
export interface Fact<T> {
  value: T;
  reason: string;
  /** What the admin can do about it (a package to install, a `pct set` line), when anything. */
  fix?: string;
}

export type { ContainerType } from './container-type';

/** Binaries whose presence decides which features can work, and the Debian package that ships each. */
export const PROBED_BINARIES = {
  smbd: 'samba',
  nmbd: 'samba',
  smbstatus: 'samba',
  testparm: 'samba-common-bin',
  smbcontrol: 'samba-common-bin',
  smbpasswd: 'samba-common-bin',
  pdbedit: 'samba-common-bin',
  smbclient: 'smbclient',
  vsftpd: 'vsftpd',
  exportfs: 'nfs-kernel-server',
  'rpc.mountd': 'nfs-kernel-server',
  unshare: 'util-linux',
  zfs: 'zfsutils-linux',
  btrfs: 'btrfs-progs',
  rsync: 'rsync',
  setfacl: 'acl',
  getfacl: 'acl',
  useradd: 'passwd',
  usermod: 'passwd',
  chpasswd: 'passwd',
  systemctl: 'systemd',
  nginx: 'nginx',
  openssl: 'openssl',
} as const satisfies Record<string, string>;

export type ProbedBinary = keyof typeof PROBED_BINARIES;

export interface HostCapabilities {
  /** Effective uid 0: needed for accounts, share paths and daemons. */
  root: Fact<boolean>;
  /** systemd is PID 1: decides the service driver (systemd, else the app's own process driver). */
  systemdPid1: Fact<boolean>;
  binaries: Record<ProbedBinary, Fact<boolean>>;
  /** The kernel NFS server can run here (NFS shares can be served). */
  kernelNfsd: Fact<boolean>;
  container: { type: Fact<ContainerType>; unprivileged: Fact<boolean> };
  /** /dev/zfs is present, so the zfs CLI can talk to the kernel module. */
  zfsDevice: Fact<boolean>;
}

export interface ProbeOptions {
  /** Root prefix every path is read under; `/` for the real host, a fixture tree in unit tests. */
  root?: string;
  searchPath?: readonly string[];
}

type ReadResult = { ok: true; text: string } | { ok: false; error: string };

class RootedReader {
  constructor(private readonly root: string) {}

  path(p: string): string {
    return path.join(this.root, p);
  }

  async read(p: string): Promise<ReadResult> {
    try {
      return { ok: true, text: await fsp.readFile(this.path(p), 'utf8') };
    } catch (err) {
      return { ok: false, error: (err as NodeJS.ErrnoException).code ?? 'unreadable' };
    }
  }

  async exists(p: string): Promise<boolean> {
    try {
      await fsp.access(this.path(p), constants.F_OK);
      return true;
    } catch {
      return false;
    }
  }

  async executable(p: string): Promise<boolean> {
    try {
      const st = await fsp.stat(this.path(p));
      // Judged by the mode bits, not access(2): as root access(X_OK) passes for any one x bit, and a
      // fixture tree must answer the same way whoever runs the tests.
      return st.isFile() && (st.mode & 0o111) !== 0;
    } catch {
      return false;
    }
  }
}

/** Probes what this host can do. Never throws: an unreadable source is itself a reason. */
export async function probeHost(options: ProbeOptions = {}): Promise<HostCapabilities> {
  const reader = new RootedReader(options.root ?? '/');
  const searchPath = options.searchPath ?? SEARCH_PATH;
  const names = Object.keys(PROBED_BINARIES) as ProbedBinary[];
  const [root, systemdPid1, binaryFacts, kernelNfsd, containerType, unprivileged, zfsDevice] = await Promise.all([
    probeRoot(reader),
    probeSystemd(reader),
    Promise.all(names.map((name) => probeBinary(reader, searchPath, name))),
    probeKernelNfsd(reader),
    probeContainerType(reader),
    probeUnprivileged(reader),
    probeZfsDevice(reader),
  ]);
  const binaries = Object.fromEntries(names.map((name, i) => [name, binaryFacts[i]])) as Record<ProbedBinary, Fact<boolean>>;
  if (!kernelNfsd.value) kernelNfsd.fix = nfsServerFix({ type: containerType.value, unprivileged: unprivileged.value });
  return { root, systemdPid1, binaries, kernelNfsd, container: { type: containerType, unprivileged }, zfsDevice };
}

async function probeRoot(reader: RootedReader): Promise<Fact<boolean>> {
  const status = await reader.read('/proc/self/status');
  if (!status.ok) return { value: false, reason: `cannot read /proc/self/status (${status.error})` };
  // "Uid:\treal\teffective\tsaved\tfs"
  const line = status.text.split('\n').find((l) => l.startsWith('Uid:'));
  const euid = line ? Number(line.split(/\s+/)[2]) : Number.NaN;
  if (Number.isNaN(euid)) return { value: false, reason: 'no Uid line in /proc/self/status' };
  return euid === 0
    ? { value: true, reason: 'running as root (effective uid 0)' }
    : {
        value: false,
        reason: `running as uid ${euid}: accounts, share directories and daemons need root`,
        fix: 'run the MoxNAS service as root (the installed systemd unit does)',
      };
}

async function probeSystemd(reader: RootedReader): Promise<Fact<boolean>> {
  const comm = await reader.read('/proc/1/comm');
  if (!comm.ok) return { value: false, reason: `cannot read /proc/1/comm (${comm.error}); MoxNAS supervises the daemons itself` };
  const name = comm.text.trim();
  return name === 'systemd'
    ? { value: true, reason: 'PID 1 is systemd: services are controlled through systemctl' }
    : { value: false, reason: `PID 1 is ${name || 'unknown'}, not systemd: MoxNAS supervises the daemons itself` };
}

async function probeBinary(reader: RootedReader, searchPath: readonly string[], name: ProbedBinary): Promise<Fact<boolean>> {
  for (const dir of searchPath) {
    const candidate = path.posix.join(dir, name);
    if (await reader.executable(candidate)) return { value: true, reason: `found at ${candidate}` };
  }
  return {
    value: false,
    reason: `${name} is not installed (searched ${searchPath.join(':')})`,
    fix: `apt-get install ${PROBED_BINARIES[name]}`,
  };
}

async function probeKernelNfsd(reader: RootedReader): Promise<Fact<boolean>> {
  // The /proc/fs/nfsd directory exists on kernels without the server too; only a mounted nfsd
  // file system (its `exports` file) or a registered nfsd file system type says it can run.
  if (await reader.exists('/proc/fs/nfsd/exports')) return { value: true, reason: 'the nfsd file system is mounted at /proc/fs/nfsd: the kernel NFS server is available' };
  const fss = await reader.read('/proc/filesystems');
  if (fss.ok && fss.text.split('\n').some((l) => l.split('\t').pop()?.trim() === 'nfsd')) {
    return { value: true, reason: 'the nfsd file system is registered in /proc/filesystems' };
  }
  return {
    value: false,
    reason: 'the nfsd file system is neither mounted (/proc/fs/nfsd/exports) nor registered in /proc/filesystems: this kernel/container cannot serve NFS',
    // The fix depends on the container (nfsServerFix), set by probeHost once that is known.
  };
}

function containerKind(value: string): ContainerType {
  const v = value.trim().toLowerCase();
  if (v === 'lxc' || v === 'lxc-libvirt') return 'lxc';
  if (v === 'docker') return 'docker';
  return v ? 'other' : 'none';
}

async function probeContainerType(reader: RootedReader): Promise<Fact<ContainerType>> {
  // systemd and LXC set `container=` in PID 1's environment; it is the most direct evidence.
  const environ = await reader.read('/proc/1/environ');
  if (environ.ok) {
    const entry = environ.text.split('\0').find((e) => e.startsWith('container='));
    if (entry) return { value: containerKind(entry.slice('container='.length)), reason: `PID 1 environment has ${entry}` };
  }
  const marker = await reader.read('/run/systemd/container');
  if (marker.ok && marker.text.trim()) {
    return { value: containerKind(marker.text), reason: `/run/systemd/container says ${marker.text.trim()}` };
  }
  if (await reader.exists('/dev/.lxc-boot-id')) return { value: 'lxc', reason: '/dev/.lxc-boot-id exists (created by LXC)' };
  if (await reader.exists('/.dockerenv')) return { value: 'docker', reason: '/.dockerenv exists' };
  if (await reader.exists('/run/.containerenv')) return { value: 'other', reason: '/run/.containerenv exists (podman)' };
  const cgroup = await reader.read('/proc/1/cgroup');
  if (cgroup.ok) {
    if (/\/lxc(\.payload)?[./]/.test(cgroup.text)) return { value: 'lxc', reason: 'PID 1 cgroup path names lxc' };
    if (/\/docker[-/]/.test(cgroup.text)) return { value: 'docker', reason: 'PID 1 cgroup path names docker' };
    if (/\/kubepods/.test(cgroup.text)) return { value: 'other', reason: 'PID 1 cgroup path names kubepods' };
  }
  return { value: 'none', reason: 'no container markers found (PID 1 environment, /run/systemd/container, /.dockerenv, cgroups)' };
}

async function probeUnprivileged(reader: RootedReader): Promise<Fact<boolean>> {
  const map = await reader.read('/proc/self/uid_map');
  if (!map.ok) return { value: false, reason: `cannot read /proc/self/uid_map (${map.error}); assuming no user namespace` };
  const lines = map.text
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length === 3);
  const identity = lines.length === 1 && lines[0][0] === '0' && lines[0][1] === '0' && lines[0][2] === '4294967295';
  if (identity) return { value: false, reason: 'uid_map is the identity (0 0 4294967295): not in a user namespace' };
  const rootLine = lines.find((f) => f[0] === '0');
  return {
    value: true,
    reason: rootLine
      ? `uid 0 here is uid ${rootLine[1]} on the host (uid_map ${rootLine.join(' ')}): unprivileged container`
      : 'uid 0 is not mapped in uid_map: unprivileged container',
    fix: 'NFS server needs a privileged container: recreate it with `pct restore <vmid> <backup> --unprivileged 0`',
  };
}

async function probeZfsDevice(reader: RootedReader): Promise<Fact<boolean>> {
  if (await reader.exists('/dev/zfs')) return { value: true, reason: '/dev/zfs exists' };
  return {
    value: false,
    reason: 'no /dev/zfs: ZFS datasets and snapshots cannot be managed from here',
    fix:
      'on the Proxmox host add `lxc.cgroup2.devices.allow: c 10:249 rwm` and ' +
      '`lxc.mount.entry: /dev/zfs dev/zfs none bind,optional,create=file` to /etc/pve/lxc/<vmid>.conf',
  };
}
