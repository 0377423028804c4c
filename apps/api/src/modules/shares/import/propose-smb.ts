import type { ImportNote, SmbShareCreateInput } from '@moxnas/contracts';
import { AUDIT_PREFIX, readSmbConf, SHADOW_FORMATS, type SmbConfParam, type SmbConfReadSection } from '@moxnas/render';
import { MACRO_RE, NoteList, trimTrailingSlash, type ShareProposal } from './import-note';

export type SmbProposal = ShareProposal<SmbShareCreateInput>;

type Field =
  | 'path' | 'comment' | 'browseable' | 'readOnly' | 'guestOk' | 'available' | 'printable'
  | 'validUsers' | 'writeList' | 'hostsAllow' | 'hostsDeny' | 'createMask' | 'directoryMask'
  | 'forceUser' | 'forceGroup' | 'vfsObjects'
  | 'recycleRepository' | 'recycleKeepTree' | 'recycleVersions' | 'timeMachine' | 'timeMachineMaxSize';

/**
 * Share parameters MoxNAS has a field for, by Samba's matching key (lower case, blanks removed), with
 * their synonyms. `invert`: the synonym means the opposite (`writeable = yes` is `read only = no`).
 */
const SHARE_PARAMS: Record<string, { field: Field; invert?: true }> = {
  path: { field: 'path' },
  directory: { field: 'path' },
  comment: { field: 'comment' },
  browseable: { field: 'browseable' },
  browsable: { field: 'browseable' },
  readonly: { field: 'readOnly' },
  writeable: { field: 'readOnly', invert: true },
  writable: { field: 'readOnly', invert: true },
  writeok: { field: 'readOnly', invert: true },
  guestok: { field: 'guestOk' },
  public: { field: 'guestOk' },
  available: { field: 'available' },
  printable: { field: 'printable' },
  printok: { field: 'printable' },
  validusers: { field: 'validUsers' },
  writelist: { field: 'writeList' },
  hostsallow: { field: 'hostsAllow' },
  allowhosts: { field: 'hostsAllow' },
  hostsdeny: { field: 'hostsDeny' },
  denyhosts: { field: 'hostsDeny' },
  createmask: { field: 'createMask' },
  createmode: { field: 'createMask' },
  directorymask: { field: 'directoryMask' },
  directorymode: { field: 'directoryMask' },
  forceuser: { field: 'forceUser' },
  forcegroup: { field: 'forceGroup' },
  group: { field: 'forceGroup' },
  vfsobjects: { field: 'vfsObjects' },
  vfsobject: { field: 'vfsObjects' },
  'recycle:repository': { field: 'recycleRepository' },
  'recycle:keeptree': { field: 'recycleKeepTree' },
  'recycle:versions': { field: 'recycleVersions' },
  'fruit:timemachine': { field: 'timeMachine' },
  'fruit:timemachinemaxsize': { field: 'timeMachineMaxSize' },
};

/**
 * Module options MoxNAS writes itself when the feature is on: not noted when the file has MoxNAS's
 * own value (a file MoxNAS rendered imports without noise), noted when it differs.
 */
