import { nfsServerFix, PROBED_BINARIES, type Fact, type HostCapabilities, type ProbedBinary } from '@moxnas/host';
import { hostCapabilityEntries, hostIdRange, idmapAdvice, type ProbeResult } from './host-capabilities';

function yes(reason = 'ok'): Fact<boolean> {
  return { value: true, reason };
}
function no(reason: string, fix?: string): Fact<boolean> {
  return { value: false, reason, ...(fix ? { fix } : {}) };
}

function host(overrides: { missing?: ProbedBinary[]; container?: HostCapabilities['container']; root?: boolean; systemd?: boolean; zfs?: boolean } = {}): HostCapabilities {
  const binaries = Object.fromEntries(
    (Object.keys(PROBED_BINARIES) as ProbedBinary[]).map((b) => [
      b,
      overrides.missing?.includes(b) ? no(`${b} is not installed`, `apt-get install ${PROBED_BINARIES[b]}`) : yes(`found at /usr/sbin/${b}`),
    ]),
  ) as Record<ProbedBinary, Fact<boolean>>;
  return {
    root: overrides.root === false ? no('running as uid 1000') : yes(),
    systemdPid1: overrides.systemd === false ? no('PID 1 is tini, not systemd: MoxNAS supervises the daemons itself') : yes('PID 1 is systemd'),
    binaries,
    kernelNfsd: yes(),
    container: overrides.container ?? { type: { value: 'none', reason: 'no markers' }, unprivileged: no('identity map') },
    zfsDevice: overrides.zfs ? yes('/dev/zfs exists') : no('no /dev/zfs', 'add the device to the container'),
  };
}

const unprivilegedLxc: HostCapabilities['container'] = {
  type: { value: 'lxc', reason: 'PID 1 environment has container=lxc' },
  unprivileged: { value: true, reason: 'uid 0 here is uid 100000 on the host (uid_map 0 100000 65536)' },
};

function probe(h: HostCapabilities, extra: Partial<ProbeResult> = {}): ProbeResult {
  return { host: h, nfsServer: yes('the kernel has the nfsd file system'), uidMap: null, hostAccounts: 'auto', ...extra };
}

const byId = (p: ProbeResult) => Object.fromEntries(hostCapabilityEntries(p).map((e) => [e.id, e]));

describe('hostCapabilityEntries', () => {
  it('reports everything available on a complete, privileged, root host', () => {
    const e = byId(probe(host({ zfs: true })));
    for (const id of ['smb', 'nfs', 'ftp', 'userProvisioning', 'systemdControl', 'acl', 'quota', 'snapshots.zfs', 'snapshots.btrfs', 'snapshots.copy']) {
      expect({ id, available: e[id].available, reason: e[id].reason, fix: e[id].fix }).toEqual({ id, available: true, reason: null, fix: null });
    }
    expect(e['bindMountOwnership']).toBeUndefined();
  });

  it('explains NFS in an unprivileged LXC: no in-place switch, restore privileged, AppArmor and the module', () => {
    const e = byId(probe(host({ container: unprivilegedLxc }), { uidMap: '         0     100000      65536\n' }));
    expect(e['nfs'].available).toBe(false);
    expect(e['nfs'].reason).toContain('user namespace');
    expect(e['nfs'].fix).toContain('pct restore <vmid> <archive> --unprivileged 0');
    expect(e['nfs'].fix).toContain('lxc.apparmor.raw: mount fstype=nfsd,');
    expect(e['nfs'].fix).toContain('modprobe nfsd');
  });

  it('gives the one NFS fix text the services and `moxnas doctor` show too (nfsServerFix)', () => {
    for (const type of ['lxc', 'docker', 'other', 'none'] as const) {
      for (const unprivileged of [false, true]) {
        const container = { type: { value: type, reason: type }, unprivileged: unprivileged ? yes('uid 0 is mapped') : no('identity map') };
        const e = byId(probe(host({ container }), { nfsServer: no('no nfsd') }));
        expect({ type, unprivileged, fix: e['nfs'].fix }).toEqual({ type, unprivileged, fix: nfsServerFix({ type, unprivileged }) });
      }
    }
  });

  it('names the kernel and the container runtime when nfsd is missing', () => {
    const docker = { type: { value: 'docker' as const, reason: '/.dockerenv exists' }, unprivileged: no('identity') };
    const e = byId(probe(host({ container: docker }), { nfsServer: no('the kernel has no NFS server: `nfsd` is not listed in /proc/filesystems') }));
    expect(e['nfs']).toMatchObject({ available: false, reason: expect.stringContaining('/proc/filesystems') });
    expect(e['nfs'].fix).toContain('--privileged');
    expect(e['nfs'].fix).toContain('modprobe nfsd');
  });

  it('gives the apt-get line for missing daemons and tools', () => {
    const e = byId(probe(host({ missing: ['smbd', 'testparm', 'vsftpd', 'exportfs', 'setfacl', 'rsync'] })));
    expect(e['smb'].fix).toBe('apt-get install samba samba-common-bin');
    expect(e['ftp'].fix).toBe('apt-get install vsftpd');
    expect(e['nfs'].fix).toBe('apt-get install nfs-kernel-server');
    expect(e['acl'].fix).toBe('apt-get install acl');
    expect(e['snapshots.copy'].fix).toBe('apt-get install rsync');
  });

  it('needs root for daemons and accounts, and says when accounts are switched off', () => {
    expect(byId(probe(host({ root: false })))['smb'].fix).toContain('as root');
    expect(byId(probe(host(), { hostAccounts: 'off' }))['userProvisioning'].reason).toContain('MOXNAS_HOST_ACCOUNTS=off');
  });

  it('treats a missing systemd as a choice of driver, with nothing to fix', () => {
    const e = byId(probe(host({ systemd: false })))['systemdControl'];
    expect(e).toMatchObject({ available: false, fix: null });
    expect(e.detail).toContain('process driver');
  });
});

describe('id mapping advice', () => {
  it('reads the host id range and writes the Proxmox idmap lines', () => {
    expect(hostIdRange('0 100000 65536\n')).toEqual({ base: 100000, count: 65536 });
    expect(hostIdRange(null)).toBeNull();
    const advice = idmapAdvice({ base: 100000, count: 65536 });
    expect(advice).toContain('lxc.idmap: u 0 100000 10000\nlxc.idmap: u 10000 10000 1000\nlxc.idmap: u 11000 111000 54536');
    expect(advice).toContain('lxc.idmap: g 11000 111000 54536');
    expect(advice).toContain('root:10000:1000');
    expect(advice).toContain('chown -R 110000:110000');
  });

  it('is shown only in an unprivileged LXC', () => {
    const e = byId(probe(host({ container: unprivilegedLxc }), { uidMap: '0 100000 65536' }));
    expect(e['bindMountOwnership'].available).toBe(false);
    expect(e['bindMountOwnership'].fix).toContain('lxc.idmap: g 10000 10000 1000');
  });
});
