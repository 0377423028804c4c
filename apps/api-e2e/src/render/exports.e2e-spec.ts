import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExecCommandRunner, parseExportfsVerbose, type ExportEntry } from '@moxnas/host';
import { canonicalClient, renderExports, validateExports, type ExportsStateInput } from '@moxnas/render';
import fc from 'fast-check';
import { describeOnHost } from './support/host-binaries';

const runner = new ExecCommandRunner();
type ExportInput = ExportsStateInput['exports'][number];

function digest(file: string): string | null {
  try {
    return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  } catch {
    return null;
  }
}

/** The options exportfs -v shows that follow from our state (it also prints defaults such as wdelay). */
function expectedVerboseOptions(e: ExportInput, access: 'ro' | 'rw'): string[] {
  const squash = e.squash ?? 'root';
  const opts = [
    access,
    e.sync ? 'sync' : 'async',
    squash === 'none' ? 'no_root_squash' : 'root_squash',
    squash === 'all' ? 'all_squash' : 'no_all_squash',
    `sec=${(e.security ?? ['sys']).join(':')}`,
    e.subtreeCheck ? 'subtree_check' : 'no_subtree_check',
  ];
  // exportfs -v prints anonuid/anongid only when they differ from its default (65534).
  if (e.anonUid !== undefined && e.anonUid !== null && e.anonUid !== 65534) opts.push(`anonuid=${e.anonUid}`);
  if (e.anonGid !== undefined && e.anonGid !== null && e.anonGid !== 65534) opts.push(`anongid=${e.anonGid}`);
  return opts.sort();
}

function relevant(entry: ExportEntry): string[] {
  // subtree_check is implied (not printed) when on; make it explicit for the comparison.
  const opts = entry.options.filter((o) => !['wdelay', 'no_wdelay', 'hide', 'nohide', 'insecure', 'secure'].includes(o));
  if (!opts.includes('no_subtree_check') && !opts.includes('subtree_check')) opts.push('subtree_check');
  return opts.sort();
}

describeOnHost('exports against exportfs in a private mount namespace', { binaries: ['exportfs', 'unshare', 'mount'], root: true }, () => {
  let base: string;
  const dir = (name: string) => {
    const p = path.join(base, name);
    fs.mkdirSync(p, { recursive: true });
    return p;
  };

  beforeAll(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'moxnas-nfs-e2e-'));
  });
  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

  it('accepts the generated exports and exportfs -v shows the expected options per client', async () => {
    const exports: ExportInput[] = [
      {
        path: dir('media'),
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
        path: dir('backup area ü'),
        clients: [{ host: '10.0.0.7', access: 'rw' }],
        squash: 'none',
        sync: false,
        security: ['sys', 'krb5p'],
        insecure: true,
      },
      {
        path: dir('public'),
        clients: [
          { host: '*', access: 'ro' },
          { host: '@trusted', access: 'rw' },
        ],
        squash: 'all',
        anonUid: 1000,
        anonGid: 100,
        sync: true,
        subtreeCheck: true,
      },
    ];
    const text = renderExports({ exports });
    const result = await validateExports(text, runner, { tmpDir: base });
    expect(result).toMatchObject({ ok: true, checker: 'exportfs' });

    const entries = parseExportfsVerbose(result.exportfsVerbose ?? '');
    for (const e of exports) {
      for (const c of e.clients) {
        const entry = entries.find((x) => x.path === e.path && x.client === canonicalClient(c.host));
        expect({ path: e.path, client: c.host, options: entry ? relevant(entry) : 'missing' }).toEqual({
          path: e.path,
          client: c.host,
          options: expectedVerboseOptions(e, c.access),
        });
      }
    }
    expect(entries).toHaveLength(6);
    // exportfs -v hides `insecure`; the etab it wrote has every effective option.
    expect(result.etab).toMatch(/10\.0\.0\.7\([^)]*\binsecure\b/);
  });

  it('rejects an export whose directory does not exist (exportfs itself, past the parser)', async () => {
    const text = renderExports({ exports: [{ path: path.join(base, 'missing'), clients: [{ host: '10.0.0.1', access: 'rw' }], squash: 'root', sync: true }] });
    const result = await validateExports(text, runner, { tmpDir: base });
    expect(result).toMatchObject({ ok: false, checker: 'exportfs' });
    expect(result.messages.join('\n')).toMatch(/Failed to stat/);
  });

  it('leaves the host untouched: /etc/exports, etab and the mount table', async () => {
    const before = { exports: digest('/etc/exports'), etab: digest('/var/lib/nfs/etab'), mounts: fs.readFileSync('/proc/self/mountinfo', 'utf8') };
    await validateExports(renderExports({ exports: [{ path: dir('x'), clients: [{ host: '*', access: 'rw' }], squash: 'none', sync: true }] }), runner, { tmpDir: base });
    expect({ exports: digest('/etc/exports'), etab: digest('/var/lib/nfs/etab'), mounts: fs.readFileSync('/proc/self/mountinfo', 'utf8') }).toEqual(before);
    expect(fs.readdirSync(base).filter((n) => n.startsWith('moxnas-check-'))).toEqual([]);
  });

  it('round-trips generated exports through exportfs', async () => {
    const client = fc.record({
      host: fc.constantFrom('10.0.0.1', '10.1.0.0/16', '2001:db8::1', 'fd00::/8', '*', '*.example.com', '@trusted'),
      access: fc.constantFrom('ro' as const, 'rw' as const),
    });
    const exportArb = fc.record({
      name: fc.constantFrom('a', 'b c', 'ü', 'Fotos 2024', "o'brien"),
      clients: fc.uniqueArray(client, { minLength: 1, maxLength: 3, selector: (c) => c.host }),
      squash: fc.constantFrom('root' as const, 'none' as const, 'all' as const),
      anonUid: fc.option(fc.integer({ min: 0, max: 2147483647 }), { nil: undefined }),
      sync: fc.boolean(),
      security: fc.constantFrom(['sys'], ['krb5p'], ['sys', 'krb5i']) as fc.Arbitrary<('sys' | 'krb5' | 'krb5i' | 'krb5p')[]>,
      subtreeCheck: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(exportArb, { minLength: 1, maxLength: 3, selector: (e) => e.name }), async (generated) => {
        const exports: ExportInput[] = generated.map(({ name, ...e }) => ({ ...e, path: dir(name) }));
        const result = await validateExports(renderExports({ exports }), runner, { tmpDir: base });
        expect(result).toMatchObject({ ok: true, checker: 'exportfs' });
        const entries = parseExportfsVerbose(result.exportfsVerbose ?? '');
        expect(entries).toHaveLength(exports.reduce((n, e) => n + e.clients.length, 0));
        for (const e of exports) {
          for (const c of e.clients) {
            const entry = entries.find((x) => x.path === e.path && x.client === canonicalClient(c.host));
            expect(entry && relevant(entry)).toEqual(expectedVerboseOptions(e, c.access));
          }
        }
      }),
      { numRuns: 15 },
    );
  }, 180_000);
});
