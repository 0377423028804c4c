import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AbsolutePath, RelativePath, ShareComment, shareNameKey, SmbServerString, SmbShareName } from '@moxnas/contracts';
import { ExecCommandRunner } from '@moxnas/host';
import {
  dumpSmbConf,
  normalizeMask,
  parseSmbConf,
  recycleParams,
  renderSmbConf,
  RenderError,
  SmbShareState,
  validateSmbConf,
  type SmbConfSection,
  type SmbConfStateInput,
  type SmbShareStateInput,
} from '@moxnas/render';
import fc from 'fast-check';
import { describeOnHost } from './support/host-binaries';

const runner = new ExecCommandRunner();

/** Every parameter a rendered share section may contain; anything else would be an injection. */
const OWNED_SHARE_PARAMS = new Set([
  'path', 'comment', 'browseable', 'read only', 'guest ok', 'valid users', 'write list', 'hosts allow', 'hosts deny',
  'create mask', 'directory mask', 'force user', 'force group', 'vfs objects',
  'full_audit:syslog', 'full_audit:facility', 'full_audit:priority', 'full_audit:prefix', 'full_audit:success', 'full_audit:failure',
  'fruit:time machine', 'fruit:time machine max size',
  'shadow:snapdir', 'shadow:format', 'shadow:sort', 'shadow:localtime',
  'recycle:repository', 'recycle:directory_mode', 'recycle:subdir_mode', 'recycle:keeptree', 'recycle:versions',
]);

/** Samba's defaults: testparm -s omits a parameter whose value equals it. */
const yes = (v: string | undefined, fallback: boolean) => (v === undefined ? fallback : /^(yes|true|1)$/i.test(v));
const words = (v: string | undefined) => (v ? v.split(' ') : []);

interface ShareSnapshot {
  name: string;
  path: string;
  comment: string | null;
  browseable: boolean;
  readOnly: boolean;
  guestOk: boolean;
  validUsers: string[];
  validGroups: string[];
  writeUsers: string[];
  writeGroups: string[];
  hostsAllow: string[];
  hostsDeny: string[];
  createMask: string;
  directoryMask: string;
  forceUser: string | null;
  forceGroup: string | null;
  recycle: { repository: string; directoryMode: string; subdirMode: string; keepTree: boolean; versions: boolean } | null;
  previousVersions: { snapdir: string; sort: string } | null;
  timeMachine: { maxSize: string | null } | null;
  audit: boolean;
}

/** The share as testparm understood it: the inverse of the renderer. */
function fromTestparm(section: SmbConfSection): ShareSnapshot {
  const p = section.params;
  const vfs = words(p.get('vfs objects'));
  const users = words(p.get('valid users'));
  const writers = words(p.get('write list'));
  return {
    name: section.name,
    path: p.get('path') ?? '',
    comment: p.get('comment') ?? null,
    browseable: yes(p.get('browseable'), true),
    readOnly: yes(p.get('read only'), true),
    guestOk: yes(p.get('guest ok'), false),
    validUsers: users.filter((u) => !u.startsWith('@')),
    validGroups: users.filter((u) => u.startsWith('@')).map((g) => g.slice(1)),
    writeUsers: writers.filter((u) => !u.startsWith('@')),
    writeGroups: writers.filter((u) => u.startsWith('@')).map((g) => g.slice(1)),
    hostsAllow: words(p.get('hosts allow')),
    hostsDeny: words(p.get('hosts deny')),
    createMask: p.get('create mask') ?? '0744',
    directoryMask: p.get('directory mask') ?? '0755',
    forceUser: p.get('force user') ?? null,
    forceGroup: p.get('force group') ?? null,
    recycle: vfs.includes('recycle')
      ? {
          repository: p.get('recycle:repository') ?? '',
          directoryMode: p.get('recycle:directory_mode') ?? '',
          subdirMode: p.get('recycle:subdir_mode') ?? '',
          keepTree: yes(p.get('recycle:keeptree'), false),
          versions: yes(p.get('recycle:versions'), false),
        }
      : null,
    previousVersions: vfs.includes('shadow_copy2') ? { snapdir: p.get('shadow:snapdir') ?? '', sort: p.get('shadow:sort') ?? '' } : null,
    timeMachine: yes(p.get('fruit:time machine'), false) ? { maxSize: p.get('fruit:time machine max size') ?? null } : null,
    audit: vfs.includes('full_audit'),
  };
}

