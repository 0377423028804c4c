import { parseHostnameFile, parseResolvConf, renderHostsFile, renderResolvConf, RESOLV_CONF_HEADER } from './etc-network-files';

describe('resolv.conf', () => {
  const current = '# from DHCP\ndomain old.lan\nsearch a.lan b.lan\nnameserver 10.0.0.1\nnameserver 10.0.0.2 # primary\noptions ndots:2 rotate\n';

  it('parses name servers, the last search/domain line and options', () => {
    expect(parseResolvConf(current)).toEqual({ nameservers: ['10.0.0.1', '10.0.0.2'], search: ['a.lan', 'b.lan'], options: ['ndots:2', 'rotate'] });
  });

  it('replaces servers and search, keeping comments and options', () => {
    const text = renderResolvConf(current, { nameservers: ['1.1.1.1', '2606:4700:4700::1111'], search: ['nas.lan'] });
    expect(text).toBe(`${RESOLV_CONF_HEADER}\n# from DHCP\noptions ndots:2 rotate\nsearch nas.lan\nnameserver 1.1.1.1\nnameserver 2606:4700:4700::1111\n`);
    expect(parseResolvConf(text)).toEqual({ nameservers: ['1.1.1.1', '2606:4700:4700::1111'], search: ['nas.lan'], options: ['ndots:2', 'rotate'] });
    // Idempotent: rendering again changes nothing.
    expect(renderResolvConf(text, { nameservers: ['1.1.1.1', '2606:4700:4700::1111'], search: ['nas.lan'] })).toBe(text);
  });

  it('writes a file from nothing', () => {
    expect(renderResolvConf(null, { nameservers: ['9.9.9.9'], search: [] })).toBe(`${RESOLV_CONF_HEADER}\nnameserver 9.9.9.9\n`);
  });
});

describe('hostname and hosts', () => {
  it('reads the first name of /etc/hostname', () => {
    expect(parseHostnameFile('# set by installer\nnas01\n')).toBe('nas01');
    expect(parseHostnameFile('\n')).toBeNull();
  });

  it('replaces the 127.0.1.1 line and keeps the others', () => {
    const hosts = '127.0.0.1\tlocalhost\n127.0.1.1\told.example.lan old\n::1\tlocalhost ip6-localhost\n192.168.1.5\tprinter\n';
    expect(renderHostsFile(hosts, 'nas.example.lan')).toBe('127.0.0.1\tlocalhost\n127.0.1.1\tnas.example.lan nas\n::1\tlocalhost ip6-localhost\n192.168.1.5\tprinter\n');
  });

  it('adds the line after localhost when there is none', () => {
    expect(renderHostsFile('127.0.0.1 localhost\n::1 localhost\n', 'nas')).toBe('127.0.0.1 localhost\n127.0.1.1\tnas\n::1 localhost\n');
    expect(renderHostsFile(null, 'nas')).toBe('127.0.0.1\tlocalhost\n127.0.1.1\tnas\n');
  });
});
