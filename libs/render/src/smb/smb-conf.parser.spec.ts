import { parseSmbConf } from './smb-conf.parser';

describe('parseSmbConf', () => {
  it('reads sections and parameters as Samba does', () => {
    const sections = parseSmbConf(
      '# comment\n; also a comment\nworkgroup = EARLY\n[global]\n\tServer   String =  two  words \n[Media]\n\tpath = /mnt/a b\n\tcomment = a = b ; c # d\n[media]\n\tread only = No\n',
    );
    expect(sections.map((s) => s.name)).toEqual(['global', 'Media']);
    expect(Object.fromEntries(sections[0].params)).toEqual({ workgroup: 'EARLY', 'server string': 'two words' });
    // Samba section names are case-insensitive: [media] continues [Media].
    expect(Object.fromEntries(sections[1].params)).toEqual({ path: '/mnt/a b', comment: 'a = b ; c # d', 'read only': 'No' });
  });

  it('joins continuation lines, which is how an injected backslash would show', () => {
    const [share] = parseSmbConf('[s]\n\tcomment = x\\\nroot preexec = id\n');
    expect(Object.fromEntries(share.params)).toEqual({ comment: 'xroot preexec = id' });
  });
});
