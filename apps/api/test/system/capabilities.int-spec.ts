import fs from 'node:fs';
import type { CapabilitiesResponse, CapabilityEntry } from '@moxnas/contracts';
import { SystemRegistry } from '../../src/modules/system/metrics/system-registry';
import { startTestApp, type TestApp } from '../support/test-app';

const ADMIN_PASSWORD = 'caps-test-Admin-pass-1';

function read(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

describe('GET /api/system/capabilities', () => {
  let app: TestApp;
  let token: string;
  beforeAll(async () => {
    app = await startTestApp({ env: { MOXNAS_ADMIN_PASSWORD: ADMIN_PASSWORD, MOXNAS_HOST_ACCOUNTS: 'off' } });
    const login = await app.request<{ accessToken: string }>({ method: 'POST', url: '/api/auth/login', body: { username: 'admin', password: ADMIN_PASSWORD } });
    expect(login.status).toBe(200);
    token = login.body.accessToken;
  });
  afterAll(() => app?.close());

  const get = async (query = '') => {
    const res = await app.request<CapabilitiesResponse>({ url: `/api/system/capabilities${query}`, token });
    expect(res.status).toBe(200);
    return { ...res.body, byId: Object.fromEntries(res.body.entries.map((e) => [e.id, e])) as Record<string, CapabilityEntry> };
  };

  it('reports NFS the way this kernel really is', async () => {
    const caps = await get();
    const filesystems = read('/proc/filesystems') ?? '';
    const kernelHasNfsd = filesystems.split('\n').some((l) => l.split(/\s+/).pop() === 'nfsd') || fs.existsSync('/proc/fs/nfsd/versions');
    const nfs = caps.byId['nfs'];
    if (!kernelHasNfsd) {
      // The empty /proc/fs/nfsd mount point that procfs always creates must not count as an NFS server.
      expect(nfs.available).toBe(false);
      expect(nfs.reason).toMatch(/nfsd|user namespace/);
      expect(nfs.fix).toMatch(/modprobe nfsd|--unprivileged 0/);
    }
    for (const e of caps.entries) {
      // The host probe's entries, and the one the storage module's replication contributes.
      expect(e.source).toBe(e.id === 'replication' ? 'replication' : 'system');
      if (e.available) expect(e.reason).toBeNull();
      else expect(e.reason).toBeTruthy();
    }
  });

  it('matches the installed daemons, the user and the container', async () => {
    const caps = await get();
    const installed = (bin: string) => ['/usr/sbin', '/usr/bin', '/sbin', '/bin'].some((d) => fs.existsSync(`${d}/${bin}`));
    const root = process.getuid?.() === 0;
    expect(caps.root).toBe(root);
    expect(caps.byId['smb'].available).toBe(root && installed('smbd') && installed('testparm') && installed('smbcontrol'));
    expect(caps.byId['ftp'].available).toBe(root && installed('vsftpd'));
    if (!installed('vsftpd')) expect(caps.byId['ftp'].fix).toBe('apt-get install vsftpd');
    // This app runs with MOXNAS_HOST_ACCOUNTS=off.
    expect(caps.byId['userProvisioning']).toMatchObject({ available: false, reason: expect.stringContaining('MOXNAS_HOST_ACCOUNTS=off') });
    expect(caps.byId['systemdControl'].available).toBe((read('/proc/1/comm') ?? '').trim() === 'systemd');
    if (fs.existsSync('/.dockerenv')) expect(caps.container.type).toBe('docker');
    expect(['snapshots.zfs', 'snapshots.btrfs', 'snapshots.copy', 'acl', 'quota'].every((id) => id in caps.byId)).toBe(true);
  });

  it('probes again on refresh', async () => {
    const first = await get();
    await new Promise((r) => setTimeout(r, 5));
    const cached = await get();
    expect(cached.checkedAt).toBe(first.checkedAt);
    const refreshed = await get('?refresh=true');
    expect(Date.parse(refreshed.checkedAt)).toBeGreaterThan(Date.parse(first.checkedAt));
    expect((await app.request({ url: '/api/system/capabilities?refresh=maybe', token })).status).toBe(422);
  });

  it('includes per-pool entries contributed by the storage module, and survives a failing contributor', async () => {
    const registry = app.app.get(SystemRegistry);
    registry.contributeCapabilities('storage', async () => [
      { id: 'pool.tank.acl', feature: 'acl', label: 'POSIX ACLs on tank', scope: 'pool', pool: 'tank', available: false, reason: 'tank is vfat: no ACLs', fix: 'Use an ext4, xfs, btrfs or ZFS file system for tank.', detail: null },
    ]);
    registry.contributeCapabilities('broken', async () => {
      throw new Error('boom');
    });
    const caps = await get();
    expect(caps.byId['pool.tank.acl']).toMatchObject({ source: 'storage', scope: 'pool', pool: 'tank', available: false });
    expect(caps.byId['broken.error']).toMatchObject({ available: false, reason: expect.stringContaining('boom') });
  });

  it('needs a login', async () => {
    expect((await app.request({ url: '/api/system/capabilities' })).status).toBe(401);
  });
});
