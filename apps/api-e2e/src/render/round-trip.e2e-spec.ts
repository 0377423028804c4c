import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AbsolutePath,
  NfsShareCreate,
  ShareComment,
  shareNameKey,
  SmbShareCreate,
  SmbShareName,
  type NfsShareCreateInput,
  type SmbShareCreateInput,
} from '@moxnas/contracts';
import { ExecCommandRunner, parseExportfsVerbose } from '@moxnas/host';
import {
  canonicalClient,
  dumpSmbConf,
  normalizeMask,
  renderExports,
  renderSmbConf,
  validateExports,
  type NfsExportState,
  type SmbShareStateInput,
} from '@moxnas/render';
import fc from 'fast-check';
import { proposeShares } from '../../../api/src/modules/shares/import/propose-shares';
import { describeOnHost } from './support/host-binaries';

/*
 * The round trip, over the contract grammars (Unicode included): a generated share set is
 * rendered, run through the daemon's own reader (testparm -s; exportfs in a private mount namespace)
 * and read back by the import parser (proposeShares). What comes back must be the input: nothing
 * lost, nothing added, no parameter the importer does not understand.
 */

const runner = new ExecCommandRunner();
const RUNS = 25;
const pick = <T>(...values: T[]) => fc.constantFrom(...values);
const valid = (schema: { safeParse(v: unknown): { success: boolean } }) => (v: string) => schema.safeParse(v).success;
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const wordOf = (chars: string[], max: number) => fc.string({ unit: pick(...chars), minLength: 1, maxLength: max });
/** Words joined by single spaces: the grammars refuse runs of blanks (Samba would collapse them). */
const phrase = (chars: string[], maxWords: number, maxLen: number) => fc.array(wordOf(chars, maxLen), { minLength: 1, maxLength: maxWords }).map((ws) => ws.join(' '));

const NAME_CHARS = [...'abcxyzABCXYZ019-_.$&!()@#~\'', 'é', 'ß', 'Ω', '日', 'ü', 'Ж', '🙂'];
const TEXT_CHARS = [...'abcXYZ019=;#"\'&<>|:,.!?()*+-_/@$^{}~\\', 'é', 'ü', '日本', 'Ω', '—', '✓', '👍'];
const PATH_CHARS = [...'abcXYZ019-_.\'#=;,+@!&()~', 'é', 'ü', '日', 'Ж', '🙂'];

// ---------------------------------------------------------------------------------------------
// SMB
// ---------------------------------------------------------------------------------------------

/** The service's mapping of a create body onto the renderer's state, as the shares module does. */
function smbState(share: SmbShareCreateInput): SmbShareStateInput {
  const s = SmbShareCreate.parse(share);
  return {
    name: s.name,
    enabled: s.enabled,
    path: s.path,
    comment: s.comment,
    browseable: s.browseable,
    readOnly: s.readOnly,
    guestOk: s.guestOk,
    validUsers: s.validUsers,
    validGroups: s.validGroups,
    writeUsers: s.writeUsers,
    writeGroups: s.writeGroups,
    hostsAllow: s.hostsAllow,
    hostsDeny: s.hostsDeny,
    createMask: s.createMask,
    directoryMask: s.directoryMask,
    forceUser: s.forceUser,
    forceGroup: s.forceGroup,
    recycle: s.recycleBin,
    previousVersions: s.previousVersions ? { snapdir: '.zfs/snapshot' } : null,
    timeMachine: s.timeMachine,
    audit: s.audit,
  };
}

/** One spelling per meaning: contract defaults applied, masks as Samba prints them (its defaults when unset). */
function smbCanonical(share: SmbShareCreateInput) {
  const { preset: _preset, createDirectory: _dir, ...s } = SmbShareCreate.parse(share);
  return { ...s, createMask: normalizeMask(s.createMask ?? '0744'), directoryMask: normalizeMask(s.directoryMask ?? '0755') };
}

