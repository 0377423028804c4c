import type { z } from 'zod';
import { canonicalIPv6 } from './addresses';
import {
  AbsolutePath,
  AnonId,
  ExportComment,
  FtpBanner,
  GroupNameList,
  HostAccessEntry,
  HostAccessList,
  IPv4Address,
  IpAddress,
  NetbiosName,
  NetworkInterface,
  NfsClientSpec,
  NfsSecFlavors,
  OctalMask,
  PamServiceName,
  PosixGroupName,
  PosixUserName,
  RelativePath,
  shareNameKey,
  ShareComment,
  SizeWithUnit,
  SmbSectionName,
  SmbServerString,
  SmbShareName,
  SmbWorkgroup,
  TcpPort,
  TcpPortRange,
  UserNameList,
} from './grammar';
import { datasetNameProblem } from './storage-names';

function accepts(schema: z.ZodType, value: unknown): boolean {
  return schema.safeParse(value).success;
}

function messageOf(schema: z.ZodType, value: unknown): string {
  const result = schema.safeParse(value);
  if (result.success) throw new Error(`expected ${JSON.stringify(value)} to be rejected`);
  return result.error.issues[0].message;
}

/**
 * Values that try to break out of a config line: each must be refused by every string grammar.
 * (What is inert on one line, such as `include = /etc/x` in a comment, is covered separately.)
 */
const INJECTIONS: [string, string][] = [
  ['newline', 'a\nb'],
  ['carriage return', 'a\rb'],
  ['CRLF', 'a\r\nb'],
  ['NUL', 'a\u0000b'],
  ['new section', 'x\n[global]'],
  ['include line', 'x\ninclude = /etc/x'],
  ['root preexec line', 'x\nroot preexec = /bin/sh -c id'],
  ['vsftpd option line', 'x\nanon_upload_enable=YES'],
  ['exports line', 'x\n/ *(rw,no_root_squash)'],
  ['trailing backslash (line continuation)', 'comment\\'],
  ['backslash-newline', 'a\\\nroot preexec = id'],
  ['tab', 'a\tb'],
  ['escape sequence', 'a\u001b[31mb'],
  ['DEL', 'a\u007fb'],
  ['NEL (U+0085)', 'a\u0085b'],
  ['line separator (U+2028)', 'a\u2028b'],
  ['paragraph separator (U+2029)', 'a\u2029b'],
  ['right-to-left override', 'a\u202eb'],
  ['zero-width space', 'a\u200bb'],
  ['byte order mark', '\ufeffab'],
  ['lone surrogate', 'a\ud800b'],
  ['64 KiB', 'a'.repeat(65536)],
];

const STRING_GRAMMARS: [string, z.ZodType][] = [
  ['SmbShareName', SmbShareName],
  ['ShareComment', ShareComment],
  ['SmbServerString', SmbServerString],
  ['FtpBanner', FtpBanner],
  ['ExportComment', ExportComment],
  ['AbsolutePath', AbsolutePath],
  ['RelativePath', RelativePath],
  ['PosixUserName', PosixUserName],
  ['PosixGroupName', PosixGroupName],
  ['HostAccessEntry', HostAccessEntry],
  ['NfsClientSpec', NfsClientSpec],
  ['NetbiosName', NetbiosName],
  ['SmbWorkgroup', SmbWorkgroup],
  ['OctalMask', OctalMask],
  ['SizeWithUnit', SizeWithUnit],
  ['NetworkInterface', NetworkInterface],
  ['PamServiceName', PamServiceName],
  ['IpAddress', IpAddress],
];

