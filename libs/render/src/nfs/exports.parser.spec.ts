import { parseExports, readExports } from './exports.parser';

describe('parseExports (strict)', () => {
  it('reads quoted and bare paths, comments and blank lines', () => {
    const result = parseExports('# note\n\n"/mnt/a b" 10.0.0.1(rw,sync,no_subtree_check)\n/mnt/c *(ro,no_subtree_check) @ng(ro)\n');
    expect(result.errors).toEqual([]);
    expect(result.exports).toEqual([
      { line: 3, path: '/mnt/a b', clients: [{ host: '10.0.0.1', options: ['rw', 'sync', 'no_subtree_check'] }] },
      { line: 4, path: '/mnt/c', clients: [{ host: '*', options: ['ro', 'no_subtree_check'] }, { host: '@ng', options: ['ro'] }] },
    ]);
  });

  it.each([
    ['an unknown option', '/mnt/a h(rw,bogus)', /unknown option "bogus"/],
    ['contradicting options', '/mnt/a h(rw,ro)', /both rw and ro/],
    ['a repeated option', '/mnt/a h(rw,rw)', /repeated/],
    ['a bare client', '/mnt/a host', /not client\(options\)/],
    ['a default-options token', '/mnt/a -rw h(rw)', /not client\(options\)/],
    ['no clients', '/mnt/a', /no clients/],
    ['a bad client', '/mnt/a 10.0.0.*(rw)', /client 10\.0\.0\.\*/],
    ['a relative path', 'mnt/a h(rw)', /path mnt\/a/],
    ['a path with ..', '/mnt/../etc h(rw)', /\.\./],
    ['an unterminated quote', '"/mnt/a h(rw)', /unterminated quote/],
    ['text glued to a quote', '"/mnt/a"x h(rw)', /after a closing quote/],
    ['a duplicate path', '/mnt/a h(rw)\n/mnt/a g(rw)', /line 2: \/mnt\/a is already exported on line 1/],
    ['a duplicate client', '/mnt/a h(rw) H(ro)', /listed twice/],
    ['a bad anonuid', '/mnt/a h(anonuid=-2)', /anonuid/],
    ['an unknown sec flavour', '/mnt/a h(sec=sys:unix)', /flavour/],
    ['a continuation', '/mnt/a h(rw) \\', /continuation/],
    ['a carriage return', '/mnt/a h(rw)\r', /control character/],
  ])('refuses %s', (_what, text, message) => {
    const { errors } = parseExports(text);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toMatch(message);
  });
});

describe('readExports (lenient, for import)', () => {
  it('reads what exportfs reads: comments, continuations, quotes, octal escapes, defaults, bare and missing clients', () => {
    const doc = readExports(
      '# top\n\n# Media\n/srv/m a(rw) b # trailing\n/srv/c\\\n  -async h1 h2(ro)\n"/srv/q r" (rw)\n/srv/\\303\\251\\040x\n/srv/bad "open\n',
    );
    expect(doc.entries).toEqual([
      { line: 4, path: '/srv/m', comment: 'Media', text: '/srv/m a(rw) b # trailing', clients: [{ host: 'a', options: ['rw'] }, { host: 'b', options: [], implicit: 'bare-host' }] },
      { line: 5, path: '/srv/c', comment: null, text: '/srv/c   -async h1 h2(ro)', clients: [{ host: 'h1', options: ['async'], implicit: 'bare-host' }, { host: 'h2', options: ['async', 'ro'] }] },
      { line: 7, path: '/srv/q r', comment: null, text: '"/srv/q r" (rw)', clients: [{ host: '*', options: ['rw'], implicit: 'no-host' }] },
      { line: 8, path: '/srv/é x', comment: null, text: '/srv/\\303\\251\\040x', clients: [{ host: '*', options: [], implicit: 'no-clients' }] },
    ]);
    expect(doc.stray).toEqual([{ line: 9, text: '/srv/bad "open', reason: 'unterminated quote' }]);
  });
});
