import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExecCommandRunner } from '@moxnas/host';
import { renderVsftpdConf, renderVsftpdUserConfigs, validateVsftpdConf, type VsftpdStateInput } from '@moxnas/render';
import { describeOnHost } from './support/host-binaries';

const runner = new ExecCommandRunner();

const state: VsftpdStateInput = {
  global: {
    listenPort: 2121,
    listenAddress: '127.0.0.1',
    background: false,
    passivePorts: { min: 50000, max: 50100 },
    banner: 'Welcome to MoxNAS FTP — ü',
    maxClients: 50,
    maxPerIp: 5,
    tls: null,
    userConfigDir: '/var/lib/moxnas/etc/vsftpd/users',
    userListFile: '/var/lib/moxnas/etc/vsftpd/user_list',
    chrootListFile: '/var/lib/moxnas/etc/vsftpd/chroot_list',
    logFile: '/var/lib/moxnas/log/vsftpd.log',
  },
  shares: [
    { name: 'uploads', path: '/mnt/tank/up loads', allowedUsers: ['alice'], writeEnable: true },
    { name: 'archive', path: '/mnt/tank/archive', allowedUsers: ['bob'], chroot: false },
    { name: 'public', path: '/mnt/tank/public', anonymous: true },
  ],
};

describeOnHost('vsftpd.conf against vsftpd’s own parser', { binaries: ['vsftpd', 'openssl'] }, () => {
  let tmpDir: string;
  let certDir: string;
  let tls: { certFile: string; keyFile: string; required: boolean };
  beforeAll(async () => {
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'moxnas-ftp-e2e-'));
    certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'moxnas-ftp-cert-'));
    tls = { certFile: path.join(certDir, 'ftp.crt'), keyFile: path.join(certDir, 'ftp.key'), required: true };
    await runner.run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=moxnas-e2e', '-keyout', tls.keyFile, '-out', tls.certFile]);
  });
  afterAll(() => {
    fs.rmSync(tmpDir, { recursive: true, force: true });
    fs.rmSync(certDir, { recursive: true, force: true });
  });

  it('accepts the rendered main config with every option, TLS included', async () => {
    const withTls = { ...state, global: { ...state.global, tls } };
    expect(await validateVsftpdConf(renderVsftpdConf(withTls), runner, { tmpDir })).toEqual({ ok: true, messages: [], checker: 'vsftpd' });
  });

  it('rejects TLS with a certificate that cannot be loaded (vsftpd loads it before anything else)', async () => {
    const missing = { ...state, global: { ...state.global, tls: { ...tls, certFile: path.join(certDir, 'missing.crt') } } };
    const result = await validateVsftpdConf(renderVsftpdConf(missing), runner, { tmpDir });
    expect(result).toEqual({ ok: false, messages: ['SSL: cannot load RSA certificate'], checker: 'vsftpd' });
  });

  it('accepts the minimal and the IPv6 variants', async () => {
    const minimal = { global: { ...state.global, listenAddress: undefined, tls: undefined, banner: undefined }, shares: [] };
    expect((await validateVsftpdConf(renderVsftpdConf(minimal), runner, { tmpDir })).ok).toBe(true);
    const ipv6 = { ...state, global: { ...state.global, listenAddress: '::1' } };
    expect((await validateVsftpdConf(renderVsftpdConf(ipv6), runner, { tmpDir })).ok).toBe(true);
  });

  it('accepts every per-user file', async () => {
    for (const [user, text] of renderVsftpdUserConfigs(state)) {
      expect({ user, ...(await validateVsftpdConf(text, runner, { tmpDir })) }).toEqual({ user, ok: true, messages: [], checker: 'vsftpd' });
    }
  });

  it.each([
    ['an unknown option', (t: string) => `${t}anon_upload_enable_all=YES\n`, /unrecognised variable in config file: anon_upload_enable_all/],
    ['a bad boolean', (t: string) => t.replace('write_enable=NO', 'write_enable=MAYBE'), /bad bool value in config file for: write_enable/],
    ['a space after =', (t: string) => t.replace('local_enable=YES', 'local_enable= YES'), /bad bool value/],
  ])('rejects %s with vsftpd’s own message', async (_what, breakIt, message) => {
    const result = await validateVsftpdConf(breakIt(renderVsftpdConf(state)), runner, { tmpDir });
    expect(result.ok).toBe(false);
    expect(result.messages.join('\n')).toMatch(message);
  });

  it('never starts a listener, even for a config that says listen=YES', async () => {
    const started = Date.now();
    await validateVsftpdConf(renderVsftpdConf(state), runner, { tmpDir, timeoutMs: 5000 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(fs.readdirSync(tmpDir)).toEqual([]);
  });
});
