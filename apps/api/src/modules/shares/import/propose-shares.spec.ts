import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FtpShareCreate, NfsShareCreate, SmbShareCreate, type ImportNote, type SmbShareCreateInput } from '@moxnas/contracts';
import { proposeShares } from './propose-shares';

const fixture = (name: string) => readFileSync(path.join(__dirname, '__fixtures__', name), 'utf8');

/** What every share of the sample gets unless it says otherwise: Samba's defaults and the [global] masks. */
const smb = (share: Pick<SmbShareCreateInput, 'name' | 'path'> & Partial<SmbShareCreateInput>): SmbShareCreateInput => ({
  enabled: true,
  browseable: true,
  readOnly: true,
  guestOk: false,
  createMask: '0664',
  directoryMask: '0775',
  previousVersions: false,
  audit: false,
  ...share,
});

const at = (notes: ImportNote[]) => notes.map((n) => [n.line, n.text]);

describe('proposeShares: smb.conf', () => {
  const report = proposeShares({ smbConf: fixture('smb.conf') });
  const byName = (name: string) => report.smb.find((p) => p.share.name === name)!;

  it('proposes exactly the 20 shares of the sample, in file order, and nothing from other files', () => {
    expect(report.smb.map((p) => p.share.name)).toEqual([
      'media', 'Public Docs', 'projects', 'backup', 'TimeMachine', 'audit', 'scratch', 'archive', 'continued', 'Windows',
      'injected', 'macros', 'everything', 'photos', 'music', 'dept-sales', 'dept-hr', 'ünïcödé', 'no path', 'legacy',
    ]);
    expect(report.smb.map((p) => p.source)).toContain('[Public Docs]');
    expect(report.nfs).toEqual([]);
    expect(report.ftp).toEqual([]);
  });

  it('reads every option with its synonyms, continuations, [global] defaults and Samba defaults', () => {
    expect(report.smb.map((p) => p.share)).toEqual([
      smb({
        name: 'media', path: '/srv/media', comment: 'Films and music', readOnly: false,
        validUsers: ['alice', 'bob'], validGroups: ['family'], writeUsers: ['alice'], writeGroups: [],
        recycleBin: { repository: '.recycle', perUser: true, keepTree: true, versions: true },
      }),
      smb({ name: 'Public Docs', path: '/srv/public/docs', comment: 'Anyone may read', guestOk: true, readOnly: true }),
      smb({
        name: 'projects', path: '/srv/projects', comment: 'Team projects', readOnly: false,
        validUsers: ['carol'], validGroups: ['staff', 'engineering'], writeUsers: [], writeGroups: ['leads'],
        hostsAllow: ['10.0.0.0/8', '192.168.1.0/24'], hostsDeny: ['10.0.13.0/24'],
        forceUser: 'projects', forceGroup: 'staff', createMask: '0660', directoryMask: '2770',
      }),
      smb({ name: 'backup', path: '/srv/backup', readOnly: false, validUsers: ['backup'], validGroups: [], previousVersions: true }),
      smb({ name: 'TimeMachine', path: '/srv/timemachine', readOnly: false, validUsers: ['alice'], validGroups: [], timeMachine: { maxSize: '500G' } }),
      smb({ name: 'audit', path: '/srv/audited', readOnly: false, audit: true }),
      smb({ name: 'scratch', path: '/srv/scratch', readOnly: false, guestOk: true, browseable: false }),
      smb({ name: 'archive', path: '/srv/archive', comment: 'Old stuff, switched off', enabled: false }),
      smb({ name: 'continued', path: '/srv/continued', comment: 'A comment that goes on and on', validUsers: ['alice', 'bob'], validGroups: [] }),
      smb({ name: 'Windows', path: '/srv/windows', readOnly: false, guestOk: true, hostsAllow: ['192.168.0.0/16'] }),
      smb({ name: 'injected', path: '/srv/injected', comment: 'innocent' }),
      smb({ name: 'macros', path: '/home/%U/files', validUsers: ['%U'], validGroups: [] }),
      smb({
        name: 'everything', path: '/srv/everything', comment: 'Every feature at once',
        validUsers: ['alice'], validGroups: ['staff'], writeUsers: ['bob'], writeGroups: ['editors'],
        hostsAllow: ['10.1.0.0/16'], hostsDeny: ['10.1.99.0/24'], createMask: '0640', directoryMask: '0750',
        forceUser: 'alice', forceGroup: 'staff',
        recycleBin: { repository: '.trash', perUser: false, keepTree: false, versions: false },
        previousVersions: true, audit: true, timeMachine: { maxSize: null },
      }),
      smb({ name: 'photos', path: '/srv/photos', readOnly: false, recycleBin: { repository: '.recycle', perUser: false, keepTree: false, versions: false } }),
      smb({ name: 'music', path: '/srv/music', readOnly: false }),
      smb({ name: 'dept-sales', path: '/srv/dept/sales', readOnly: false, validUsers: [], validGroups: ['sales'] }),
      smb({ name: 'dept-hr', path: '/srv/dept/hr', readOnly: false, validUsers: [], validGroups: ['hr'], hostsAllow: ['10.2.0.0/16'] }),
      smb({ name: 'ünïcödé', path: '/srv/ünïcödé', comment: 'Fotos für die Familie 日本' }),
      smb({ name: 'no path', path: '', comment: 'This share forgot its path', readOnly: false }),
      smb({ name: 'legacy', path: '/srv/legacy', recycleBin: { repository: '.recycle', perUser: false, keepTree: false, versions: false } }),
    ]);
  });

  it('notes injected and unknown lines with their line numbers and carries none of them', () => {
    expect(at(byName('injected').notes)).toEqual([
      [110, 'root preexec = /bin/touch /tmp/pwned'],
      [111, 'preexec = /usr/local/bin/log %u'],
      [112, 'include = /etc/samba/extra.conf'],
      [113, 'oplocks = no'],
      [114, 'veto files = /*.exe/'],
    ]);
    expect(byName('injected').notes.map((n) => n.reason)).toEqual([
      expect.stringMatching(/runs a program/),
      expect.stringMatching(/runs a program/),
      expect.stringMatching(/reads another file/),
      expect.stringMatching(/not an option MoxNAS manages/),
      expect.stringMatching(/not an option MoxNAS manages/),
    ]);
    const carried = JSON.stringify(report.smb.map((p) => p.share));
    for (const text of ['pwned', 'preexec', 'extra.conf', 'oplocks', 'exe', 'acl_xattr', '*.tmp', 'inherit', 'Bad User', 'OFFICE', 'spool']) {
      expect(carried).not.toContain(text);
    }
    expect(byName('injected').notes.every((n) => n.file === 'smb.conf' && n.section === 'injected')).toBe(true);
  });

  it('notes [global] settings, skipped sections and stray lines at file level', () => {
    expect(report.notes.map((n) => [n.line, n.section, n.text])).toEqual([
      [5, 'global', 'workgroup = OFFICE'],
      [6, 'global', 'server string = Samba %v on %h'],
      [7, 'global', 'security = user'],
      [8, 'global', 'map to guest = Bad User'],
      [9, 'global', 'load printers = yes'],
      [10, 'global', 'include = /etc/samba/smb.conf.%m'],
      [11, 'global', 'create mask = 0664'],
      [12, 'global', 'Directory  Mask = 0775'],
      [14, 'homes', '[homes]'],
      [20, 'printers', '[printers]'],
      [174, null, 'this line is garbage without an equals sign'],
    ]);
    expect(report.notes[0].reason).toMatch(/SMB service settings/);
    expect(report.notes[6].reason).toMatch(/every share/);
    expect(report.notes[8].reason).toMatch(/section skipped/);
  });

  it('notes macros: a comment is dropped, a path or user list is carried so the API refuses it', () => {
    expect(byName('macros').notes.map((n) => [n.line, n.reason])).toEqual([
      [117, expect.stringMatching(/macro/)],
      [118, expect.stringMatching(/comment .* not taken over/)],
      [119, expect.stringMatching(/macro/)],
    ]);
    expect(byName('macros').share.comment).toBeUndefined();
  });

  it('notes what a feature module sets differently from MoxNAS, and nothing where it agrees', () => {
    expect(at(byName('backup').notes)).toEqual([[62, 'shadow:snapdir = .zfs/snapshot']]);
    expect(at(byName('audit').notes)).toEqual([[79, 'full_audit:prefix = %u|%I|%S'], [80, 'full_audit:success = mkdir rename unlink']]);
    expect(at(byName('TimeMachine').notes)).toEqual([]);
    expect(at(byName('photos').notes)).toEqual([[142, 'vfs objects = acl_xattr recycle'], [143, 'recycle:exclude = *.tmp']]);
    expect(byName('media').notes.map((n) => [n.line, n.reason])).toEqual([
      // Issue 14 defect 2: `.recycle/%U` is taken over as per-user bins (named by the account).
      [34, expect.stringMatching(/proposed as per-user bins in \.recycle, named by the account \(%u\)/)],
      [176, expect.stringMatching(/continues the section opened on line 25/)],
    ]);
    expect(byName('legacy').notes.map((n) => [n.line, n.reason])).toEqual([[171, expect.stringMatching(/"maybe" is not a yes\/no value/)]]);
    expect(at(byName('no path').notes)).toEqual([[165, '[no path]']]);
  });

  it('gives proposals the contract accepts, except those whose notes say why not', () => {
    const refused = report.smb.filter((p) => !SmbShareCreate.safeParse(p.share).success).map((p) => p.share.name);
    expect(refused).toEqual(['macros', 'no path']);
  });

  it('matches parameter names as Samba does: any case, any blanks, synonyms; the last value wins', () => {
    const { smb: [p] } = proposeShares({ smbConf: '[x]\n path=/srv/x\n ReadOnly = no\n BROWSABLE=No\n Public = yes\n write able = no\n Hosts   Allow = a.example.com, 10.0.0.1\n' });
    expect(p.share).toMatchObject({ readOnly: true, browseable: false, guestOk: true, hostsAllow: ['a.example.com', '10.0.0.1'] });
    expect(p.notes).toEqual([]);
  });

  it('applies [global] share options as defaults that a share may override', () => {
    const { smb: shares } = proposeShares({ smbConf: 'read only = no\nvfs objects = recycle\n[a]\npath = /srv/a\n[b]\npath = /srv/b\nread only = yes\nvfs objects =\n' });
    expect(shares.map((p) => [p.share.readOnly, p.share.recycleBin ?? null])).toEqual([
      [false, { repository: '.recycle', perUser: false, keepTree: false, versions: false }],
      [true, null],
    ]);
  });

  it('keeps an injected continuation as inert text of the value it continues', () => {
    const { smb: [p] } = proposeShares({ smbConf: '[s]\npath = /srv/s\ncomment = x\\\nroot preexec = id\n' });
    expect(p.share.comment).toBe('xroot preexec = id');
    expect(p.notes).toEqual([]);
  });

  it('notes Apple extensions without Time Machine as a server setting, and skips printable sections', () => {
    const report2 = proposeShares({ smbConf: '[mac]\npath = /srv/mac\nvfs objects = catia fruit streams_xattr\n[lp]\npath = /tmp\nprint ok = yes\n' });
    expect(report2.smb.map((p) => p.share.name)).toEqual(['mac']);
    expect(report2.smb[0].share.timeMachine).toBeUndefined();
    expect(report2.smb[0].notes.map((n) => n.reason)).toEqual([expect.stringMatching(/server-wide SMB setting/)]);
    expect(report2.notes.map((n) => [n.line, n.text])).toEqual([[4, '[lp]']]);
  });
});