const smbShare: fc.Arbitrary<SmbShareCreateInput> = fc.record({
  name: phrase(NAME_CHARS, 3, 8).filter(valid(SmbShareName)),
  enabled: fc.boolean(),
  path: fc
    .array(phrase(PATH_CHARS, 2, 8), { minLength: 1, maxLength: 4 })
    .map((parts) => `/srv/${parts.join('/')}`)
    .filter(valid(AbsolutePath)),
  comment: maybe(phrase(TEXT_CHARS, 5, 10).filter(valid(ShareComment))),
  browseable: fc.boolean(),
  readOnly: fc.boolean(),
  guestOk: fc.boolean(),
  validUsers: fc.subarray(['alice', 'bob', 'carol', '_svc', 'd-e']),
  validGroups: fc.subarray(['staff', 'media', 'backup_ops']),
  writeUsers: fc.subarray(['alice', 'bob', 'carol']),
  writeGroups: fc.subarray(['staff', 'editors']),
  hostsAllow: fc.subarray(['127.0.0.1', '10.0.0.0/8', '192.168.1.0/24', '2001:db8::1', 'fd00::/8', 'nas.example.com', '.example.com', 'host1']),
  hostsDeny: fc.subarray(['10.0.13.0/24', 'bad.example.com', '2001:db8::dead']),
  createMask: maybe(fc.integer({ min: 0, max: 0o7777 }).chain((n) => pick(n.toString(8).padStart(3, '0'), `0${n.toString(8).padStart(3, '0')}`))),
  directoryMask: maybe(pick('0755', '2775', '0700', '777')),
  forceUser: maybe(pick('alice', 'nobody')),
  forceGroup: maybe(pick('staff', 'nogroup')),
  recycleBin: maybe(
    fc
      .record({ repository: pick('.recycle', '.bin', 'Papierkorb/ü', 'trash can', '日本/ごみ'), perUser: fc.boolean(), keepTree: fc.boolean(), versions: fc.boolean() })
      // A per-user bin is one folder (its first level is the one vfs_recycle makes for everyone).
      .filter((b) => !(b.perUser && b.repository.includes('/'))),
  ),
  previousVersions: fc.boolean(),
  timeMachine: maybe(fc.record({ maxSize: fc.option(pick('1T', '500G', '2048M'), { nil: null }) })),
  audit: fc.boolean(),
});

/** Notes a MoxNAS-rendered share may carry: informational, about settings MoxNAS makes server-wide or per pool. */
const EXPECTED_SHARE_NOTE = /snapshots of the pool|server-wide SMB setting/;

