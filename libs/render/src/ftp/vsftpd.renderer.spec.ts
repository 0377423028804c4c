import path from 'node:path';
import { RenderError } from '../render-error';
import { expectGolden, INJECTED_VALUES } from '../test/golden';
import { renderVsftpdChrootList, renderVsftpdConf, renderVsftpdUserConfigs, renderVsftpdUserList } from './vsftpd.renderer';
import { findFtpShareConflicts, type FtpShareStateInput, type VsftpdStateInput } from './vsftpd.state';

const fixture = (name: string) => path.join(__dirname, '__fixtures__', name);

const globalBase: VsftpdStateInput['global'] = {
  listenPort: 21,
  userConfigDir: '/etc/vsftpd/users',
  userListFile: '/etc/vsftpd/user_list',
  chrootListFile: '/etc/vsftpd/chroot_list',
};

const fullState: VsftpdStateInput = {
  global: {
    ...globalBase,
    listenPort: 2121,
    listenAddress: '192.168.1.10',
    background: false,
    passivePorts: { min: 50000, max: 50100 },
    pasvAddress: '203.0.113.7',
    banner: 'Welcome to MoxNAS FTP',
    maxClients: 50,
    maxPerIp: 5,
    localUmask: '002',
    tls: { certFile: '/etc/moxnas/tls/ftp.crt', keyFile: '/etc/moxnas/tls/ftp.key', required: true },
    logFile: '/var/lib/moxnas/log/vsftpd.log',
  },
  shares: [
    { name: 'uploads', path: '/mnt/tank/uploads', allowedUsers: ['carol', 'alice'], writeEnable: true },
    { name: 'archive', path: '/mnt/tank/archive', allowedUsers: ['bob'], chroot: false },
    { name: 'public', path: '/mnt/tank/public', anonymous: true },
    { name: 'retired', enabled: false, path: '/mnt/tank/old', allowedUsers: ['alice'] },
  ],
};

