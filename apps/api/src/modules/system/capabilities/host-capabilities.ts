import type { CapabilityEntry } from '@moxnas/contracts';
import { nfsServerFix, type Fact, type HostCapabilities, type ProbedBinary } from '@moxnas/host';

/** What the probes found, as the capability rules read it. */
export interface ProbeResult {
  host: HostCapabilities;
  /** The accurate kernel NFS server check (probeNfsServer). */
  nfsServer: Fact<boolean>;
  /** Text of /proc/self/uid_map, for the id-mapping advice in unprivileged containers. */
  uidMap: string | null;
  /** MOXNAS_HOST_ACCOUNTS. */
  hostAccounts: 'auto' | 'off';
}

/** First uid MoxNAS gives to users (the users module allocates from here up). */
export const FIRST_USER_ID = 10000;
/** How many user ids the id-mapping advice maps 1:1. */
export const MAPPED_IDS = 1000;

type Entry = Omit<CapabilityEntry, 'source'>;

function entry(id: string, feature: string, label: string, available: boolean, reason: string | null, fix: string | null, detail: string | null = null): Entry {
  return { id, feature, label, scope: 'host', pool: null, available, reason: available ? null : reason, fix: available ? null : fix, detail };
}

/** Binaries missing among `names`, with the apt-get line that installs all of them. */
function missing(host: HostCapabilities, names: ProbedBinary[]): { names: ProbedBinary[]; fix: string | null } {
  const absent = names.filter((n) => !host.binaries[n].value);
  const packages = [...new Set(absent.map((n) => host.binaries[n].fix?.replace(/^apt-get install /, '')).filter((p): p is string => Boolean(p)))];
  return { names: absent, fix: packages.length ? `apt-get install ${packages.join(' ')}` : null };
}

const ROOT_FIX = 'Run the MoxNAS API as root (the installed systemd unit does): it creates accounts, share directories and daemon configs.';

/** Host uid base and count of an unprivileged container, from `0 <hostBase> <count>`. */
export function hostIdRange(uidMap: string | null): { base: number; count: number } | null {
  const line = (uidMap ?? '').split('\n').map((l) => l.trim().split(/\s+/)).find((f) => f.length === 3 && f[0] === '0');
  if (!line) return null;
  const base = Number(line[1]);
  const count = Number(line[2]);
  return Number.isFinite(base) && Number.isFinite(count) ? { base, count } : null;
}

/**
 * The `lxc.idmap` lines that map container ids FIRST_USER_ID…+MAPPED_IDS 1:1 to the same host ids
 * and keep the rest shifted (the Proxmox wiki's "Unprivileged LXC containers" recipe), plus the
 * subuid/subgid grant the host needs for it.
 */
export function idmapAdvice(range: { base: number; count: number }): string {
  const start = FIRST_USER_ID;
  const end = start + MAPPED_IDS;
  const rest = range.count - end;
  const lines = (['u', 'g'] as const).flatMap((k) => [
    `lxc.idmap: ${k} 0 ${range.base} ${start}`,
    `lxc.idmap: ${k} ${start} ${start} ${MAPPED_IDS}`,
    ...(rest > 0 ? [`lxc.idmap: ${k} ${end} ${range.base + end} ${rest}`] : []),
  ]);
  return (
    `On the Proxmox host either give the pool's files the shifted ids (container uid ${start} is host uid ${range.base + start}: ` +
    `\`chown -R ${range.base + start}:${range.base + start} /path/on/host\`), or map MoxNAS user ids ${start}–${end - 1} 1:1 by adding to ` +
    `/etc/pve/lxc/<vmid>.conf:\n${lines.join('\n')}\nand \`root:${start}:${MAPPED_IDS}\` to both /etc/subuid and /etc/subgid, then \`pct reboot <vmid>\`.`
  );
}

function nfsEntry(p: ProbeResult): Entry {
  const label = 'NFS shares';
  const fix = nfsServerFix({ type: p.host.container.type.value, unprivileged: p.host.container.unprivileged.value });
  if (p.host.container.unprivileged.value) {
    return entry('nfs', 'nfs', label, false, `${p.host.container.unprivileged.reason}: the kernel NFS server does not run inside a user namespace.`, fix);
  }
  if (!p.nfsServer.value) return entry('nfs', 'nfs', label, false, p.nfsServer.reason, fix);
  const m = missing(p.host, ['exportfs', 'rpc.mountd']);
  if (m.names.length) return entry('nfs', 'nfs', label, false, `The NFS server tools are not installed (${m.names.join(', ')} missing).`, m.fix);
  if (!p.host.root.value) return entry('nfs', 'nfs', label, false, p.host.root.reason, ROOT_FIX);
  return entry('nfs', 'nfs', label, true, null, null, p.nfsServer.reason);
}

function daemonEntry(p: ProbeResult, id: string, label: string, what: string, binaries: ProbedBinary[]): Entry {
  const m = missing(p.host, binaries);
  if (m.names.length) return entry(id, id, label, false, `${what} is not installed (${m.names.join(', ')} missing).`, m.fix);
  if (!p.host.root.value) return entry(id, id, label, false, p.host.root.reason, ROOT_FIX);
  return entry(id, id, label, true, null, null, p.host.binaries[binaries[0]].reason);
}