const IMPLIED: Record<string, { module: string; value: string | readonly string[] | null; reason: string }> = {
  'full_audit:syslog': { module: 'full_audit', value: 'true', reason: 'MoxNAS audits to syslog' },
  'full_audit:facility': { module: 'full_audit', value: 'local5', reason: 'MoxNAS audits to the LOCAL5 facility' },
  'full_audit:priority': { module: 'full_audit', value: 'notice', reason: 'MoxNAS audits at NOTICE priority' },
  'full_audit:prefix': { module: 'full_audit', value: AUDIT_PREFIX.toLowerCase(), reason: 'MoxNAS writes its own audit prefix' },
  'full_audit:success': {
    module: 'full_audit',
    value: 'connect disconnect create_file mkdirat renameat unlinkat fchmod fchown linkat symlinkat',
    reason: 'MoxNAS audits a fixed set of operations',
  },
  'full_audit:failure': { module: 'full_audit', value: 'connect', reason: 'MoxNAS audits a fixed set of operations' },
  'shadow:format': { module: 'shadow_copy2', value: SHADOW_FORMATS.map((f) => f.toLowerCase()), reason: 'MoxNAS names snapshots (@)GMT-YYYY.MM.DD-HH.MM.SS' },
  'shadow:sort': { module: 'shadow_copy2', value: 'desc', reason: 'MoxNAS lists previous versions newest first' },
  'shadow:localtime': { module: 'shadow_copy2', value: 'no', reason: 'MoxNAS snapshot names are in UTC' },
  'recycle:directory_mode': { module: 'recycle', value: '1777', reason: 'MoxNAS makes the bin folder that every user writes 1777 (docs/shares.md)' },
  'recycle:subdir_mode': { module: 'recycle', value: ['0700', '1777'], reason: 'MoxNAS sets the bin folders’ modes itself: 0700 for a user’s bin, 1777 in a shared one' },
  'shadow:snapdir': { module: 'shadow_copy2', value: null, reason: 'MoxNAS shows the snapshots of the pool the share is in; check they are the ones meant' },
  'shadow:mountpoint': { module: 'shadow_copy2', value: null, reason: 'MoxNAS shows the snapshots of the pool the share is in; check they are the ones meant' },
};

/** [global] parameters the SMB service settings cover. */
const SERVER_SETTINGS = new Set([
  'workgroup', 'serverstring', 'netbiosname', 'serverminprotocol', 'minprotocol', 'interfaces', 'bindinterfacesonly',
  'smbports', 'guestaccount', 'loglevel', 'debuglevel',
]);

const REFUSED: [RegExp, string][] = [
  [/^(include|configfile|configbackend)$/, 'reads another file; MoxNAS does not follow it (import that file separately)'],
  [/^copy$/, 'copies another section; MoxNAS does not follow it'],
  [/(exec|command|script|magicoutput)$/, 'runs a program on the server; never imported'],
];

/** Sections that are not disk shares MoxNAS could manage. */
const SPECIAL_SECTIONS: Record<string, string> = {
  homes: 'per-user home shares ([homes]) are not managed by MoxNAS; create a share per user instead',
  printers: 'printing is not managed by MoxNAS',
  'print$': 'printer drivers are not managed by MoxNAS',
  'ipc$': 'IPC$ is provided by Samba itself',
};

const KNOWN_MODULES = new Set(['recycle', 'shadow_copy2', 'fruit', 'full_audit', 'catia', 'streams_xattr']);

/** Samba's boolean spellings (set_boolean). */
function smbBoolean(value: string): boolean | undefined {
  const v = value.toLowerCase();
  if (['yes', 'true', 'on', '1'].includes(v)) return true;
  if (['no', 'false', 'off', '0'].includes(v)) return false;
  return undefined;
}

/** Samba lists: blanks or commas between entries, double quotes around one with blanks. */
function smbList(value: string): string[] {
  const items: string[] = [];
  for (const m of value.matchAll(/"([^"]*)"|([^\s,"]+)/g)) {
    const item = m[1] ?? m[2];
    if (item && !items.includes(item)) items.push(item);
  }
  return items;
}

/**
 * A `hosts allow`/`hosts deny` entry in the contract's form. Samba also takes an IPv4 prefix
 * (`192.168.1.` = the addresses starting so) and an address/netmask (`192.168.1.0/255.255.255.0`);
 * both are the same network as a CIDR, which is what MoxNAS writes. Anything else is carried as
 * written (a hostname passes; an unknown form fails the grammar, so the share is refused, never widened).
 */