describe('proposeShares: /etc/exports', () => {
  const report = proposeShares({ exports: fixture('exports') });
  const nfs = (p: Record<string, unknown>) => ({ comment: null, squash: 'root', anonUid: null, anonGid: null, sync: true, security: ['sys'], subtreeCheck: false, insecure: false, ...p });

  it('proposes one share per exported path with its options, merging repeated paths', () => {
    expect(report.nfs.map((p) => p.share)).toEqual([
      nfs({ path: '/srv/media', comment: 'Media for the living room', clients: [{ host: '192.168.1.0/24', access: 'rw' }, { host: '*.lan.example.com', access: 'ro' }, { host: '10.9.9.9', access: 'rw' }] }),
      nfs({ path: '/srv/backup', clients: [{ host: '10.0.0.7', access: 'rw' }], squash: 'none', sync: false, security: ['sys', 'krb5p'], insecure: true }),
      nfs({ path: '/srv/public files', comment: 'Public, squashed to a fixed user', clients: [{ host: '*', access: 'ro' }], squash: 'all', anonUid: 1000, anonGid: 100, subtreeCheck: true }),
      nfs({ path: '/srv/defaults', clients: [{ host: '10.0.0.1', access: 'rw' }, { host: '10.0.0.2', access: 'ro' }], sync: false }),
      nfs({ path: '/srv/odd', clients: [{ host: 'host1', access: 'rw' }, { host: 'host2', access: 'rw' }, { host: 'host3', access: 'rw' }] }),
      nfs({ path: '/srv/space dir', clients: [{ host: '*', access: 'rw' }] }),
      nfs({ path: '/srv/world', clients: [{ host: '*', access: 'ro' }] }),
      nfs({ path: '/srv/krb', clients: [{ host: '@trusted', access: 'rw' }], security: ['krb5i'] }),
      nfs({ path: '/srv/big', clients: [{ host: '10.0.0.0/255.0.0.0', access: 'rw' }], anonUid: 4294967294 }),
    ]);
    expect(report.notes).toEqual([]);
  });

  it('notes what it could not take over, per export, with line numbers', () => {
    const notes = report.nfs.flatMap((p) => p.notes.map((n) => [n.line, n.section, n.text]));
    expect(notes).toEqual([
      [14, '/srv/media', '/srv/media/ 10.9.9.9(rw)'],
      [9, '/srv/odd', 'host1(fsid=1)'],
      [9, '/srv/odd', 'host1(crossmnt)'],
      [9, '/srv/odd', 'host1(nohide)'],
      [9, '/srv/odd', 'host3'],
      [11, '/srv/space dir', '/srv/space\\040dir (rw)'],
      [12, '/srv/world', '/srv/world'],
      [13, '/srv/krb', '@trusted(sec=krb5i:none)'],
      [15, '/srv/big', '10.0.0.0/255.0.0.0(anongid=x)'],
    ]);
    expect(report.nfs[0].notes[0].reason).toMatch(/also exported on line 3: merged/);
    expect(report.nfs[4].notes[3].reason).toMatch(/safer squash, sync and secure win/);
  });

  it('gives proposals the contract accepts, except the ones it cannot express', () => {
    const refused = report.nfs.filter((p) => !NfsShareCreate.safeParse(p.share).success).map((p) => p.share.path);
    expect(refused).toEqual(['/srv/big']);
  });

  it('reads a bare client with exportfs defaults and refuses nothing silently', () => {
    const { nfs: [p], notes } = proposeShares({ exports: '/srv/a  host.lan\n/srv/b "unterminated\n' });
    expect(p.share).toEqual(nfs({ path: '/srv/a', clients: [{ host: 'host.lan', access: 'ro' }] }));
    expect(p.notes.map((n) => n.reason)).toEqual([expect.stringMatching(/exportfs’ defaults/)]);
    expect(notes.map((n) => [n.line, n.reason])).toEqual([[2, expect.stringMatching(/unterminated quote/)]]);
  });
});

