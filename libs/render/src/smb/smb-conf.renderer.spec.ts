import path from 'node:path';
import nunjucks from 'nunjucks';
import { RenderError } from '../render-error';
import { createTemplateEnvironment } from '../template-environment';
import { expectGolden, INJECTED_VALUES } from '../test/golden';
import { normalizeMask, renderSmbConf, vfsChain } from './smb-conf.renderer';
import { SmbShareState, type SmbConfStateInput, type SmbShareStateInput } from './smb-conf.state';

const fixture = (name: string) => path.join(__dirname, '__fixtures__', name);

const baseShare: SmbShareStateInput = { name: 'media', path: '/mnt/tank/media', browseable: true, readOnly: false, guestOk: false };

function state(shares: SmbShareStateInput[], global: Partial<SmbConfStateInput['global']> = {}): SmbConfStateInput {
  return { global: { workgroup: 'WORKGROUP', serverString: 'MoxNAS', minProtocol: 'SMB2', ...global }, shares };
}

/** Everything the renderer knows, in development mode (state dirs in the data dir). */
const fullState: SmbConfStateInput = state(
  [
    {
      name: 'Projects',
      path: '/mnt/tank/projects',
      comment: 'Team projects — shared',
      browseable: true,
      readOnly: false,
      guestOk: false,
      validUsers: ['alice', 'bob'],
      validGroups: ['staff'],
      writeUsers: ['alice'],
      writeGroups: ['editors'],
      hostsAllow: ['10.0.0.0/8', 'fd00::/8', '.example.com'],
      hostsDeny: ['10.0.13.0/24'],
      createMask: '664',
      directoryMask: '2775',
      forceUser: 'alice',
      forceGroup: 'staff',
      recycle: { repository: '.bin', perUser: false, keepTree: true, versions: false },
      previousVersions: { mountpoint: '/mnt/tank/projects', snapdir: '.zfs/snapshot', format: 'GMT-%Y.%m.%d-%H.%M.%S' },
      audit: true,
    },
    { name: 'Time Machine', path: '/mnt/tank/tm', browseable: false, readOnly: false, guestOk: false, validUsers: ['alice'], timeMachine: { maxSize: '1T' } },
    { name: 'public', path: '/mnt/tank/public', comment: 'Anyone may read', browseable: true, readOnly: true, guestOk: true, recycle: {} },
    { name: 'old', enabled: false, path: '/mnt/tank/old', browseable: true, readOnly: true, guestOk: false },
  ],
  {
    netbiosName: 'MOXNAS',
    minProtocol: 'SMB3',
    interfaces: ['lo', '192.168.1.10/24'],
    ports: [44500],
    passdbFile: '/var/lib/moxnas/samba/private/passdb.tdb',
    dirs: {
      privateDir: '/var/lib/moxnas/samba/private',
      lockDir: '/var/lib/moxnas/samba/lock',
      stateDir: '/var/lib/moxnas/samba/state',
      cacheDir: '/var/lib/moxnas/samba/cache',
      pidDir: '/var/lib/moxnas/samba/pid',
      logDir: '/var/lib/moxnas/samba/log',
    },
  },
);