export function smbHostEntry(entry: string): string {
  const octet = (v: string) => /^\d{1,3}$/.test(v) && Number(v) <= 255;
  const prefix = /^((?:\d{1,3}\.){1,3})$/.exec(entry);
  if (prefix) {
    const parts = prefix[1].slice(0, -1).split('.');
    if (parts.every(octet)) return `${[...parts, ...Array(4 - parts.length).fill('0')].join('.')}/${parts.length * 8}`;
  }
  const masked = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,3}(?:\.\d{1,3}){3})$/.exec(entry);
  if (masked && masked[1].split('.').every(octet) && masked[2].split('.').every(octet)) {
    const bits = masked[2].split('.').map((o) => Number(o).toString(2).padStart(8, '0')).join('');
    if (/^1*0*$/.test(bits)) return `${masked[1]}/${bits.indexOf('0') === -1 ? 32 : bits.indexOf('0')}`;
  }
  return entry;
}

/** `alice @staff +media` → users and groups. `&netgroup` and other forms stay users (and fail the grammar). */
function usersAndGroups(value: string): { users: string[]; groups: string[] } {
  const users: string[] = [];
  const groups: string[] = [];
  for (const item of smbList(value)) {
    // @group is a Unix group or netgroup, +group a Unix group only, @+/+@ both spellings of the first.
    const group = /^(?:@\+?|\+@?)([^@+&].*)$/.exec(item)?.[1];
    if (group === undefined) users.push(item);
    else if (!groups.includes(group)) groups.push(group);
  }
  return { users, groups };
}

const sameValue = (a: string, b: string) => {
  const ba = smbBoolean(a);
  const bb = smbBoolean(b);
  return ba !== undefined && bb !== undefined ? ba === bb : a.toLowerCase() === b.toLowerCase();
};

/** A parameter in effect for one share, and whether it came from [global] (a default for every share). */
interface Effective {
  param: SmbConfParam;
  fromGlobal: boolean;
}

class SmbImporter {
  /** File-level notes: [global], skipped sections, stray lines, and anything a [global] default causes. */
  readonly notes = new NoteList();

  constructor(private readonly globalDefaults: SmbConfParam[]) {}

  note(p: SmbConfParam, section: string, reason: string, fromGlobal: boolean, shareNotes: NoteList): void {
    const note: ImportNote = { file: 'smb.conf', line: p.line, section: fromGlobal ? 'global' : section, text: p.text, reason };
    (fromGlobal ? this.notes : shareNotes).add(note);
  }