/** The share as the input asked for it, in the same shape. */
function fromInput(input: SmbShareStateInput): ShareSnapshot {
  const s = SmbShareState.parse(input);
  return {
    name: s.name,
    path: s.path,
    comment: s.comment ?? null,
    browseable: s.browseable,
    readOnly: s.readOnly,
    guestOk: s.guestOk,
    validUsers: s.validUsers,
    validGroups: s.validGroups,
    writeUsers: s.writeUsers,
    writeGroups: s.writeGroups,
    hostsAllow: s.hostsAllow,
    hostsDeny: s.hostsDeny,
    createMask: normalizeMask(s.createMask ?? '0744'),
    directoryMask: normalizeMask(s.directoryMask ?? '0755'),
    forceUser: s.forceUser ?? null,
    forceGroup: s.forceGroup ?? null,
    recycle: s.recycle ? { ...recycleParams(s.recycle), keepTree: s.recycle.keepTree, versions: s.recycle.versions } : null,
    previousVersions: s.previousVersions ? { snapdir: s.previousVersions.snapdir, sort: s.previousVersions.sort } : null,
    timeMachine: s.timeMachine ? { maxSize: s.timeMachine.maxSize ?? null } : null,
    audit: s.audit,
  };
}

async function roundTrip(state: SmbConfStateInput, tmpDir: string) {
  const { dump, check } = await dumpSmbConf(renderSmbConf(state), runner, { tmpDir });
  return { check, sections: parseSmbConf(dump) };
}

function expectOnlyOwnedParams(sections: SmbConfSection[]): void {
  for (const section of sections.filter((s) => s.name !== 'global')) {
    const foreign = [...section.params.keys()].filter((k) => !OWNED_SHARE_PARAMS.has(k));
    expect({ share: section.name, foreign }).toEqual({ share: section.name, foreign: [] });
  }
}

const base: SmbShareStateInput = { name: 'media', path: '/mnt/tank/media', browseable: true, readOnly: false, guestOk: false };
const global: SmbConfStateInput['global'] = { workgroup: 'WORKGROUP', serverString: 'MoxNAS', minProtocol: 'SMB2' };

