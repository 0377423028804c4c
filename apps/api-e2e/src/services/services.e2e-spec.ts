import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import type { ApplyResult, RevisionSummary, ServiceStatus } from '@moxnas/contracts';
import { validateSmbConf } from '@moxnas/render';
import { ExecCommandRunner } from '@moxnas/host';
import { ApplyEngine } from '../../../api/src/modules/services/apply/apply-engine';
import type { ManagedConfig } from '../../../api/src/modules/services/apply/managed-config';
import { ServicesService } from '../../../api/src/modules/services/services.service';
import { startTestApp, type TestApp } from '../../../api/test/support/test-app';
import { waitFor } from '../../../api/test/support/tcp-proxy';
import { adminToken, ADMIN_PASSWORD } from '../../../api/test/users/users-kit';
import { describeOnHost } from '../../../api/test/support/host-gate';
import { freePort } from '../../../api/test/support/free-port';

const need = ['/usr/sbin/smbd', '/usr/bin/smbclient', '/usr/sbin/vsftpd', '/usr/bin/testparm'];

function ftpBanner(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let data = '';
    socket.setTimeout(5000, () => reject(new Error('no FTP greeting')));
    socket.on('data', (d) => {
      data += d.toString();
      if (data.includes('\r\n')) {
        socket.end('QUIT\r\n');
        resolve(data.split('\r\n')[0]);
      }
    });
    socket.on('error', reject);
  });
}

function smbServerString(port: number): string {
  const res = spawnSync('smbclient', ['-N', '-L', '127.0.0.1', '-p', String(port), '-g'], { encoding: 'utf8', timeout: 15000 });
  return `${res.stdout}${res.stderr}`;
}