  propose(section: SmbConfReadSection): SmbProposal {
    const notes = new NoteList();
    const name = section.name;
    for (const line of section.reopenedAt) {
      notes.add({ file: 'smb.conf', line, section: name, text: `[${name}]`, reason: `continues the section opened on line ${section.line}; merged as Samba does` });
    }
    const params: Effective[] = [...this.globalDefaults.map((param) => ({ param, fromGlobal: true })), ...section.params.map((param) => ({ param, fromGlobal: false }))];
    const last = new Map<Field, { value: string; invert: boolean; at: Effective }>();
    const unmapped: Effective[] = [];
    for (const e of params) {
      const known = SHARE_PARAMS[e.param.key];
      if (known) last.set(known.field, { value: e.param.value, invert: known.invert === true, at: e });
      else unmapped.push(e);
    }
    const noteAt = (e: Effective, reason: string) => this.note(e.param, name, reason, e.fromGlobal, notes);
    const bool = (field: Field, fallback: boolean): boolean => {
      const got = last.get(field);
      if (!got) return fallback;
      const b = smbBoolean(got.value);
      if (b === undefined) {
        noteAt(got.at, `"${got.value}" is not a yes/no value; the default is proposed`);
        return fallback;
      }
      return got.invert ? !b : b;
    };
    /** A value carried as written; a macro in it is noted and left in, so the API refuses the field. */
    const literal = (field: Field): string | undefined => {
      const got = last.get(field);
      if (!got) return undefined;
      if (MACRO_RE.test(got.value)) noteAt(got.at, 'contains a Samba macro (%…), which MoxNAS does not expand; change it to a fixed value before this share can be created');
      return got.value;
    };

    const share: SmbShareCreateInput = { name, path: '' };
    const path = literal('path');
    if (path === undefined) notes.add({ file: 'smb.conf', line: section.line, section: name, text: `[${name}]`, reason: 'the share has no path' });
    share.path = path === undefined ? '' : trimTrailingSlash(path);

    const comment = last.get('comment');
    if (comment && MACRO_RE.test(comment.value)) noteAt(comment.at, 'a comment with a Samba macro (%…) is not taken over');
    else if (comment && comment.value !== '') share.comment = comment.value;

    share.enabled = bool('available', true);
    share.browseable = bool('browseable', true);
    // Samba's default is read only = yes; the contract's is false, so always say it.
    share.readOnly = bool('readOnly', true);
    share.guestOk = bool('guestOk', false);

    // A list with a macro or an unknown form is carried as written: dropping an entry of valid users
    // or hosts allow would widen access, so the API refuses the share until the admin fixes it.
    const valid = literal('validUsers');
    if (valid !== undefined) ({ users: share.validUsers, groups: share.validGroups } = usersAndGroups(valid));
    const writers = literal('writeList');
    if (writers !== undefined) ({ users: share.writeUsers, groups: share.writeGroups } = usersAndGroups(writers));
    const allow = literal('hostsAllow');
    if (allow !== undefined) share.hostsAllow = [...new Set(smbList(allow).map(smbHostEntry))];
    const deny = literal('hostsDeny');
    if (deny !== undefined) share.hostsDeny = [...new Set(smbList(deny).map(smbHostEntry))];
    const createMask = literal('createMask');
    if (createMask !== undefined) share.createMask = createMask;
    const directoryMask = literal('directoryMask');
    if (directoryMask !== undefined) share.directoryMask = directoryMask;
    const forceUser = literal('forceUser');
    if (forceUser !== undefined) share.forceUser = forceUser;
    const forceGroup = literal('forceGroup');
    if (forceGroup !== undefined) share.forceGroup = forceGroup;

    const vfs = last.get('vfsObjects');
    const modules = vfs ? smbList(vfs.value) : [];
    for (const m of modules) {
      if (!KNOWN_MODULES.has(m)) noteAt(vfs!.at, `VFS module ${m} is not managed by MoxNAS; not taken over`);
      else if ((m === 'catia' || m === 'streams_xattr') && !modules.includes('fruit')) {
        noteAt(vfs!.at, `MoxNAS loads ${m} only with the Apple extensions (fruit); not taken over`);
      }
    }
    const has = (m: string) => modules.includes(m);
    const unused = (field: Field, why: string) => {
      const got = last.get(field);
      if (got) noteAt(got.at, `has no effect: ${why}; not taken over`);
    };

    if (has('recycle')) {
      // Samba's defaults (.recycle, keeptree no, versions no) differ from the contract's: always say them.
      // `<folder>/%U` or `/%u` is a per-user bin; a plain folder is one bin for all, as in Samba.
      const given = last.get('recycleRepository');
      const perUser = given && /^(.+?)\/%([Uu])$/.exec(given.value);
      let repository: string;
      if (given && perUser && !MACRO_RE.test(perUser[1])) {
        repository = perUser[1];
        if (perUser[2] === 'U') noteAt(given.at, `proposed as per-user bins in ${repository}, named by the account (%u) rather than by the name the client typed (%U)`);
      } else {
        repository = literal('recycleRepository') ?? '.recycle';
      }
      share.recycleBin = { repository, perUser: !!perUser, keepTree: bool('recycleKeepTree', false), versions: bool('recycleVersions', false) };
    } else {
      for (const f of ['recycleRepository', 'recycleKeepTree', 'recycleVersions'] as const) unused(f, 'recycle is not in vfs objects');
    }
    share.previousVersions = has('shadow_copy2');
    share.audit = has('full_audit');
    if (has('fruit')) {
      if (bool('timeMachine', false)) {
        const maxSize = literal('timeMachineMaxSize');
        share.timeMachine = { maxSize: maxSize ?? null };
      } else {
        noteAt(vfs!.at, 'Apple extensions (fruit) are a server-wide SMB setting in MoxNAS; turn them on there');
        unused('timeMachineMaxSize', 'fruit:time machine is not on');
      }
    } else {
      unused('timeMachine', 'fruit is not in vfs objects');
      unused('timeMachineMaxSize', 'fruit is not in vfs objects');
    }

    for (const e of unmapped) this.noteUnmapped(e, name, modules, notes);
    return { share, source: `[${name}]`, notes: [...notes.items].sort((a, b) => (a.line ?? 0) - (b.line ?? 0)) };
  }