describe('field grammars: injection corpus', () => {
  for (const [grammarName, schema] of STRING_GRAMMARS) {
    for (const [what, raw] of INJECTIONS) {
      // Prefix with a valid-looking start so the injection, not a bad first character, is what fails.
      const value = grammarName === 'AbsolutePath' ? `/srv/${raw}` : raw;
      it(`${grammarName} refuses ${what}`, () => {
        expect(accepts(schema, value)).toBe(false);
      });
    }
    it(`${grammarName} refuses non-strings and the empty string`, () => {
      expect(accepts(schema, 42)).toBe(false);
      expect(accepts(schema, null)).toBe(false);
      expect(accepts(schema, '')).toBe(false);
    });
  }

  it('says what is wrong in words', () => {
    expect(messageOf(ShareComment, 'a\nroot preexec = id')).toBe('must be a single line (no line breaks)');
    expect(messageOf(ShareComment, 'a\u0000')).toBe('must not contain NUL characters');
    expect(messageOf(ShareComment, 'a\\')).toBe('must not end with a backslash');
    expect(messageOf(ShareComment, 'a'.repeat(65536))).toBe('must be at most 255 characters');
    expect(messageOf(ShareComment, 'a\u202eb')).toBe('must not contain invisible or unassigned Unicode characters');
    expect(messageOf(ShareComment, 'home of %u')).toMatch(/must not contain %/);
  });

  it('reports one problem per field, not a pile', () => {
    const result = ShareComment.safeParse(' x\n%[');
    expect(result.success).toBe(false);
    expect(result.error?.issues).toHaveLength(1);
  });
});

describe('Samba macros and brackets', () => {
  it.each(['%u', '%U', '%S', '%I', '%m', '%$(HOME)', '100%'])('free text refuses the macro-like %s', (macro) => {
    for (const schema of [ShareComment, SmbServerString, FtpBanner, ExportComment]) {
      expect(accepts(schema, `files of ${macro}`)).toBe(false);
    }
    expect(accepts(AbsolutePath, `/srv/${macro}`)).toBe(false);
  });

  it.each(['[global]', 'a]b', 'a[b'])('free text refuses brackets: %s', (value) => {
    expect(accepts(ShareComment, value)).toBe(false);
    expect(accepts(SmbServerString, value)).toBe(false);
  });

  it('keeps parameter-looking text on one line inert: accepted as plain text', () => {
    // Without a line break Samba reads this as the comment's value, nothing more; the round-trip e2e
    // test proves testparm sees no include and no root preexec parameter.
    expect(accepts(ShareComment, 'include = /etc/x')).toBe(true);
    expect(accepts(ShareComment, 'root preexec = /bin/sh -c id')).toBe(true);
    expect(accepts(ShareComment, '; looks like a comment # and more')).toBe(true);
  });
});