describeOnHost('services: settings reach the running daemons (real smbd and vsftpd)', { binaries: need, root: true }, () => {
  let app: TestApp;
  let token: string;
  let smbPort: number;
  let ftpPort: number;

  beforeAll(async () => {
    app = await startTestApp({ env: { MOXNAS_ADMIN_PASSWORD: ADMIN_PASSWORD, MOXNAS_HOST_ACCOUNTS: 'off', MOXNAS_TRUST_PROXY: '1', MOXNAS_DRIFT_INTERVAL_SECONDS: '1' } });
    token = await adminToken(app);
    smbPort = await freePort();
    ftpPort = await freePort();
    const smb = await app.request<{ apply: ApplyResult }>({ method: 'PUT', url: '/api/services/smb/settings', token, body: { port: smbPort, interfaces: ['127.0.0.1'], serverString: 'MoxNAS before' } });
    expect(smb.status).toBe(200);
    const ftp = await app.request({ method: 'PUT', url: '/api/services/ftp/settings', token, body: { port: ftpPort, listenAddress: '127.0.0.1', banner: 'Hello from before' } });
    expect(ftp.status).toBe(200);
    for (const id of ['smb', 'ftp']) {
      const res = await app.request<ServiceStatus>({ method: 'POST', url: `/api/services/${id}/start`, token });
      expect({ id, status: res.status, state: res.body.state }).toEqual({ id, status: 200, state: 'running' });
    }
  });

  afterAll(async () => {
    await app?.close();
  });

  it('reports the truth about each daemon', async () => {
    const res = await app.request<ServiceStatus[]>({ url: '/api/services', token });
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body.map((s) => [s.id, s]));
    expect(byId['smb']).toMatchObject({ state: 'running', driver: 'process', capability: { available: true } });
    expect(byId['smb'].pid).toBeGreaterThan(0);
    expect(() => process.kill(byId['smb'].pid!, 0)).not.toThrow();
    expect(byId['ftp'].state).toBe('running');
    // No kernel nfsd here: NFS says so instead of pretending.
    if (!fs.readFileSync('/proc/filesystems', 'utf8').includes('nfsd') && !fs.existsSync('/proc/fs/nfsd/exports')) {
      expect(byId['nfs'].state).toBe('unavailable');
      expect(byId['nfs'].capability.reason).toBeTruthy();
    }
    expect(byId['smb'].revision?.path).toMatch(/smb\.conf$/);
  });

  it('changes the server string and the FTP banner of the running daemons', async () => {
    expect(smbServerString(smbPort)).toContain('MoxNAS before');
    const smb = await app.request<{ apply: ApplyResult }>({ method: 'PUT', url: '/api/services/smb/settings', token, body: { serverString: 'MoxNAS after' } });
    expect(smb.status).toBe(200);
    expect(smb.body.apply).toMatchObject({ applied: true, daemon: 'reloaded' });
    await waitFor(async () => smbServerString(smbPort), (out) => out.includes('MoxNAS after'), 5000, 200);

    expect(await ftpBanner(ftpPort)).toBe('220 Hello from before');
    const ftp = await app.request<{ apply: ApplyResult }>({ method: 'PUT', url: '/api/services/ftp/settings', token, body: { banner: 'Hello from after' } });
    expect(ftp.status).toBe(200);
    expect(ftp.body.apply.daemon).toBe('reloaded');
    await waitFor(() => ftpBanner(ftpPort), (b) => b === '220 Hello from after', 5000, 200);
  });

  it('rolls back to an earlier revision, whose settings come back, and records it as a rollback', async () => {
    const revisions = await app.request<RevisionSummary[]>({ url: '/api/services/smb/revisions', token });
    // Newest first: [0] made "MoxNAS after", [1] is the revision before it.
    const earlier = revisions.body[1];
    const res = await app.request<ApplyResult>({ method: 'POST', url: `/api/services/smb/revisions/${earlier.id}/rollback`, token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ applied: true, daemon: 'reloaded' });
    await waitFor(async () => smbServerString(smbPort), (out) => out.includes('MoxNAS before'), 5000, 200);
    const after = await app.request<RevisionSummary[]>({ url: '/api/services/smb/revisions', token });
    expect(after.body[0].message).toBe(`rolled back to the revision of ${earlier.createdAt}`);
    // The tests below start from "MoxNAS after" again.
    const forward = await app.request<{ apply: ApplyResult }>({ method: 'PUT', url: '/api/services/smb/settings', token, body: { serverString: 'MoxNAS after' } });
    expect(forward.body.apply.applied).toBe(true);
    await waitFor(async () => smbServerString(smbPort), (out) => out.includes('MoxNAS after'), 5000, 200);
  });

  it('answers a dry run with the diff and changes nothing', async () => {
    const file = app.app.get(ServicesService).mainFile('smb');
    const before = fs.readFileSync(file);
    const res = await app.request<{ apply: ApplyResult }>({ method: 'PUT', url: '/api/services/smb/settings?dryRun=true', token, body: { workgroup: 'DRYRUN' } });
    expect(res.status).toBe(200);
    expect(res.body.apply.dryRun).toBe(true);
    expect(res.body.apply.diffs[0].diff).toMatch(/^\+\s*workgroup = DRYRUN$/m);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    const settings = await app.request<{ settings: { workgroup: string } }>({ url: '/api/services/smb/settings', token });
    expect(settings.body.settings.workgroup).not.toBe('DRYRUN');
  });

  it('refuses bad settings with 422 per field and writes nothing', async () => {
    const file = app.app.get(ServicesService).mainFile('smb');
    const before = fs.readFileSync(file);
    const res = await app.request<{ errors: Array<{ field: string }> }>({
      method: 'PUT',
      url: '/api/services/smb/settings',
      token,
      body: { workgroup: 'bad\nname', serverString: 'x\n[evil]\npath = /', port: 70000 },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e) => e.field).sort()).toEqual(['port', 'serverString', 'workgroup']);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a candidate that testparm rejects and leaves the file byte-identical', async () => {
    // testparm accepts every value the grammars let through, so a defective renderer stands in
    // for the case the checker exists for: the candidate carries a parameter Samba does not know.
    const engine = app.app.get(ApplyEngine);
    const file = app.app.get(ServicesService).mainFile('smb');
    const real = (engine as unknown as { configs: Map<string, ManagedConfig> }).configs.get('smb')!;
    const runner = new ExecCommandRunner();
    const broken: ManagedConfig = {
      service: 'smb',
      dependsOn: real.dependsOn,
      render: async (m) => {
        const r = await real.render(m);
        r.files.set(file, `${r.files.get(file)}\n[extra]\n  path = /tmp\n  no such parameter = yes\n`);
        return r;
      },
      validate: async (files) => {
        const v = await validateSmbConf(files.get(file)!, runner);
        return { ok: v.ok, messages: v.messages };
      },
    };
    const before = fs.readFileSync(file);
    engine.register(broken);
    try {
      const res = await app.request<{ code: string; errors: Array<{ message: string }> }>({ method: 'PUT', url: '/api/services/smb/settings', token, body: { serverString: 'never applied' } });
      expect(res.status).toBe(422);
      expect(res.body.errors.map((e) => e.message).join(' ')).toMatch(/no such parameter/i);
    } finally {
      engine.register(real);
    }
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    const settings = await app.request<{ settings: { serverString: string } }>({ url: '/api/services/smb/settings', token });
    expect(settings.body.settings.serverString).toBe('MoxNAS after');
  });

  it('rolls back a change the daemon cannot run with, and the daemon keeps serving', async () => {
    const blocker = net.createServer();
    const taken = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)));
    const file = app.app.get(ServicesService).mainFile('ftp');
    const before = fs.readFileSync(file);
    try {
      const res = await app.request<{ code: string; message: string }>({ method: 'PUT', url: '/api/services/ftp/settings', token, body: { port: taken } });
      expect(res.status).toBe(502);
      expect(res.body.code).toBe('APPLY_FAILED');
      expect(res.body.message).toMatch(/restored/);
    } finally {
      blocker.close();
    }
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    const settings = await app.request<{ settings: { port: number } }>({ url: '/api/services/ftp/settings', token });
    expect(settings.body.settings.port).toBe(ftpPort);
    await waitFor(() => ftpBanner(ftpPort).catch(() => ''), (b) => b.startsWith('220'), 10000, 200);
    const revisions = await app.request<Array<{ result: string }>>({ url: '/api/services/ftp/revisions', token });
    expect(revisions.body.some((r) => r.result === 'failed')).toBe(true);
  });

  it('restarts a daemon killed with SIGKILL and shows the restart', async () => {
    const before = await app.request<ServiceStatus>({ url: '/api/services/smb', token });
    process.kill(before.body.pid!, 'SIGKILL');
    const after = await waitFor(
      () => app.request<ServiceStatus>({ url: '/api/services/smb', token }).then((r) => r.body),
      (s) => s.state === 'running' && s.pid !== before.body.pid && s.restarts >= before.body.restarts + 1,
      20000,
      200,
    );
    expect(after.pid).not.toBe(before.body.pid);
    expect(smbServerString(smbPort)).toContain('MoxNAS after');
  });

  it('serialises 50 concurrent setting changes: the file ends with the last committed value', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        app
          .request<{ message?: string }>({ method: 'PUT', url: '/api/services/smb/settings', token, body: { serverString: `Concurrent ${i}` } })
          .then((r) => ({ status: r.status, message: r.body?.message })),
      ),
    );
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    const settings = await app.request<{ settings: { serverString: string } }>({ url: '/api/services/smb/settings', token });
    const onDisk = fs.readFileSync(app.app.get(ServicesService).mainFile('smb'), 'utf8');
    expect(onDisk).toContain(`server string = ${settings.body.settings.serverString}`);
    expect((onDisk.match(/server string = /g) ?? []).length).toBe(1);
    const revisions = await app.request<Array<{ path: string }>>({ url: '/api/services/smb/revisions', token });
    expect(revisions.body.filter((r) => r.path.endsWith('smb.conf')).length).toBeGreaterThanOrEqual(50);
    // Fifty applies one after another, each running testparm and reloading smbd: minutes on a busy CI box.
  }, 300_000);

  it('reports a hand edit of smb.conf as drift with the diff, and overwrites it on request', async () => {
    const file = app.app.get(ServicesService).mainFile('smb');
    fs.appendFileSync(file, '# edited by hand\n');
    const status = await waitFor(
      () => app.request<ServiceStatus>({ url: '/api/services/smb', token }).then((r) => r.body),
      (s) => s.drift,
      5000,
      200,
    );
    expect(status.drift).toBe(true);
    const drift = await app.request<{ drifted: boolean; files: Array<{ diff: string; drifted: boolean }> }>({ url: '/api/services/smb/drift', token });
    expect(drift.body.drifted).toBe(true);
    expect(drift.body.files.find((f) => f.drifted)?.diff).toMatch(/^\+# edited by hand$/m);
    const fixed = await app.request<ApplyResult>({ method: 'POST', url: '/api/services/smb/drift/overwrite', token });
    expect(fixed.status).toBe(200);
    expect(fs.readFileSync(file, 'utf8')).not.toContain('# edited by hand');
    const after = await app.request<{ drifted: boolean }>({ url: '/api/services/smb/drift', token });
    expect(after.body.drifted).toBe(false);
  });

  it('stops daemons cleanly', async () => {
    const smb = await app.request<ServiceStatus>({ url: '/api/services/smb', token });
    const res = await app.request<ServiceStatus>({ method: 'POST', url: '/api/services/smb/stop', token });
    expect(res.body.state).toBe('stopped');
    expect(() => process.kill(smb.body.pid!, 0)).toThrow();
    execFileSync('true');
  });
});