  private noteUnmapped(e: Effective, section: string, modules: string[], notes: NoteList): void {
    const { key, value } = e.param;
    const implied = IMPLIED[key];
    if (implied) {
      if (!modules.includes(implied.module)) this.note(e.param, section, `has no effect: ${implied.module} is not in vfs objects; not taken over`, e.fromGlobal, notes);
      else if (implied.value === null || ![implied.value].flat().some((v) => sameValue(value, v))) this.note(e.param, section, `${implied.reason}; this value is not taken over`, e.fromGlobal, notes);
      return;
    }
    this.note(e.param, section, unmappedReason(key), e.fromGlobal, notes);
  }
}

function unmappedReason(key: string): string {
  for (const [re, reason] of REFUSED) if (re.test(key)) return reason;
  if (key.startsWith('fruit:')) return 'Apple extension options are server-wide in MoxNAS; not taken over';
  if (key.includes(':')) return `option of VFS module ${key.slice(0, key.indexOf(':'))} is not managed by MoxNAS; not taken over`;
  return 'not an option MoxNAS manages; not taken over';
}

/** Parameters of [global] that Samba applies to every share (share options and module options). */
function isShareDefault(p: SmbConfParam): boolean {
  return p.key in SHARE_PARAMS || p.key in IMPLIED;
}

/**
 * Proposes one SMB share per share section of an smb.conf. [global] share options are defaults of
 * every share, as in Samba; the rest of [global] is noted. [homes], printers, IPC$ and printable
 * sections are skipped with a note. Pure.
 */
export function proposeSmbShares(text: string): { proposals: SmbProposal[]; notes: ImportNote[] } {
  const doc = readSmbConf(text);
  const global = doc.sections.find((s) => s.name.toLowerCase() === 'global');
  const defaults = global?.params.filter(isShareDefault) ?? [];
  const importer = new SmbImporter(defaults);
  const globalNote = (p: SmbConfParam, reason: string) => importer.notes.add({ file: 'smb.conf', line: p.line, section: 'global', text: p.text, reason });
  for (const p of global?.params ?? []) {
    if (isShareDefault(p)) globalNote(p, 'applies to every share in Samba: taken over by each imported share that does not set it');
    else if (SERVER_SETTINGS.has(p.key)) globalNote(p, 'a server setting: set it in the SMB service settings (not imported with shares)');
    else globalNote(p, unmappedReason(p.key).replace('not an option MoxNAS manages', 'a global setting MoxNAS does not manage'));
  }
  for (const s of doc.stray) importer.notes.add({ file: 'smb.conf', line: s.line, section: null, text: s.text, reason: s.reason });

  const proposals: SmbProposal[] = [];
  for (const section of doc.sections) {
    const lower = section.name.toLowerCase();
    if (section === global) continue;
    const special = SPECIAL_SECTIONS[lower];
    const printable = section.params.some((p) => SHARE_PARAMS[p.key]?.field === 'printable' && smbBoolean(p.value) === true);
    if (special || printable) {
      importer.notes.add({ file: 'smb.conf', line: section.line, section: section.name, text: `[${section.name}]`, reason: `section skipped: ${special ?? 'printer shares are not managed by MoxNAS'}` });
      continue;
    }
    proposals.push(importer.propose(section));
  }
  // A [global] default is noted the first time a share uses it; sort so the file's order is kept.
  const notes = [...importer.notes.items].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { proposals, notes };
}