describeOnHost('round trip: shares → smb.conf → testparm -s → import parser', { binaries: ['testparm'] }, () => {
  let tmpDir: string;
  beforeAll(() => {
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'moxnas-roundtrip-smb-'));
  });
  afterAll(() => fs.rmSync(tmpDir, { recursive: true, force: true }));

  it('gives back exactly the enabled shares, Unicode included', async () => {
    const sets = fc.uniqueArray(smbShare, { minLength: 1, maxLength: 5, selector: (s) => shareNameKey(s.name) });
    await fc.assert(
      fc.asyncProperty(sets, async (shares) => {
        const text = renderSmbConf({ global: { workgroup: 'WORKGROUP', serverString: 'MoxNAS', minProtocol: 'SMB2' }, shares: shares.map(smbState) });
        const { dump, check } = await dumpSmbConf(text, runner, { tmpDir });
        expect(check).toEqual({ ok: true, messages: [], checker: 'testparm' });

        const report = proposeShares({ smbConf: dump });
        const byKey = (a: { name: string }, b: { name: string }) => (shareNameKey(a.name) < shareNameKey(b.name) ? -1 : 1);
        const expected = shares.filter((s) => s.enabled !== false).map(smbCanonical).sort(byKey);
        const got = report.smb.map((p) => smbCanonical(p.share)).sort(byKey);
        expect(got).toEqual(expected);

        // Everything MoxNAS writes into a share is understood; [global] is only noted, never a share.
        const surprises = report.smb.flatMap((p) => p.notes).filter((n) => !EXPECTED_SHARE_NOTE.test(n.reason));
        expect(surprises).toEqual([]);
        expect(report.notes.filter((n) => n.section !== 'global')).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------
// NFS
// ---------------------------------------------------------------------------------------------

/** exportfs' anonymous id when none is set (nobody/nogroup), which it reports like a set one. */
const EXPORTFS_ANON = 65534;

function nfsCanonical(share: NfsShareCreateInput) {
  const { createDirectory: _dir, enabled: _enabled, ...s } = NfsShareCreate.parse(share);
  return {
    ...s,
    clients: s.clients.map((c) => ({ host: canonicalClient(c.host), access: c.access })).sort((a, b) => (a.host < b.host ? -1 : 1)),
    anonUid: s.anonUid ?? EXPORTFS_ANON,
    anonGid: s.anonGid ?? EXPORTFS_ANON,
  };
}

const nfsClient = fc.record({
  host: pick('10.0.0.1', '10.1.0.0/16', '2001:db8::1', 'fd00::/8', '*', '*.example.com', '@trusted', 'localhost'),
  access: pick('ro' as const, 'rw' as const),
});

const nfsShare = fc.record({
  dir: phrase(PATH_CHARS, 2, 8).filter((d) => valid(AbsolutePath)(`/x/${d}`)),
  comment: fc.option(phrase(TEXT_CHARS, 5, 10).filter(valid(ShareComment)), { nil: null }),
  clients: fc.uniqueArray(nfsClient, { minLength: 1, maxLength: 3, selector: (c) => c.host }),
  squash: pick('root' as const, 'none' as const, 'all' as const),
  anonUid: fc.option(fc.integer({ min: 0, max: 2147483647 }), { nil: null }),
  anonGid: fc.option(fc.integer({ min: 0, max: 2147483647 }), { nil: null }),
  sync: fc.boolean(),
  security: pick<NfsExportState['security']>(['sys'], ['krb5p'], ['sys', 'krb5i'], ['krb5', 'krb5i', 'krb5p']),
  subtreeCheck: fc.boolean(),
  insecure: fc.boolean(),
});

describeOnHost('round trip: exports → exportfs (private namespace) → import parser', { binaries: ['exportfs', 'unshare', 'mount'], root: true }, () => {
  let base: string;
  beforeAll(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'moxnas-roundtrip-nfs-'));
  });
  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

  it('gives back every export with its options per client', async () => {
    const sets = fc.uniqueArray(nfsShare, { minLength: 1, maxLength: 4, selector: (s) => s.dir.normalize('NFC') });
    await fc.assert(
      fc.asyncProperty(sets, async (generated) => {
        const shares: NfsShareCreateInput[] = generated.map(({ dir, ...s }) => {
          const p = path.join(base, dir);
          fs.mkdirSync(p, { recursive: true });
          return { ...s, path: p };
        });
        const result = await validateExports(renderExports({ exports: shares.map((s) => NfsShareCreate.parse(s)) }), runner, { tmpDir: base });
        expect(result).toMatchObject({ ok: true, messages: [], checker: 'exportfs' });

        // The etab exportfs wrote is an exports file with every effective option of every client
        // (`exportfs -v` leaves some out, such as insecure and subtree_check): the importer reads it.
        const report = proposeShares({ exports: result.etab ?? '' });
        expect(report.notes).toEqual([]);
        // etab has a line per client; the importer merges a path's lines into one export and says so.
        expect(report.nfs.flatMap((p) => p.notes).filter((n) => !/merged into one export/.test(n.reason))).toEqual([]);
        const sortByPath = <T extends { path: string }>(list: T[]) => [...list].sort((a, b) => (a.path < b.path ? -1 : 1));
        expect(sortByPath(report.nfs.map((p) => nfsCanonical(p.share)))).toEqual(sortByPath(shares.map((s) => nfsCanonical({ ...s, comment: null }))));

        // exportfs -v shows the same clients with the same access, and only options the etab has too.
        const etab = new Map(
          (result.etab ?? '')
            .split('\n')
            .filter(Boolean)
            .map((l) => {
              const tab = l.indexOf('\t');
              const client = l.slice(tab + 1);
              const open = client.indexOf('(');
              return [`${l.slice(0, tab).replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)))}\t${canonicalClient(client.slice(0, open))}`, client.slice(open + 1, -1).split(',')];
            }),
        );
        const verbose = parseExportfsVerbose(result.exportfsVerbose ?? '');
        const expectedClients = shares.flatMap((s) => s.clients.map((c) => `${s.path}\t${canonicalClient(c.host)}`));
        expect(verbose.map((e) => `${e.path}\t${e.client}`).sort()).toEqual([...new Set(expectedClients)].sort());
        expect([...etab.keys()].sort()).toEqual([...new Set(expectedClients)].sort());
        for (const e of verbose) {
          const input = shares.find((s) => s.path === e.path)!.clients.find((c) => canonicalClient(c.host) === e.client)!;
          expect(e.options).toContain(input.access);
          expect(e.options.filter((o) => !etab.get(`${e.path}\t${e.client}`)!.includes(o))).toEqual([]);
        }
      }),
      { numRuns: RUNS },
    );
  }, 180_000);

  it('gives back the comment above each export from the rendered file itself', () => {
    const shares: NfsShareCreateInput[] = [
      { path: '/srv/a', comment: 'Fotos für die Familie 日本 — #1', clients: [{ host: '*', access: 'ro' }], squash: 'root', sync: true },
      { path: '/srv/b c', comment: null, clients: [{ host: '10.0.0.1', access: 'rw' }], squash: 'all', sync: false },
    ];
    const report = proposeShares({ exports: renderExports({ exports: shares.map((e) => NfsShareCreate.parse(e)) }) });
    expect(report.nfs.map((p) => [p.share.path, p.share.comment])).toEqual([['/srv/a', 'Fotos für die Familie 日本 — #1'], ['/srv/b c', null]]);
  });
});