describe('vsftpd renderers', () => {
  it('renders the main config (golden)', () => {
    expectGolden(fixture('vsftpd.conf.full.golden'), renderVsftpdConf(fullState));
  });

  it('renders a minimal config: nobody may log in, no anonymous, no TLS (golden)', () => {
    expectGolden(fixture('vsftpd.conf.minimal.golden'), renderVsftpdConf({ global: globalBase, shares: [] }));
  });

  it('writes one file per allowed user with their root and write permission', () => {
    const files = renderVsftpdUserConfigs(fullState);
    expect([...files.keys()]).toEqual(['alice', 'bob', 'carol']);
    expect(files.get('alice')).toMatch(/\nlocal_root=\/mnt\/tank\/uploads\nwrite_enable=YES\n$/);
    expect(files.get('bob')).toMatch(/\nlocal_root=\/mnt\/tank\/archive\nwrite_enable=NO\n$/);
  });

  it('lists exactly the allowed logins, plus the anonymous names when anonymous FTP is on', () => {
    const names = (text: string) => text.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(names(renderVsftpdUserList(fullState))).toEqual(['alice', 'anonymous', 'bob', 'carol', 'ftp']);
    expect(names(renderVsftpdChrootList(fullState))).toEqual(['bob']);
    const closed = { global: globalBase, shares: [] };
    expect(names(renderVsftpdUserList(closed))).toEqual([]);
  });

  it('switches to the IPv6 listener for an IPv6 address', () => {
    const text = renderVsftpdConf({ global: { ...globalBase, listenAddress: 'fd00::10' }, shares: [] });
    expect(text).toContain('listen=NO\nlisten_ipv6=YES\n');
    expect(text).toContain('listen_address6=fd00::10\n');
    expect(text).not.toContain('listen_address=');
  });

  it('leaves background unset unless the driver asks', () => {
    expect(renderVsftpdConf({ global: globalBase, shares: [] })).not.toContain('background=');
    expect(renderVsftpdConf({ global: { ...globalBase, background: true }, shares: [] })).toContain('background=YES\n');
  });

  it('keeps anonymous FTP read-only', () => {
    const text = renderVsftpdConf(fullState);
    expect(text).toContain('anonymous_enable=YES\nanon_root=/mnt/tank/public\n');
    expect(text).toContain('anon_upload_enable=NO\nanon_mkdir_write_enable=NO\nanon_other_write_enable=NO\n');
    expect(text).toContain('\nwrite_enable=NO\n');
  });

  describe('one root per login', () => {
    const share = (over: Partial<FtpShareStateInput>): FtpShareStateInput => ({ path: '/mnt/tank/x', ...over });

    it('refuses a user in two enabled shares, naming the field and the other share', () => {
      const state = { global: globalBase, shares: [share({ name: 'a', allowedUsers: ['alice'] }), share({ name: 'b', path: '/mnt/tank/y', allowedUsers: ['bob', 'alice'] })] };
      expect(() => renderVsftpdConf(state)).toThrow(RenderError);
      expect(() => renderVsftpdUserConfigs(state)).toThrow(/shares\.1\.allowedUsers\.1: alice already has FTP share "a"/);
    });

    it('ignores disabled shares', () => {
      const issues = findFtpShareConflicts([
        { enabled: true, anonymous: true, allowedUsers: ['alice'] },
        { enabled: false, anonymous: true, allowedUsers: ['alice'] },
      ]);
      expect(issues).toEqual([]);
    });

    it('refuses a second anonymous share and the anonymous logins as users', () => {
      const issues = findFtpShareConflicts([
        { enabled: true, anonymous: true, allowedUsers: ['ftp'] },
        { name: 'two', enabled: true, anonymous: true, allowedUsers: ['anonymous'] },
      ]);
      expect(issues.map((i) => i.field)).toEqual(['shares.0.allowedUsers.0', 'shares.1.allowedUsers.0', 'shares.1.anonymous']);
      expect(issues[2].message).toMatch(/share #1 already serves anonymous FTP/);
    });
  });

  describe('re-validates every value', () => {
    const globalFields: [string, (v: string) => Partial<VsftpdStateInput['global']>][] = [
      ['banner', (v) => ({ banner: v })],
      ['listenAddress', (v) => ({ listenAddress: v })],
      ['pasvAddress', (v) => ({ pasvAddress: v })],
      ['localUmask', (v) => ({ localUmask: v })],
      ['pamServiceName', (v) => ({ pamServiceName: v })],
      ['secureChrootDir', (v) => ({ secureChrootDir: v })],
      ['userConfigDir', (v) => ({ userConfigDir: v })],
      ['userListFile', (v) => ({ userListFile: v })],
      ['chrootListFile', (v) => ({ chrootListFile: v })],
      ['logFile', (v) => ({ logFile: v })],
      ['tls.certFile', (v) => ({ tls: { certFile: v, keyFile: '/k' } })],
      ['anonymousUser', (v) => ({ anonymousUser: v })],
    ];
    for (const [field, make] of globalFields) {
      it(`names global.${field}`, () => {
        for (const bad of [...INJECTED_VALUES, 'x\nanon_upload_enable=YES']) {
          expect(() => renderVsftpdConf({ global: { ...globalBase, ...make(bad) }, shares: [] })).toThrow(
            expect.objectContaining({ field: `global.${field}`, file: 'vsftpd.conf' }),
          );
        }
      });
    }

    it('names share fields in every FTP file it renders', () => {
      for (const bad of INJECTED_VALUES) {
        const badPath = { global: globalBase, shares: [{ path: `/mnt/${bad}`, allowedUsers: ['alice'] }] };
        expect(() => renderVsftpdUserConfigs(badPath)).toThrow(expect.objectContaining({ field: 'shares.0.path' }));
        const badUser = { global: globalBase, shares: [{ path: '/mnt/x', allowedUsers: [bad] }] };
        expect(() => renderVsftpdUserList(badUser)).toThrow(expect.objectContaining({ field: 'shares.0.allowedUsers.0' }));
        expect(() => renderVsftpdChrootList(badUser)).toThrow(RenderError);
      }
    });

    it('checks ports and ranges', () => {
      expect(() => renderVsftpdConf({ global: { ...globalBase, listenPort: 0 }, shares: [] })).toThrow(expect.objectContaining({ field: 'global.listenPort' }));
      expect(() => renderVsftpdConf({ global: { ...globalBase, passivePorts: { min: 5, max: 4 } }, shares: [] })).toThrow(
        expect.objectContaining({ field: 'global.passivePorts.max' }),
      );
    });
  });
});
