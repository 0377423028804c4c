import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseExportfsVerbose } from './exportfs.parser';
import { ParseError } from './parse-error';

const fixture = (name: string) => readFileSync(path.join(__dirname, '__fixtures__', name), 'utf8');

describe('parseExportfsVerbose', () => {
  it('parses real exportfs -v output with padded, wrapped and space-containing paths', () => {
    expect(parseExportfsVerbose(fixture('exportfs-v.txt'))).toEqual([
      {
        path: '/tmp/nfsx/a',
        client: '127.0.0.1',
        options: ['sync', 'wdelay', 'hide', 'no_subtree_check', 'sec=sys', 'rw', 'root_squash', 'no_all_squash'],
      },
      {
        path: '/tmp/nfsx/a',
        client: '10.0.0.0/24',
        options: ['sync', 'wdelay', 'hide', 'no_subtree_check', 'anonuid=1000', 'anongid=1000', 'sec=sys', 'ro', 'root_squash', 'all_squash'],
      },
      {
        path: '/tmp/nfsx/a-very-long-directory-name/sub',
        client: '*.example.com',
        options: ['async', 'wdelay', 'hide', 'no_subtree_check', 'sec=sys:krb5', 'rw', 'no_root_squash', 'no_all_squash'],
      },
      {
        path: '/tmp/nfsx/with space',
        client: '*',
        options: ['sync', 'wdelay', 'hide', 'no_subtree_check', 'sec=sys', 'ro', 'root_squash', 'no_all_squash'],
      },
    ]);
  });

  it('reads the short form without options', () => {
    expect(parseExportfsVerbose('/srv\t<world>\n/export/a-long-path-name\n\t\thost.lan\n')).toEqual([
      { path: '/srv', client: '*', options: [] },
      { path: '/export/a-long-path-name', client: 'host.lan', options: [] },
    ]);
  });

  it('returns nothing for an empty export table', () => {
    expect(parseExportfsVerbose('')).toEqual([]);
  });

  it('fails on a wrapped path without its client line', () => {
    expect(() => parseExportfsVerbose('/a/very/long/path/name\n')).toThrow(ParseError);
    expect(() => parseExportfsVerbose('\t\t*(rw)\n')).toThrow(/client without a path/);
    expect(() => parseExportfsVerbose('/srv          \t*(rw,sync\n')).toThrow(/unterminated/);
  });
});
