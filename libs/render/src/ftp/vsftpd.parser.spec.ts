import { parseVsftpdConf, vsftpdBoolean } from './vsftpd.parser';

describe('parseVsftpdConf', () => {
  it('reads option=value lines verbatim, as vsftpd does', () => {
    const doc = parseVsftpdConf('# comment\n\nlisten=YES\r\nftpd_banner= Hello = world \n  #indented is not a comment\nlocal_root=/srv/a\nlocal_root=/srv/b\n');
    expect(doc.settings).toEqual([
      { name: 'listen', value: 'YES', line: 3 },
      { name: 'ftpd_banner', value: ' Hello = world ', line: 4 },
      { name: 'local_root', value: '/srv/a', line: 6 },
      { name: 'local_root', value: '/srv/b', line: 7 },
    ]);
    expect(doc.stray).toEqual([{ line: 5, text: '  #indented is not a comment', reason: expect.stringMatching(/refuses to start/) }]);
  });

  it.each([
    ['YES', true], ['yes', true], ['TRUE', true], ['1', true],
    ['NO', false], ['false', false], ['0', false], ['maybe', undefined], [' YES', undefined],
  ])('reads the boolean %j', (value, expected) => expect(vsftpdBoolean(value)).toBe(expected));
});
