import { SmbShareCreate } from '@moxnas/contracts';
import { proposeShares } from './propose-shares';
import { smbHostEntry } from './propose-smb';

describe('smb.conf import: hosts allow / hosts deny forms (issue 14, defect 12)', () => {
  it('converts Samba’s IPv4 prefix form to the same network as a CIDR', () => {
    expect(smbHostEntry('192.168.1.')).toBe('192.168.1.0/24');
    expect(smbHostEntry('172.16.')).toBe('172.16.0.0/16');
    expect(smbHostEntry('10.')).toBe('10.0.0.0/8');
  });

  it('converts an address/netmask to a CIDR', () => {
    expect(smbHostEntry('192.168.1.0/255.255.255.0')).toBe('192.168.1.0/24');
    expect(smbHostEntry('10.0.0.0/255.0.0.0')).toBe('10.0.0.0/8');
    expect(smbHostEntry('10.1.2.3/255.255.255.255')).toBe('10.1.2.3/32');
  });

  it('carries every other form as written', () => {
    for (const entry of ['10.0.0.0/8', '10.0.0.1', 'nas.example.com', '.example.com', '300.1.', '10.0.0.0/255.0.255.0', 'EXCEPT', '192.168.1.1.']) {
      expect(smbHostEntry(entry)).toBe(entry);
    }
  });

  it('imports a share restricted by prefix instead of skipping it, and the contract accepts it', () => {
    const report = proposeShares({
      smbConf: ['[lan]', '   path = /srv/lan', '   hosts allow = 192.168.1. 10.0.0.0/255.0.0.0 127.0.0.1', '   hosts deny = 192.168.1.66 172.16.', ''].join('\n'),
    });
    expect(report.smb).toHaveLength(1);
    const { share } = report.smb[0];
    expect(share).toMatchObject({ hostsAllow: ['192.168.1.0/24', '10.0.0.0/8', '127.0.0.1'], hostsDeny: ['192.168.1.66', '172.16.0.0/16'] });
    expect(SmbShareCreate.safeParse(share).success).toBe(true);
  });

  it('accepts the recipe the hosts allow hint gives for "only these clients"', () => {
    const share = { name: 'only-lan', path: '/srv/lan', hostsAllow: ['192.168.1.0/24'], hostsDeny: ['0.0.0.0/0', '::/0'] };
    expect(SmbShareCreate.safeParse(share).success).toBe(true);
  });
});
