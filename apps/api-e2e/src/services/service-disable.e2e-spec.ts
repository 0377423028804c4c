/**
 * Issue 14, defect 12: `POST /api/services/{id}/disable` only dropped the daemon from the boot set
 * and left it running. Disable = stopped now and not started at the next start (real vsftpd).
 */
import net from 'node:net';
import type { ServiceStatus } from '@moxnas/contracts';
import { describeOnHost } from '../../../api/test/support/host-gate';
import { startTestApp, type TestApp } from '../../../api/test/support/test-app';
import { adminToken, ADMIN_PASSWORD } from '../../../api/test/users/users-kit';
import { freePort } from '../../../api/test/support/free-port';

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describeOnHost('services: disable stops the daemon (real vsftpd)', { binaries: ['/usr/sbin/vsftpd'], root: true }, () => {
  let app: TestApp;
  let token: string;
  let port: number;
  const control = (action: string) => app.request<ServiceStatus>({ method: 'POST', url: `/api/services/ftp/${action}`, token });

  beforeAll(async () => {
    app = await startTestApp({ env: { MOXNAS_ADMIN_PASSWORD: ADMIN_PASSWORD, MOXNAS_HOST_ACCOUNTS: 'off', MOXNAS_TRUST_PROXY: '1' } });
    token = await adminToken(app);
    port = await freePort();
    const settings = await app.request({ method: 'PUT', url: '/api/services/ftp/settings', token, body: { port, listenAddress: '127.0.0.1' } });
    expect(settings.status).toBe(200);
  });
  afterAll(() => app?.close());

  it('enable starts it and marks it for boot; disable stops it and unmarks it', async () => {
    const enabled = await control('enable');
    expect(enabled.status).toBe(200);
    expect(enabled.body).toMatchObject({ state: 'running', enabled: true });
    const pid = enabled.body.pid!;
    expect(() => process.kill(pid, 0)).not.toThrow();
    expect(await answers(port)).toBe(true);

    const disabled = await control('disable');
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ state: 'stopped', enabled: false, pid: null });
    expect(() => process.kill(pid, 0)).toThrow();
    expect(await answers(port)).toBe(false);

    // Disabling again is harmless and says the same.
    expect((await control('disable')).body).toMatchObject({ state: 'stopped', enabled: false });
  });
});