/** Host-wide capability entries. Per-pool entries (ACLs, quotas, snapshot driver) come from the storage module. */
export function hostCapabilityEntries(p: ProbeResult): Entry[] {
  const h = p.host;
  const out: Entry[] = [
    daemonEntry(p, 'smb', 'SMB shares', 'Samba', ['smbd', 'testparm', 'smbcontrol']),
    nfsEntry(p),
    daemonEntry(p, 'ftp', 'FTP shares', 'vsftpd', ['vsftpd']),
  ];

  if (p.hostAccounts === 'off') {
    out.push(entry('userProvisioning', 'userProvisioning', 'Linux, Samba and FTP accounts', false, 'MOXNAS_HOST_ACCOUNTS=off: users exist in the MoxNAS database only and cannot log in over SMB or FTP.', 'Remove MOXNAS_HOST_ACCOUNTS=off from /etc/moxnas/moxnas.env and restart MoxNAS.'));
  } else {
    const m = missing(h, ['useradd', 'usermod', 'chpasswd', 'smbpasswd', 'pdbedit']);
    if (m.names.length) out.push(entry('userProvisioning', 'userProvisioning', 'Linux, Samba and FTP accounts', false, `Account tools are missing (${m.names.join(', ')}).`, m.fix));
    else if (!h.root.value) out.push(entry('userProvisioning', 'userProvisioning', 'Linux, Samba and FTP accounts', false, h.root.reason, ROOT_FIX));
    else out.push(entry('userProvisioning', 'userProvisioning', 'Linux, Samba and FTP accounts', true, null, null, 'users get a Linux account, a Samba password and an FTP login'));
  }

  out.push(
    h.systemdPid1.value
      ? entry('systemdControl', 'systemdControl', 'Service control through systemd', true, null, null, h.systemdPid1.reason)
      : entry('systemdControl', 'systemdControl', 'Service control through systemd', false, `${h.systemdPid1.reason}.`, null, 'MoxNAS starts, watches and restarts smbd and vsftpd itself (process driver); nothing to fix'),
  );

  const acl = missing(h, ['setfacl', 'getfacl']);
  out.push(entry('acl', 'acl', 'POSIX ACLs (tools)', acl.names.length === 0, `The ACL tools are not installed (${acl.names.join(', ')} missing).`, acl.fix, 'whether a pool supports ACLs is shown per pool'));

  const zfs = h.zfsDevice.value && h.binaries.zfs.value;
  const btrfs = h.binaries.btrfs.value;
  out.push(
    entry(
      'quota',
      'quota',
      'Dataset quotas',
      true,
      null,
      null,
      `hard quotas on ${[zfs ? 'ZFS' : null, btrfs ? 'btrfs (qgroups)' : null].filter(Boolean).join(' and ') || 'no pool type here (install zfsutils-linux or btrfs-progs for ZFS/btrfs pools)'}; soft quotas (alerts) everywhere else`,
    ),
  );

  // The device fix depends on who creates this system's /dev: the probe's text is the Proxmox one.
  const type = h.container.type.value;
  const zfsDeviceFix =
    type === 'lxc'
      ? (h.zfsDevice.fix ?? null)
      : type === 'docker'
        ? 'Run this container with `--device /dev/zfs` (the zfs module must be loaded on the Docker host).'
        : type === 'other'
          ? 'Pass /dev/zfs into this container (the zfs module must be loaded on the host).'
          : 'apt-get install zfsutils-linux zfs-dkms, then `modprobe zfs`';
  const zfsFix = !h.zfsDevice.value ? zfsDeviceFix : (h.binaries.zfs.fix ?? null);
  out.push(entry('snapshots.zfs', 'snapshots', 'ZFS snapshots', zfs, !h.zfsDevice.value ? h.zfsDevice.reason : h.binaries.zfs.reason, zfsFix, 'zfs snapshot'));
  out.push(entry('snapshots.btrfs', 'snapshots', 'btrfs snapshots', btrfs, h.binaries.btrfs.reason, h.binaries.btrfs.fix ?? null, 'btrfs subvolume snapshot'));
  out.push(entry('snapshots.copy', 'snapshots', 'Copy snapshots (hard links)', h.binaries.rsync.value, h.binaries.rsync.reason, h.binaries.rsync.fix ?? null, 'rsync --link-dest: works on any file system'));

  if (h.container.type.value === 'lxc') {
    const range = hostIdRange(p.uidMap);
    out.push(
      h.container.unprivileged.value
        ? entry(
            'bindMountOwnership',
            'bindMountOwnership',
            'Ownership on bind-mounted pools',
            false,
            `${h.container.unprivileged.reason}: files of a pool bind-mounted from the host show up as nobody:nogroup unless they are owned by the shifted ids or the ids are mapped 1:1.`,
            range ? idmapAdvice(range) : 'Map the MoxNAS user ids 1:1 with `lxc.idmap` lines in /etc/pve/lxc/<vmid>.conf (see the Proxmox wiki "Unprivileged LXC containers").',
          )
        : entry('bindMountOwnership', 'bindMountOwnership', 'Ownership on bind-mounted pools', true, null, null, 'privileged container: ids are the same here and on the host'),
    );
  }
  return out;
}
