import { parseSmbConf, readSmbConf } from './smb-conf.parser';

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

describe('readSmbConf', () => {
  it('keeps line numbers, Samba keys, repeated headers and stray lines', () => {
    const doc = readSmbConf('workgroup = W\n[A]\r\n  Read  Only = no\n  comment = x \\\n  y\nnonsense\n[a] trailing\n  path = /p\n[broken\n');
    expect(doc.sections).toEqual([
      { name: 'global', line: 1, reopenedAt: [], params: [{ name: 'workgroup', key: 'workgroup', value: 'W', line: 1, text: 'workgroup = W' }] },
      {
        name: 'A',
        line: 2,
        reopenedAt: [7],
        params: [
          { name: 'Read Only', key: 'readonly', value: 'no', line: 3, text: 'Read  Only = no' },
          { name: 'comment', key: 'comment', value: 'x y', line: 4, text: 'comment = x   y' },
          { name: 'path', key: 'path', value: '/p', line: 8, text: 'path = /p' },
        ],
      },
      { name: 'broken', line: 9, reopenedAt: [], params: [] },
    ]);
    expect(doc.stray.map((s) => s.line)).toEqual([6, 7, 9]);
  });
});
