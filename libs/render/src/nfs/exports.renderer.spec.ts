import path from 'node:path';
import { RenderError } from '../render-error';
import { expectGolden, INJECTED_VALUES } from '../test/golden';
import { parseExports } from './exports.parser';
import { canonicalClient, quoteExportPath, renderExports } from './exports.renderer';
import type { ExportsStateInput } from './exports.state';

type ExportInput = ExportsStateInput['exports'][number];
const fixture = (name: string) => path.join(__dirname, '__fixtures__', name);
const base: ExportInput = { path: '/mnt/tank/media', clients: [{ host: '10.0.0.0/24', access: 'rw' }], squash: 'root', sync: true };

describe('renderExports', () => {
  it('renders a realistic file (golden)', () => {
    const text = renderExports({
      exports: [
        {
          path: '/mnt/tank/media',
          comment: 'Media for the living room',
          clients: [
            { host: '192.168.1.0/24', access: 'rw' },
            { host: '*.lan.example.com', access: 'ro' },
            { host: 'fd00::/8', access: 'ro' },
          ],
          squash: 'root',
          sync: true,
        },
        {
          path: '/mnt/tank/backup area',
          clients: [{ host: 'backup.example.com', access: 'rw' }],
          squash: 'none',
          sync: false,
          security: ['krb5p', 'krb5i'],
          insecure: true,
        },
        {
          path: '/mnt/tank/public',
          comment: 'Read-only for everyone; all users squashed',
          clients: [
            { host: '*', access: 'ro' },
            { host: '@trusted', access: 'rw' },
          ],
          squash: 'all',
          anonUid: 65534,
          anonGid: 65534,
          sync: true,
          subtreeCheck: true,
        },
        { ...base, path: '/mnt/tank/disabled', enabled: false },
      ],
    });
    expectGolden(fixture('exports.golden'), text);
  });

  it('writes only the header for no exports', () => {
    const text = renderExports({ exports: [] });
    expect(text.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual([]);
  });

  it('puts the comment on its own # line above the export', () => {
    const text = renderExports({ exports: [{ ...base, comment: 'include = /etc/x; /etc *(rw)' }] });
    expect(text).toContain('\n# include = /etc/x; /etc *(rw)\n/mnt/tank/media 10.0.0.0/24(');
  });

  it('quotes paths with spaces or non-ASCII, leaves plain ones bare', () => {
    expect(quoteExportPath('/mnt/tank/a b')).toBe('"/mnt/tank/a b"');
    expect(quoteExportPath('/mnt/tank/Fotos-ü')).toBe('"/mnt/tank/Fotos-ü"');
    expect(quoteExportPath('/mnt/tank/plain_dir.v2')).toBe('/mnt/tank/plain_dir.v2');
  });

  it('writes options in a fixed order, no_subtree_check by default', () => {
    const text = renderExports({ exports: [{ ...base, anonUid: 1000, anonGid: 100 }] });
    expect(text).toContain('/mnt/tank/media 10.0.0.0/24(rw,sync,root_squash,anonuid=1000,anongid=100,sec=sys,no_subtree_check)\n');
  });

  it('merges duplicate clients (canonical spelling); read-only wins a conflict', () => {
    const text = renderExports({
      exports: [
        {
          ...base,
          clients: [
            { host: 'Client.Example.COM', access: 'rw' },
            { host: '2001:DB8:0:0::1', access: 'rw' },
            { host: 'client.example.com', access: 'ro' },
            { host: '2001:db8::1', access: 'rw' },
          ],
        },
      ],
    });
    const line = text.split('\n').find((l) => l.startsWith('/mnt'));
    expect(line).toBe('/mnt/tank/media client.example.com(ro,sync,root_squash,sec=sys,no_subtree_check) 2001:db8::1(rw,sync,root_squash,sec=sys,no_subtree_check)');
    expect(canonicalClient('FD00:0::/8')).toBe('fd00::/8');
    expect(canonicalClient('@NetGroup')).toBe('@NetGroup');
  });

  it('sorts exports by path and omits disabled ones', () => {
    const text = renderExports({ exports: [{ ...base, path: '/mnt/z' }, { ...base, path: '/mnt/a' }, { ...base, path: '/mnt/m', enabled: false }] });
    expect(text.split('\n').filter((l) => l.startsWith('/')).map((l) => l.split(' ')[0])).toEqual(['/mnt/a', '/mnt/z']);
  });

  it('refuses two enabled exports of one path', () => {
    expect(() => renderExports({ exports: [base, { ...base }] })).toThrow(/exports\.1\.path: already exported by exports\.0/);
    expect(() => renderExports({ exports: [base, { ...base, enabled: false }] })).not.toThrow();
  });

  it('produces what the strict parser accepts, option for option', () => {
    const text = renderExports({
      exports: [
        { ...base, clients: [{ host: '*', access: 'ro' }, { host: 'fd00::/8', access: 'rw' }], squash: 'all', anonUid: 1, security: ['sys', 'krb5'] },
        { ...base, path: '/mnt/ü x', insecure: true, subtreeCheck: true, sync: false },
      ],
    });
    const parsed = parseExports(text);
    expect(parsed.errors).toEqual([]);
    expect(parsed.exports.map((e) => [e.path, e.clients])).toEqual([
      ['/mnt/tank/media', [
        { host: '*', options: ['ro', 'sync', 'all_squash', 'anonuid=1', 'sec=sys:krb5', 'no_subtree_check'] },
        { host: 'fd00::/8', options: ['rw', 'sync', 'all_squash', 'anonuid=1', 'sec=sys:krb5', 'no_subtree_check'] },
      ]],
      ['/mnt/ü x', [{ host: '10.0.0.0/24', options: ['rw', 'async', 'root_squash', 'sec=sys', 'insecure', 'subtree_check'] }]],
    ]);
  });

  describe('re-validates every value', () => {
    const fields: [string, (v: string) => ExportInput][] = [
      ['path', (v) => ({ ...base, path: `/mnt/${v}` })],
      ['comment', (v) => ({ ...base, comment: v })],
      ['clients.0.host', (v) => ({ ...base, clients: [{ host: v, access: 'rw' }] })],
    ];
    for (const [field, make] of fields) {
      it(`names exports.0.${field}`, () => {
        // A client must also not smuggle in its own options or a second client.
        const extra = field === 'clients.0.host' ? ['host(rw,no_root_squash)', '10.0.0.1 *', '*(rw)'] : [];
        for (const bad of [...INJECTED_VALUES, ...extra]) {
          expect(() => renderExports({ exports: [make(bad)] })).toThrow(expect.objectContaining({ field: `exports.0.${field}`, file: 'exports' }));
        }
      });
    }

    it('checks numbers and enumerations too', () => {
      expect(() => renderExports({ exports: [{ ...base, anonUid: -1 }] })).toThrow(expect.objectContaining({ field: 'exports.0.anonUid' }));
      expect(() => renderExports({ exports: [{ ...base, security: ['sys', 'rw'] as never }] })).toThrow(RenderError);
      expect(() => renderExports({ exports: [{ ...base, clients: [] }] })).toThrow(/exports\.0\.clients: at least one client/);
    });
  });
});
