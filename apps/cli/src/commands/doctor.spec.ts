import { nfsServerFix, PROBED_BINARIES, type Fact, type HostCapabilities, type ProbedBinary } from '@moxnas/host';
import { hostChecks } from './doctor';

const yes: Fact<boolean> = { value: true, reason: 'yes' };
const no = (fix?: string): Fact<boolean> => ({ value: false, reason: 'no', ...(fix ? { fix } : {}) });

function caps(over: {
  root?: boolean;
  systemd?: boolean;
  missing?: ProbedBinary[];
  nfsd?: boolean;
  type?: HostCapabilities['container']['type']['value'];
  unprivileged?: boolean;
} = {}): HostCapabilities {
  const names = Object.keys(PROBED_BINARIES) as ProbedBinary[];
  return {
    root: over.root === false ? no('run as root') : yes,
    systemdPid1: over.systemd === false ? { value: false, reason: 'PID 1 is bash: MoxNAS supervises the daemons itself' } : yes,
    binaries: Object.fromEntries(
      names.map((n) => [n, over.missing?.includes(n) ? no(`apt-get install ${PROBED_BINARIES[n]}`) : yes]),
    ) as Record<ProbedBinary, Fact<boolean>>,
    kernelNfsd: over.nfsd === false ? no('modprobe nfsd') : yes,
    container: {
      type: { value: over.type ?? 'lxc', reason: 'test' },
      unprivileged: over.unprivileged ? yes : no(),
    },
    zfsDevice: no(),
  };
}
const dataDir = { path: '/var/lib/moxnas', state: 'writable' as const };
const byId = (c: HostCapabilities, system = true, state: 'writable' | 'missing' | 'unwritable' = 'writable') =>
  Object.fromEntries(hostChecks(c, { ...dataDir, state }, system).map((x) => [x.id, x]));

describe('doctor host checks', () => {
  it('passes a privileged LXC with everything installed', () => {
    expect(hostChecks(caps(), dataDir, true).filter((c) => c.status !== 'ok')).toEqual([]);
  });

  it('requires root only for a system install', () => {
    expect(byId(caps({ root: false }), true)['root'].status).toBe('fail');
    expect(byId(caps({ root: false }), false)['root'].status).toBe('warn');
  });

  it('fails on a missing Samba or vsftpd but only warns on a missing exportfs', () => {
    const checks = byId(caps({ missing: ['smbd', 'vsftpd', 'exportfs'] }));
    expect(checks['binary:smbd']).toMatchObject({ status: 'fail', fix: 'apt-get install samba' });
    expect(checks['binary:vsftpd'].status).toBe('fail');
    expect(checks['binary:exportfs']).toMatchObject({ status: 'warn', fix: 'apt-get install nfs-kernel-server' });
  });

  it('explains that an unprivileged LXC cannot serve NFS and how to fix it', () => {
    const checks = byId(caps({ unprivileged: true, nfsd: false }));
    expect(checks['container'].detail).toContain('unprivileged LXC');
    expect(checks['nfsd'].status).toBe('warn');
    expect(checks['nfsd'].fix).toContain('moxnas-ct.sh --nfs');
  });

  it('gives the one NFS fix text the capabilities list and the services show (nfsServerFix)', () => {
    for (const type of ['lxc', 'docker', 'other', 'none'] as const) {
      for (const unprivileged of [false, true]) {
        expect({ type, unprivileged, fix: byId(caps({ nfsd: false, type, unprivileged }))['nfsd'].fix }).toEqual({ type, unprivileged, fix: nfsServerFix({ type, unprivileged }) });
      }
    }
    expect(byId(caps({ nfsd: false }))['nfsd'].fix).toContain('modprobe nfsd');
  });

  it('reports the process driver when systemd is not PID 1', () => {
    expect(byId(caps({ systemd: false }))['service-manager']).toMatchObject({ status: 'ok', detail: expect.stringContaining('supervises') });
  });

  it('fails on an unwritable data dir and warns on a missing one', () => {
    expect(byId(caps(), true, 'unwritable')['data-dir'].status).toBe('fail');
    expect(byId(caps(), true, 'missing')['data-dir'].status).toBe('warn');
  });
});