describe('proposeShares: vsftpd.conf', () => {
  const userConfigs = {
    alice: 'local_root=/srv/ftp/alice\nwrite_enable=YES\n',
    bob: 'write_enable=YES\n',
    carol: '',
    dave: 'local_root=/srv/ftp/alice/\nwrite_enable=YES\nanon_world_readable_only=NO\n',
  };
  const report = proposeShares({ vsftpdConf: fixture('vsftpd.conf'), userConfigs });

  it('proposes the anonymous root (confirmed, read-only) and one share per local root and write setting', () => {
    expect(report.ftp.map((p) => [p.source, p.share])).toEqual([
      ['anon_root', { name: 'pub (anonymous)', path: '/srv/ftp/pub', anonymous: true, confirmAnonymous: true, writeEnable: false, chroot: true, allowedUsers: [] }],
      ['local_root', { name: 'team', path: '/srv/ftp/team', allowedUsers: ['carol'], writeEnable: false, chroot: true, anonymous: false }],
      ['user_config_dir: alice, dave', { name: 'alice', path: '/srv/ftp/alice', allowedUsers: ['alice', 'dave'], writeEnable: true, chroot: true, anonymous: false }],
      ['user_config_dir: bob', { name: 'team 2', path: '/srv/ftp/team', allowedUsers: ['bob'], writeEnable: true, chroot: true, anonymous: false }],
    ]);
    expect(report.ftp.every((p) => FtpShareCreate.safeParse(p.share).success)).toBe(true);
  });

  it('says why anonymous access is confirmed and that uploads were dropped', () => {
    expect(report.ftp[0].notes.map((n) => [n.line, n.text, n.reason])).toEqual([
      [4, 'anonymous_enable=YES', expect.stringMatching(/confirmAnonymous: true/)],
      [6, 'anon_upload_enable=YES', expect.stringMatching(/read-only/)],
    ]);
    expect(report.ftp[1].notes.map((n) => n.reason)).toEqual([expect.stringMatching(/every local user/)]);
  });

  it('notes every other option and unreadable line with its line number', () => {
    expect(report.notes.map((n) => [n.section, n.line, n.text])).toEqual([
      [null, 2, 'listen=YES'],
      [null, 3, 'listen_port=21'],
      [null, 8, 'write_enable=YES'],
      [null, 12, 'userlist_enable=YES'],
      [null, 13, 'userlist_file=/etc/vsftpd.userlist'],
      [null, 14, 'ftpd_banner=Welcome'],
      [null, 15, 'pasv_min_port=40000'],
      [null, 16, 'pasv_max_port=40100'],
      [null, 17, 'hide_ids=YES'],
      [null, 18, 'cmds_allowed=PASV,RETR,QUIT'],
      [null, 19, 'this is not an option'],
      ['user_config_dir/dave', 3, 'anon_world_readable_only=NO'],
    ]);
    expect(report.notes[2].reason).toMatch(/set again on line 20/);
  });

  it('takes vsftpd defaults: anonymous on unless said, local users off unless enabled, chroot off', () => {
    const bare = proposeShares({ vsftpdConf: 'anon_root=/srv/anon\n' });
    expect(bare.ftp.map((p) => p.share.path)).toEqual(['/srv/anon']);
    expect(bare.ftp[0].notes[0].reason).toMatch(/default is YES/);

    const local = proposeShares({ vsftpdConf: 'anonymous_enable=NO\nlocal_enable=YES\nlocal_root=/srv/ftp\n' });
    expect(local.ftp.map((p) => p.share)).toEqual([{ name: 'ftp', path: '/srv/ftp', allowedUsers: [], writeEnable: false, chroot: false, anonymous: false }]);
    expect(local.ftp[0].notes.map((n) => n.reason)).toEqual([expect.stringMatching(/every local user/), expect.stringMatching(/chroot is off/)]);

    const off = proposeShares({ vsftpdConf: 'anonymous_enable=NO\nlocal_root=/srv/ftp\n' });
    expect(off.ftp).toEqual([]);
    expect(off.notes.map((n) => [n.line, n.reason])).toEqual([[2, expect.stringMatching(/local_enable is off/)]]);
  });
});

describe('proposeShares', () => {
  it('proposes nothing for no input', () => {
    expect(proposeShares({})).toEqual({ smb: [], nfs: [], ftp: [], notes: [] });
  });
});