describeOnHost('smb.conf against testparm', { binaries: ['testparm'] }, () => {
  let tmpDir: string;
  beforeAll(() => {
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'moxnas-smb-e2e-'));
  });
  afterAll(() => fs.rmSync(tmpDir, { recursive: true, force: true }));

  it('accepts a rendered file with every feature, in development layout', async () => {
    const data = path.join(tmpDir, 'data', 'samba');
    const dirs = { privateDir: 'private', lockDir: 'lock', stateDir: 'state', cacheDir: 'cache', pidDir: 'pid', logDir: 'log' };
    for (const d of Object.values(dirs)) fs.mkdirSync(path.join(data, d), { recursive: true });
    const state: SmbConfStateInput = {
      global: {
        ...global,
        netbiosName: 'MOXNAS-E2E',
        interfaces: ['lo'],
        ports: [44500],
        dirs: Object.fromEntries(Object.entries(dirs).map(([k, v]) => [k, path.join(data, v)])),
      },
      shares: [
        {
          ...base,
          comment: 'Everything on',
          validUsers: ['alice'],
          validGroups: ['staff'],
          writeUsers: ['alice'],
          hostsAllow: ['127.0.0.1', '10.0.0.0/8', 'fd00::/8', '.example.com'],
          hostsDeny: ['10.13.0.0/16'],
          createMask: '0664',
          directoryMask: '2775',
          forceUser: 'nobody',
          forceGroup: 'nogroup',
          recycle: {},
          previousVersions: { snapdir: '.zfs/snapshot' },
          timeMachine: { maxSize: '500G' },
          audit: true,
        },
        { ...base, name: 'Public Ü', path: '/mnt/tank/public ü', guestOk: true, readOnly: true },
      ],
    };
    const result = await validateSmbConf(renderSmbConf(state), runner, { tmpDir });
    expect(result).toEqual({ ok: true, messages: [], checker: 'testparm' });
  });

  it('accepts a minimal system-mode file', async () => {
    expect((await validateSmbConf(renderSmbConf({ global, shares: [base] }), runner, { tmpDir })).ok).toBe(true);
  });

  it('rejects a candidate with an unknown parameter (testparm itself exits 0 for it)', async () => {
    const text = renderSmbConf({ global, shares: [base] }).replace('\tbrowseable = yes\n', '\tbrowseable = yes\n\tbrowsable thing = yes\n');
    const result = await validateSmbConf(text, runner, { tmpDir });
    expect(result.ok).toBe(false);
    expect(result.messages.join('\n')).toMatch(/Unknown parameter encountered: "browsable thing"/);
  });

  it('shows why the grammar is the guard: testparm accepts an injected line, the renderer refuses it', async () => {
    const injected = renderSmbConf({ global, shares: [base] }).replace('\tpath = /mnt/tank/media\n', '\tpath = /mnt/tank/media\n\tcomment = x\n\troot preexec = /bin/touch /tmp/pwned\n');
    const check = await dumpSmbConf(injected, runner, { tmpDir });
    expect(check.check.ok).toBe(true);
    expect(check.dump).toContain('root preexec = /bin/touch /tmp/pwned');
    expect(() => renderSmbConf({ global, shares: [{ ...base, comment: 'x\n\troot preexec = /bin/touch /tmp/pwned' }] })).toThrow(RenderError);
  });

  it('keeps parameter-looking text on one line inert', async () => {
    for (const comment of ['include = /etc/x', 'root preexec = /bin/sh -c id', '; not a comment # really', 'vfs objects = recycle']) {
      const { check, sections } = await roundTrip({ global, shares: [{ ...base, comment }] }, tmpDir);
      expect(check.ok).toBe(true);
      expect(sections.map((s) => s.name)).toEqual(['global', 'media']);
      expect(sections[1].params.get('comment')).toBe(comment);
      expect(sections[0].params.has('include')).toBe(false);
      expect(sections[1].params.has('root preexec')).toBe(false);
      expectOnlyOwnedParams(sections);
    }
  });

  describe('round trip: render → testparm -s → parse → equals the input', () => {
    const pick = <T>(...values: T[]) => fc.constantFrom(...values);
    const valid = (schema: { safeParse(v: unknown): { success: boolean } }) => (v: string) => schema.safeParse(v).success;
    // Words of letters, digits, punctuation and non-ASCII; joined by single spaces (Samba collapses runs).
    const wordOf = (chars: string[], max: number) => fc.string({ unit: pick(...chars), minLength: 1, maxLength: max });
    const phrase = (chars: string[], maxWords: number, maxLen: number) =>
      fc.array(wordOf(chars, maxLen), { minLength: 1, maxLength: maxWords }).map((ws) => ws.join(' '));

    const NAME_CHARS = [...'abcxyzABCXYZ019-_.$&!()@#~\'', 'é', 'ß', 'Ω', '日', 'ü', 'Ж'];
    const TEXT_CHARS = [...'abcXYZ019=;#"\'&<>|:,.!?()*+-_/@$^{}~\\', 'é', 'ü', '日本', 'Ω', '—', '✓', '👍'];
    const PATH_CHARS = [...'abcXYZ019-_.\'#=;,+@!&()~', 'é', 'ü', '日', 'Ж'];

    const shareName = phrase(NAME_CHARS, 3, 8).filter(valid(SmbShareName));
    const comment = phrase(TEXT_CHARS, 5, 10).filter(valid(ShareComment));
    const sharePath = fc
      .array(phrase(PATH_CHARS, 2, 8), { minLength: 1, maxLength: 4 })
      .map((parts) => `/srv/${parts.join('/')}`)
      .filter(valid(AbsolutePath));
    const users = fc.subarray(['alice', 'bob', 'carol', '_svc', 'd-e']);
    const groups = fc.subarray(['staff', 'media', 'backup_ops']);
    const hosts = fc.subarray(['127.0.0.1', '10.0.0.0/8', '192.168.1.0/24', '2001:db8::1', 'fd00::/8', 'nas.example.com', '.example.com', 'host1']);
    const mask = fc.integer({ min: 0, max: 0o7777 }).chain((n) => pick(n.toString(8).padStart(3, '0'), `0${n.toString(8).padStart(3, '0')}`));
    const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

    const share: fc.Arbitrary<SmbShareStateInput> = fc.record({
      name: shareName,
      enabled: fc.boolean(),
      path: sharePath,
      comment: maybe(comment),
      browseable: fc.boolean(),
      readOnly: fc.boolean(),
      guestOk: fc.boolean(),
      validUsers: users,
      validGroups: groups,
      writeUsers: users,
      writeGroups: groups,
      hostsAllow: hosts,
      hostsDeny: hosts,
      createMask: maybe(mask),
      directoryMask: maybe(mask),
      forceUser: maybe(pick('alice', 'nobody')),
      forceGroup: maybe(pick('staff', 'nogroup')),
      recycle: maybe(
        fc.record({
          repository: maybe(pick('.recycle', '.bin', 'Papierkorb/ü', 'trash can').filter(valid(RelativePath))),
          perUser: maybe(fc.boolean()),
          keepTree: fc.boolean(),
          versions: fc.boolean(),
        }),
      ),
      previousVersions: maybe(fc.record({ snapdir: pick('.zfs/snapshot', '/srv/snapshots/Fotos ü'), sort: pick('asc' as const, 'desc' as const) })),
      timeMachine: maybe(fc.record({ maxSize: maybe(pick('1T', '500G', '2048M')) })),
      audit: fc.boolean(),
    });
    const state = fc.record({
      serverString: phrase(TEXT_CHARS, 4, 10).filter(valid(SmbServerString)),
      shares: fc.uniqueArray(share, { minLength: 1, maxLength: 4, selector: (s) => shareNameKey(s.name) }),
    });

    it('holds for generated shares, Unicode included', async () => {
      await fc.assert(
        fc.asyncProperty(state, async ({ serverString, shares }) => {
          const { check, sections } = await roundTrip({ global: { ...global, serverString }, shares }, tmpDir);
          expect(check).toEqual({ ok: true, messages: [], checker: 'testparm' });

          const enabled = shares.filter((s) => s.enabled !== false);
          // Exactly the enabled shares, nothing injected, and every parameter one the UI owns.
          const byKey = (a: { name: string }, b: { name: string }) => (shareNameKey(a.name) < shareNameKey(b.name) ? -1 : 1);
          expect(sections.map((s) => s.name)).toEqual(['global', ...[...enabled].sort(byKey).map((s) => s.name)]);
          expectOnlyOwnedParams(sections);
          expect(sections[0].params.get('server string')).toBe(serverString);

          const parsed = sections.slice(1).map(fromTestparm);
          expect(parsed).toEqual([...enabled].sort(byKey).map(fromInput));
        }),
        { numRuns: 25 },
      );
    }, 180_000);
  });
});
