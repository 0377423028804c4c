import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DnsSettings, HostnameSettings, NetworkInterfaceInfo, ServiceBindings } from '@moxnas/contracts';
import { DataSource } from 'typeorm';
import { MetricsCollector } from '../../src/modules/system/metrics/metrics-collector.service';
import { startTestApp, type TestApp } from '../support/test-app';

const ADMIN_PASSWORD = 'network-test-Admin-pass-1';

interface ErrorBody {
  code: string;
  message: string;
  errors?: { field: string; message: string }[];
}

describe('network', () => {
  let app: TestApp;
  let token: string;
  let etc: string;
  beforeAll(async () => {
    app = await startTestApp({ env: { MOXNAS_ADMIN_PASSWORD: ADMIN_PASSWORD, MOXNAS_HOST_ACCOUNTS: 'off' } });
    const login = await app.request<{ accessToken: string }>({ method: 'POST', url: '/api/auth/login', body: { username: 'admin', password: ADMIN_PASSWORD } });
    expect(login.status).toBe(200);
    token = login.body.accessToken;
    etc = path.join(app.config.etcRoot, 'etc');
  });
  afterAll(() => app?.close());

  it('lists the interfaces, with lo holding 127.0.0.1', async () => {
    const res = await app.request<NetworkInterfaceInfo[]>({ url: '/api/network/interfaces', token });
    expect(res.status).toBe(200);
    const lo = res.body.find((i) => i.name === 'lo');
    expect(lo).toMatchObject({ kind: 'loopback', mtu: expect.any(Number), speedMbps: null });
    expect(lo!.addresses).toContainEqual({ family: 'ipv4', address: '127.0.0.1', prefixLength: 8 });
    expect(lo!.rxBytes).toBeGreaterThan(0);
    // Every interface the OS reports is listed.
    for (const name of Object.keys(os.networkInterfaces())) expect(res.body.map((i) => i.name)).toContain(name);
  });

  it('adds rates once the collector has two samples', async () => {
    const collector = app.app.get(MetricsCollector);
    await collector.collectNow();
    await collector.collectNow();
    const res = await app.request<NetworkInterfaceInfo[]>({ url: '/api/network/interfaces', token });
    const lo = res.body.find((i) => i.name === 'lo')!;
    expect(lo.rxBytesPerSecond).toEqual(expect.any(Number));
    expect(lo.txBytesPerSecond).toBeGreaterThanOrEqual(0);
  });

  it('shows DNS from the real resolv.conf until the dev etc root has its own, and may write there', async () => {
    const res = await app.request<DnsSettings>({ url: '/api/network/dns', token });
    expect(res.status).toBe(200);
    expect(res.body.access).toEqual({ writable: true, reason: null, fix: null, path: path.join(etc, 'resolv.conf') });
    const real = await fs.readFile('/etc/resolv.conf', 'utf8').catch(() => '');
    const firstServer = /^nameserver\s+(\S+)/m.exec(real)?.[1];
    if (firstServer) expect(res.body.nameservers[0]).toBe(firstServer);
  });

  it('rejects bad DNS input field by field and writes nothing', async () => {
    const res = await app.request<ErrorBody>({
      method: 'PUT',
      url: '/api/network/dns',
      token,
      body: { nameservers: ['1.1.1.1', 'not-an-ip', '1.1.1.1'], search: ['ok.lan', 'bad domain\nnameserver 6.6.6.6'] },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors!.map((e) => e.field)).toEqual(['nameservers.1', 'nameservers.2', 'search.1']);
    const tooMany = await app.request<ErrorBody>({ method: 'PUT', url: '/api/network/dns', token, body: { nameservers: ['1.1.1.1', '1.0.0.1', '8.8.8.8', '8.8.4.4'] } });
    expect(tooMany.body.errors).toEqual([{ field: 'nameservers', message: 'at most 3 name servers: the resolver ignores the rest' }]);
    expect((await app.request<ErrorBody>({ method: 'PUT', url: '/api/network/dns', token, body: { nameservers: [] } })).body.errors).toEqual([
      { field: 'nameservers', message: 'at least one name server' },
    ]);
    expect((await app.request({ method: 'PUT', url: '/api/network/dns', token, body: { nameservers: ['1.1.1.1'], extra: 1 } })).status).toBe(422);
    await expect(fs.stat(path.join(etc, 'resolv.conf'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('writes name servers and search domains to the etc root', async () => {
    const res = await app.request<DnsSettings>({ method: 'PUT', url: '/api/network/dns', token, body: { nameservers: ['9.9.9.9', '2620:fe::fe'], search: ['nas.lan'] } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ nameservers: ['9.9.9.9', '2620:fe::fe'], search: ['nas.lan'] });
    const text = await fs.readFile(path.join(etc, 'resolv.conf'), 'utf8');
    expect(text).toContain('nameserver 9.9.9.9\nnameserver 2620:fe::fe\n');
    expect(text).toContain('search nas.lan\n');
    const again = await app.request<DnsSettings>({ url: '/api/network/dns', token });
    expect(again.body.nameservers).toEqual(['9.9.9.9', '2620:fe::fe']);
  });

  it('changes the host name in the etc root files and leaves the running name alone in development', async () => {
    const bad = await app.request<ErrorBody>({ method: 'PUT', url: '/api/network/hostname', token, body: { hostname: 'bad_name!' } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors![0].field).toBe('hostname');
    await expect(fs.stat(path.join(etc, 'hostname'))).rejects.toMatchObject({ code: 'ENOENT' });

    const res = await app.request<HostnameSettings>({ method: 'PUT', url: '/api/network/hostname', token, body: { hostname: 'nas01.example.lan' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ hostname: os.hostname(), configured: 'nas01.example.lan', access: { writable: true } });
    expect(await fs.readFile(path.join(etc, 'hostname'), 'utf8')).toBe('nas01.example.lan\n');
    expect(await fs.readFile(path.join(etc, 'hosts'), 'utf8')).toMatch(/^127\.0\.1\.1\tnas01\.example\.lan nas01$/m);
    expect(os.hostname()).not.toBe('nas01.example.lan');
  });

  it('reports which interfaces the daemons bind to, from the services settings', async () => {
    const empty = await app.request<ServiceBindings>({ url: '/api/network/bindings', token });
    expect(empty.status).toBe(200);
    expect(empty.body.smb).toEqual({ interfaces: [], allInterfaces: true });
    const ds = app.app.get(DataSource);
    // As the services module stores them (it owns these rows).
    await ds.query(`INSERT INTO settings (key, value) VALUES ('service.smb', $1), ('service.ftp', $2)
      ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [JSON.stringify({ interfaces: ['lo', '127.0.0.1'] }), JSON.stringify({ listenAddress: '127.0.0.1' })]);
    const set = await app.request<ServiceBindings>({ url: '/api/network/bindings', token });
    expect(set.body).toEqual({
      smb: { interfaces: ['lo', '127.0.0.1'], allInterfaces: false },
      ftp: { listenAddress: '127.0.0.1', allInterfaces: false },
      source: 'services settings',
    });
  });

  it('needs a login to read and the admin role to write', async () => {
    expect((await app.request({ url: '/api/network/interfaces' })).status).toBe(401);
    expect((await app.request({ method: 'PUT', url: '/api/network/hostname', body: { hostname: 'x' } })).status).toBe(401);
  });
});
