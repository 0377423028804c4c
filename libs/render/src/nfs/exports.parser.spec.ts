import { parseExports } from './exports.parser';

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