describe('SmbShareName', () => {
  it.each(['Media', 'Fotos 2024', 'Überweisungen', 'admin$', '日本語', "O'Brien & Co", 'a'.repeat(80), 'x'])('accepts %s', (name) => {
    expect(accepts(SmbShareName, name)).toBe(true);
  });

  it.each(['global', 'GLOBAL', 'Homes', 'printers', 'IPC$', 'ipc$'])('refuses the reserved name %s', (name) => {
    expect(messageOf(SmbShareName, name)).toMatch(/reserved/);
  });

  it.each([...'[]\\/:*?"<>|;,=+%'].map((c) => `a${c}b`))('refuses %s', (name) => {
    expect(messageOf(SmbShareName, name)).toMatch(/must not contain/);
  });

  it.each([
    ['full-width bracket', 'a\uff3bb'],
    ['full-width percent', 'a\uff05u'],
    ['full-width solidus', 'a\uff0fb'],
    ['full-width reserved name', '\uff27\uff2c\uff2f\uff22\uff21\uff2c'],
  ])('refuses the look-alike: %s', (_what, name) => {
    expect(accepts(SmbShareName, name)).toBe(false);
  });

  it.each([' lead', 'trail ', 'two  spaces', 'a'.repeat(81)])('refuses %j', (name) => {
    expect(accepts(SmbShareName, name)).toBe(false);
  });

  // Issue 14 defect 11: names that the tools admins run read as options, comments or globs.
  it.each([
    ['#comment', /must not start with - or #/],
    ['-o', /must not start with - or #/],
    ['--help', /must not start with - or #/],
    ['\uff0do', /must not start with - or #/],
    ['Media (old)', /\( \)/],
    ['a\uff08b', /\( \)/],
  ])('refuses %j with a message saying why', (name, message) => {
    expect(messageOf(SmbShareName, name)).toMatch(message);
  });

  it.each(['a-b', 'a#b', 'C#', 'x-'])('accepts - and # after the first character: %s', (name) => {
    expect(accepts(SmbShareName, name)).toBe(true);
  });

  it('renders names stored before those rules (a section needs only the injection grammar)', () => {
    for (const name of ['#comment', '-o', 'Media (old)']) expect(accepts(SmbSectionName, name)).toBe(true);
    for (const name of ['a]b', 'a%u', 'global', 'a\nb', 'a,b']) expect(accepts(SmbSectionName, name)).toBe(false);
  });

  it('keys names the way Samba compares them', () => {
    expect(shareNameKey('Media')).toBe(shareNameKey('MEDIA'));
    expect(shareNameKey('\uff2d\uff45\uff44\uff49\uff41')).toBe('media');
  });
});

describe('AbsolutePath', () => {
  it.each([
    '/mnt/pool/media',
    '/mnt/pool/Fotos 2024',
    '/mnt/pool/日本語/データ',
    '/mnt/pool/é',
    "/mnt/pool/o'brien",
    '/mnt/pool/a#b',
    '/mnt/pool/a=b;c',
    '/a',
  ])('accepts %s', (p) => {
    expect(accepts(AbsolutePath, p)).toBe(true);
  });

  it.each([
    ['relative', 'mnt/pool', /absolute/],
    ['the root', '/', /root/],
    ['..', '/mnt/../etc', /\.\./],
    ['../ at the start', '/../etc', /\.\./],
    ['.', '/mnt/./pool', /\.\./],
    ['//', '/mnt//pool', /normalized/],
    ['trailing /', '/mnt/pool/', /normalized/],
    ['trailing space', '/mnt/pool ', /space/],
    ['doubled space', '/mnt/a  b', /two whitespace/],
    ['macro', '/home/%u', /%/],
    ['quote', '/mnt/"x"', /"/],
    ['backslash', '/mnt/a\\b', /must not contain/],
    ['brackets', '/mnt/[x]', /must not contain/],
    ['full-width solidus', '/mnt/a\uff0fb', /look-alikes/],
    ['full-width dots', '/mnt/\uff0e\uff0e/etc', /look-alikes/],
    ['a component over 255 bytes', `/mnt/${'é'.repeat(128)}`, /255 bytes/],
    ['over 1024 bytes', `/${'a/'.repeat(600)}a`, /1024/],
  ])('refuses %s', (_what, p, message) => {
    expect(messageOf(AbsolutePath, p)).toMatch(message);
  });
});

describe('RelativePath', () => {
  it.each(['.recycle', '.zfs/snapshot', 'bin/Papierkorb'])('accepts %s', (p) => expect(accepts(RelativePath, p)).toBe(true));
  it.each(['/abs', '../up', 'a/../b', 'a//b', 'a/', ' lead', '.recycle/%U', './x'])('refuses %s', (p) => expect(accepts(RelativePath, p)).toBe(false));
});

describe('POSIX names', () => {
  it.each(['alice', '_svc', 'a-b', 'b2', 'a'.repeat(32)])('accepts %s', (n) => {
    expect(accepts(PosixUserName, n)).toBe(true);
    expect(accepts(PosixGroupName, n)).toBe(true);
  });
  it.each(['Alice', '-alice', '1abc', 'a'.repeat(33), 'a b', 'a$', 'al.ice', '\u0430lice' /* Cyrillic а */, '@staff'])('refuses %s', (n) => {
    expect(accepts(PosixUserName, n)).toBe(false);
    expect(accepts(PosixGroupName, n)).toBe(false);
  });
  it('lists refuse duplicates and say which', () => {
    const result = UserNameList.safeParse(['alice', 'bob', 'alice']);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: [2], message: 'alice is listed twice' });
    expect(accepts(GroupNameList, ['staff', 'media'])).toBe(true);
    expect(accepts(UserNameList, Array.from({ length: 1001 }, (_, i) => `u${i}`))).toBe(false);
  });
});

describe('HostAccessEntry', () => {
  it.each(['10.0.0.1', '10.0.0.0/8', '192.168.1.0/24', '2001:db8::1', 'fd00::/8', '::1', 'host1', 'nas.example.com', '.example.com', 'ALL'])(
    'accepts %s',
    (v) => expect(accepts(HostAccessEntry, v)).toBe(true),
  );
  it.each(['EXCEPT', 'except', '10.0.0.256', '010.0.0.1', '10.0.0.0/33', '10.0.0.0/08', '::1/129', 'a..b', '-host', 'host_name', '*.example.com', '10.0.0.*', '@netgroup', 'fe80::1%eth0', '10.0.0.1 10.0.0.2', '10.0.0.1,10.0.0.2', 'h\u0430st' /* Cyrillic */])(
    'refuses %s',
    (v) => expect(accepts(HostAccessEntry, v)).toBe(false),
  );
  it('explains EXCEPT', () => expect(messageOf(HostAccessEntry, 'EXCEPT')).toMatch(/separate allow and deny/));
  it('lists are bounded and unique', () => {
    expect(accepts(HostAccessList, ['10.0.0.1', '10.0.0.1'])).toBe(false);
    expect(accepts(HostAccessList, Array.from({ length: 257 }, (_, i) => `10.0.${i >> 8}.${i & 255}`))).toBe(false);
  });
});

describe('NfsClientSpec', () => {
  it.each(['*', '10.0.0.1', '10.0.0.0/24', '2001:db8::/32', '2001:db8::1', 'host.lan', 'client1', '*.example.com', 'node?.lan', '@trusted'])('accepts %s', (v) => {
    expect(accepts(NfsClientSpec, v)).toBe(true);
  });
  it.each(['10.0.0.*', '10.0.0.0/99', 'a b', 'host(rw)', 'host,other', '@', '@a b', '*.', 'host/24', '[2001:db8::1]', 'h\u043est'])('refuses %s', (v) => {
    expect(accepts(NfsClientSpec, v)).toBe(false);
  });
  it('points IP wildcards at CIDR', () => expect(messageOf(NfsClientSpec, '10.0.0.*')).toMatch(/CIDR/));
  it('canonicalises IPv6 for de-duplication', () => expect(canonicalIPv6('2001:DB8:0:0::1')).toBe('2001:db8::1'));
});

describe('small fields', () => {
  it('octal masks', () => {
    for (const ok of ['0664', '664', '2775', '02775', '0777']) expect(accepts(OctalMask, ok)).toBe(true);
    for (const bad of ['0888', '66', '066445', 'rwx', '0o664', ' 0664']) expect(accepts(OctalMask, bad)).toBe(false);
  });
  it('sizes', () => {
    for (const ok of ['1T', '500G', '100M', '2P', '999999K']) expect(accepts(SizeWithUnit, ok)).toBe(true);
    for (const bad of ['0G', '1.5T', '1TB', '1t', '-1G', '1', 'G', '1000000G']) expect(accepts(SizeWithUnit, bad)).toBe(false);
  });
  it('ports and ranges', () => {
    expect(accepts(TcpPort, 21)).toBe(true);
    for (const bad of [0, 65536, 1.5, '21']) expect(accepts(TcpPort, bad)).toBe(false);
    expect(accepts(TcpPortRange, { min: 50000, max: 50100 })).toBe(true);
    expect(accepts(TcpPortRange, { min: 50000, max: 50000 })).toBe(true);
    expect(messageOf(TcpPortRange, { min: 50100, max: 50000 })).toMatch(/first port/);
  });
  it('anon ids stay within what exportfs reads back', () => {
    expect(accepts(AnonId, 65534)).toBe(true);
    expect(accepts(AnonId, 0)).toBe(true);
    for (const bad of [-1, 2147483648, 1.5, 4294967294]) expect(accepts(AnonId, bad)).toBe(false);
  });
  it('NFS security flavours', () => {
    expect(accepts(NfsSecFlavors, ['sys', 'krb5p'])).toBe(true);
    for (const bad of [[], ['sys', 'sys'], ['none'], ['unix']]) expect(accepts(NfsSecFlavors, bad)).toBe(false);
  });
  it('NetBIOS names and workgroups', () => {
    for (const ok of ['NAS01', 'MY-NAS', 'WORKGROUP', 'CORP.LOCAL', 'a']) {
      expect(accepts(NetbiosName, ok)).toBe(true);
      expect(accepts(SmbWorkgroup, ok)).toBe(true);
    }
    for (const bad of ['THIS-NAME-IS-TOO-LONG', 'nas box', 'nas%', '-nas', '.nas', 'nás']) {
      expect(accepts(NetbiosName, bad)).toBe(false);
      expect(accepts(SmbWorkgroup, bad)).toBe(false);
    }
  });
  it('free text takes Unicode but not edge or doubled whitespace', () => {
    expect(accepts(ShareComment, 'Fotos — Familie 👪 ✓')).toBe(true);
    expect(accepts(SmbServerString, 'MoxNAS (Samba)')).toBe(true);
    expect(accepts(FtpBanner, 'Welcome to MoxNAS FTP; be nice.')).toBe(true);
    for (const bad of [' x', 'x ', 'a  b', 'a\u00a0\u00a0b']) expect(accepts(ShareComment, bad)).toBe(false);
    expect(accepts(ShareComment, 'a'.repeat(256))).toBe(false);
  });
  it('addresses, interfaces, PAM services', () => {
    expect(accepts(IPv4Address, '192.168.1.10')).toBe(true);
    expect(accepts(IPv4Address, '::1')).toBe(false);
    expect(accepts(IpAddress, '::1')).toBe(true);
    for (const ok of ['eth0', 'lo', 'vmbr0.100', '10.0.0.1', '10.0.0.0/24', 'fd00::1']) expect(accepts(NetworkInterface, ok)).toBe(true);
    for (const bad of ['eth0 eth1', 'a-very-long-interface', '..', 'eth0;x']) expect(accepts(NetworkInterface, bad)).toBe(false);
    expect(accepts(PamServiceName, 'vsftpd')).toBe(true);
    for (const bad of ['../shadow', 'Vsftpd', 'a/b']) expect(accepts(PamServiceName, bad)).toBe(false);
  });
});

describe('dataset names', () => {
  it.each(['media', 'Photos_2024', 'a-b', 'C#', 'Überweisungen', '.hidden', 'v1.2'])('accepts %s', (name) => {
    expect(datasetNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['-o', /must not start with - or #/],
    ['--help', /must not start with - or #/],
    ['#x', /must not start with - or #/],
    ['*(rw,no_root_squash)', /glob and option characters/],
    ['a*', /glob and option characters/],
    ['a?b', /glob and option characters/],
    ['a,b', /glob and option characters/],
    ['a(b)', /glob and option characters/],
    ['Photos 2024', /spaces/],
    ['a\u00a0b', /spaces/],
    ['a\u3000b', /spaces/],
  ])('refuses %j', (name, message) => {
    expect(datasetNameProblem(name)).toMatch(message);
  });
});