describe('renderSmbConf', () => {
  it('renders the full feature set (golden)', () => {
    expectGolden(fixture('smb.conf.full.golden'), renderSmbConf(fullState));
  });

  it('renders a minimal system-mode file (golden)', () => {
    expectGolden(fixture('smb.conf.minimal.golden'), renderSmbConf(state([baseShare])));
  });

  it('starts with the managed-by header and ends with one newline', () => {
    const text = renderSmbConf(state([baseShare]));
    expect(text.startsWith('# Managed by MoxNAS.')).toBe(true);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
  });

  it('omits disabled shares', () => {
    const text = renderSmbConf(state([baseShare, { ...baseShare, name: 'hidden', enabled: false }]));
    expect(text).toContain('[media]');
    expect(text).not.toContain('[hidden]');
  });

  it('is deterministic: same shares in any order give the same bytes, sorted by name', () => {
    const shares = ['zeta', 'Alpha', 'beta', 'Überblick', 'Gamma'].map((name, i) => ({ ...baseShare, name, path: `/mnt/tank/s${i}` }));
    const a = renderSmbConf(state(shares));
    const b = renderSmbConf(state([...shares].reverse()));
    expect(a).toBe(b);
    const order = [...a.matchAll(/^\[(.+)\]$/gm)].map((m) => m[1]);
    expect(order).toEqual(['global', 'Alpha', 'beta', 'Gamma', 'zeta', 'Überblick']);
  });

  it('writes booleans explicitly, whatever Samba’s defaults are', () => {
    const text = renderSmbConf(state([{ ...baseShare, browseable: false, readOnly: true, guestOk: true }]));
    expect(text).toContain('\tbrowseable = no\n\tread only = yes\n\tguest ok = yes\n');
  });

  it('combines users and @groups in valid users and write list', () => {
    const text = renderSmbConf(state([{ ...baseShare, validUsers: ['alice'], validGroups: ['staff', 'media'], writeGroups: ['staff'] }]));
    expect(text).toContain('\tvalid users = alice @staff @media\n');
    expect(text).toContain('\twrite list = @staff\n');
  });

  it('turns Apple extensions on for every share once one serves Time Machine (no fruit mixing)', () => {
    const text = renderSmbConf(state([baseShare, { ...baseShare, name: 'tm', path: '/mnt/tank/tm', timeMachine: {} }]));
    expect(text.match(/vfs objects = catia fruit streams_xattr/g)).toHaveLength(2);
    expect(text).toContain('fruit:aapl = yes');
    expect(text).toContain('fruit:time machine = yes');
    expect(text).not.toContain('fruit:time machine max size');
  });

  it('honours the global Apple switch without Time Machine', () => {
    expect(renderSmbConf(state([baseShare], { appleExtensions: true }))).toContain('vfs objects = catia fruit streams_xattr\n');
    expect(renderSmbConf(state([baseShare]))).not.toContain('fruit');
  });

  it('orders the VFS stack: audit, Apple, snapshots, recycle', () => {
    const share = SmbShareState.parse({ ...baseShare, audit: true, recycle: {}, previousVersions: { snapdir: '/snaps/media' } });
    expect(vfsChain(share, true)).toEqual(['full_audit', 'catia', 'fruit', 'streams_xattr', 'shadow_copy2', 'recycle']);
    expect(vfsChain(SmbShareState.parse(baseShare), false)).toEqual([]);
  });

  it('writes masks the way testparm prints them', () => {
    expect(normalizeMask('664')).toBe('0664');
    expect(normalizeMask('0664')).toBe('0664');
    expect(normalizeMask('2775')).toBe('02775');
    expect(normalizeMask('02775')).toBe('02775');
    expect(normalizeMask('000')).toBe('0000');
  });

  it('uses the per-user recycle bin by default and the fixed snapshot format', () => {
    const text = renderSmbConf(state([{ ...baseShare, recycle: {}, previousVersions: { snapdir: '.zfs/snapshot' } }]));
    // %u (the account the connection runs as), not %U (the name a guest may type): see recycleParams.
    expect(text).toContain('recycle:repository = .recycle/%u\n');
    expect(text).toContain('shadow:format = @GMT-%Y.%m.%d-%H.%M.%S\n\tshadow:sort = desc\n\tshadow:localtime = no\n');
  });

  // Issue 14 defect 2: vfs_recycle makes the bin folder as the first user who deletes, 0700 unless
  // told otherwise, and deletes for good what it cannot move there. Every folder several users
  // write must therefore be created 1777.
  it('creates the folder all users share 1777 and each per-user bin 0700', () => {
    const perUser = renderSmbConf(state([{ ...baseShare, recycle: { repository: '.bin' } }]));
    expect(perUser).toContain('\trecycle:repository = .bin/%u\n\trecycle:directory_mode = 1777\n\trecycle:subdir_mode = 0700\n');
    const shared = renderSmbConf(state([{ ...baseShare, recycle: { repository: '.bin', perUser: false } }]));
    expect(shared).toContain('\trecycle:repository = .bin\n\trecycle:directory_mode = 1777\n\trecycle:subdir_mode = 1777\n');
  });

  it('writes shadow:mountpoint (the dataset root) and the driver’s snapshot format when given', () => {
    const text = renderSmbConf(
      state([{ ...baseShare, path: '/mnt/tank/data/sub', previousVersions: { mountpoint: '/mnt/tank/data', snapdir: '.snapshots' } }]),
    );
    expect(text).toContain(
      '\tvfs objects = shadow_copy2\n\tshadow:mountpoint = /mnt/tank/data\n\tshadow:snapdir = .snapshots\n\tshadow:format = @GMT-%Y.%m.%d-%H.%M.%S\n',
    );
    const zfs = renderSmbConf(state([{ ...baseShare, previousVersions: { mountpoint: '/mnt/tank/media', snapdir: '.zfs/snapshot', format: 'GMT-%Y.%m.%d-%H.%M.%S' } }]));
    expect(zfs).toContain('\tshadow:format = GMT-%Y.%m.%d-%H.%M.%S\n');
    // Without a mountpoint the line is left out (Samba detects the mount itself).
    expect(renderSmbConf(state([{ ...baseShare, previousVersions: { snapdir: '.zfs/snapshot' } }]))).not.toContain('shadow:mountpoint');
  });

  it('accepts only the snapshot formats MoxNAS creates (the value holds % macros)', () => {
    for (const format of ['%Y', '@GMT-%Y.%m.%d-%H.%M.%S\ninclude = /etc/x', 'GMT-%U']) {
      expect(() => renderSmbConf(state([{ ...baseShare, previousVersions: { snapdir: '.snapshots', format: format as never } }]))).toThrow(
        /shares\.0\.previousVersions\.format/,
      );
    }
  });

  it('binds interfaces only when some are given', () => {
    expect(renderSmbConf(state([], { interfaces: ['eth0'] }))).toContain('interfaces = eth0\n\tbind interfaces only = yes\n');
    expect(renderSmbConf(state([]))).not.toContain('interfaces');
  });

  it('refuses two shares whose names differ only in case', () => {
    const run = () => renderSmbConf(state([baseShare, { ...baseShare, name: 'MEDIA' }]));
    expect(run).toThrow(RenderError);
    expect(run).toThrow(/shares\.1\.name: clashes with the share "media"/);
    // A disabled twin is not written, so it cannot clash.
    expect(() => renderSmbConf(state([baseShare, { ...baseShare, name: 'MEDIA', enabled: false }]))).not.toThrow();
  });

  describe('re-validates every value (defence in depth)', () => {
    const shareFields: [string, (v: string) => SmbShareStateInput][] = [
      ['name', (v) => ({ ...baseShare, name: v })],
      ['path', (v) => ({ ...baseShare, path: `/mnt/${v}` })],
      ['comment', (v) => ({ ...baseShare, comment: v })],
      ['validUsers.0', (v) => ({ ...baseShare, validUsers: [v] })],
      ['validGroups.0', (v) => ({ ...baseShare, validGroups: [v] })],
      ['writeUsers.0', (v) => ({ ...baseShare, writeUsers: [v] })],
      ['writeGroups.0', (v) => ({ ...baseShare, writeGroups: [v] })],
      ['hostsAllow.0', (v) => ({ ...baseShare, hostsAllow: [v] })],
      ['hostsDeny.0', (v) => ({ ...baseShare, hostsDeny: [v] })],
      ['createMask', (v) => ({ ...baseShare, createMask: v })],
      ['directoryMask', (v) => ({ ...baseShare, directoryMask: v })],
      ['forceUser', (v) => ({ ...baseShare, forceUser: v })],
      ['forceGroup', (v) => ({ ...baseShare, forceGroup: v })],
      ['recycle.repository', (v) => ({ ...baseShare, recycle: { repository: v } })],
      ['previousVersions.snapdir', (v) => ({ ...baseShare, previousVersions: { snapdir: v } })],
      ['previousVersions.mountpoint', (v) => ({ ...baseShare, previousVersions: { mountpoint: `/mnt/${v}`, snapdir: '.snapshots' } })],
      ['timeMachine.maxSize', (v) => ({ ...baseShare, timeMachine: { maxSize: v } })],
    ];
    for (const [field, make] of shareFields) {
      it(`names shares.0.${field} and writes nothing`, () => {
        for (const bad of INJECTED_VALUES) {
          let error: unknown;
          try {
            renderSmbConf(state([make(bad)]));
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(RenderError);
          expect((error as RenderError).field).toBe(`shares.0.${field}`);
          expect((error as RenderError).file).toBe('smb.conf');
        }
      });
    }

    const globalFields: [string, (v: string) => Partial<SmbConfStateInput['global']>][] = [
      ['workgroup', (v) => ({ workgroup: v })],
      ['serverString', (v) => ({ serverString: v })],
      ['netbiosName', (v) => ({ netbiosName: v })],
      ['interfaces.0', (v) => ({ interfaces: [v] })],
      ['guestAccount', (v) => ({ guestAccount: v })],
      ['passdbFile', (v) => ({ passdbFile: v })],
      ['dirs.privateDir', (v) => ({ dirs: { privateDir: v } })],
      ['dirs.logDir', (v) => ({ dirs: { logDir: v } })],
    ];
    for (const [field, make] of globalFields) {
      it(`names global.${field}`, () => {
        for (const bad of INJECTED_VALUES) {
          expect(() => renderSmbConf(state([], make(bad)))).toThrow(expect.objectContaining({ field: `global.${field}` }));
        }
      });
    }

    it('refuses % macros the grammar does not own', () => {
      expect(() => renderSmbConf(state([{ ...baseShare, comment: 'for %u' }]))).toThrow(/shares\.0\.comment/);
      expect(() => renderSmbConf(state([], { serverString: 'Samba %v' }))).toThrow(/global\.serverString/);
    });

    it('collects every offending field', () => {
      try {
        renderSmbConf(state([{ ...baseShare, comment: 'a\nb', forceUser: 'Root' }]));
        throw new Error('expected a RenderError');
      } catch (e) {
        expect((e as RenderError).issues.map((i) => i.field)).toEqual(['shares.0.comment', 'shares.0.forceUser']);
      }
    });

    it('refuses input that is not the state shape at all', () => {
      expect(() => renderSmbConf({} as SmbConfStateInput)).toThrow(RenderError);
    });
  });

  it('renders through any environment given, and that environment fails on undefined variables', () => {
    const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(path.join(__dirname, '__fixtures__')), { throwOnUndefined: true });
    expect(() => env.renderString('{{ missing }}', {})).toThrow();
    const real = createTemplateEnvironment();
    expect(() => real.render('samba/smb.conf.njk', {})).toThrow();
    expect(renderSmbConf(state([baseShare]), real)).toBe(renderSmbConf(state([baseShare])));
  });
});
