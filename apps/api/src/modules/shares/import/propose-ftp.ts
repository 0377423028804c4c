import type { FtpShareCreateInput, ImportNote } from '@moxnas/contracts';
import { parseVsftpdConf, vsftpdBoolean, type VsftpdSetting } from '@moxnas/render';
import { NoteList, trimTrailingSlash, type ShareProposal } from './import-note';

export type FtpProposal = ShareProposal<FtpShareCreateInput>;

/** Options the importer reads itself (they become shares or decide them). */
const READ = new Set([
  'anonymous_enable', 'anon_root', 'local_enable', 'local_root', 'write_enable', 'chroot_local_user', 'user_config_dir',
  'anon_upload_enable', 'anon_mkdir_write_enable', 'anon_other_write_enable', 'no_anon_password', 'ftp_username',
]);

/** Options the FTP service settings cover. */
const SERVER_SETTINGS = new Set([
  'listen', 'listen_ipv6', 'listen_port', 'listen_address', 'listen_address6', 'background', 'ftpd_banner', 'max_clients',
  'max_per_ip', 'pasv_enable', 'pasv_min_port', 'pasv_max_port', 'pasv_address', 'ssl_enable', 'rsa_cert_file',
  'rsa_private_key_file', 'force_local_logins_ssl', 'force_local_data_ssl', 'local_umask', 'pam_service_name',
  'xferlog_enable', 'xferlog_std_format', 'vsftpd_log_file', 'secure_chroot_dir', 'ssl_sslv2', 'ssl_sslv3', 'ssl_tlsv1',
  'ssl_ciphers', 'require_ssl_reuse', 'allow_anon_ssl', 'seccomp_sandbox', 'utf8_filesystem', 'allow_writeable_chroot',
]);

/** The last value of each option (vsftpd keeps the last), with the note-maker for that file. */
class VsftpdFile {
  readonly last = new Map<string, VsftpdSetting>();

  constructor(
    readonly settings: VsftpdSetting[],
    private readonly notes: NoteList,
    private readonly section: string | null,
  ) {
    for (const s of settings) this.last.set(s.name, s);
  }

  note(s: VsftpdSetting, reason: string): void {
    this.notes.add({ file: 'vsftpd.conf', line: s.line, section: this.section, text: `${s.name}=${s.value}`, reason });
  }

  /** A YES/NO option; an invalid value is noted and the default used (vsftpd itself would refuse to start). */
  bool(name: string, fallback: boolean): boolean {
    const s = this.last.get(name);
    if (!s) return fallback;
    const b = vsftpdBoolean(s.value);
    if (b === undefined) this.note(s, `"${s.value}" is not YES or NO; the default (${fallback ? 'YES' : 'NO'}) is proposed`);
    return b ?? fallback;
  }

  path(name: string): string | undefined {
    const v = this.last.get(name)?.value;
    return v === undefined ? undefined : trimTrailingSlash(v);
  }
}

/** `/srv/ftp/team` → `team`; a label only, never written to a file. */
function labelOf(path: string): string {
  const base = path.split('/').filter(Boolean).pop();
  return base ?? (path || 'FTP');
}

/**
 * Proposes FTP shares from a vsftpd.conf: the anonymous root (read-only, with confirmAnonymous) and
 * the local users' roots. A user's own file from `user_config_dir` (`userConfigs`: user → its text)
 * may give that user another `local_root`/`write_enable`; users with one root and write setting
 * share one proposal. Pure.
 */
export function proposeFtpShares(text: string, userConfigs: Record<string, string> = {}): { proposals: FtpProposal[]; notes: ImportNote[] } {
  const notes = new NoteList();
  const doc = parseVsftpdConf(text);
  const conf = new VsftpdFile(doc.settings, notes, null);
  for (const s of doc.stray) notes.add({ file: 'vsftpd.conf', line: s.line, section: null, text: s.text, reason: `${s.reason}; not taken over` });
  for (const s of doc.settings) {
    if (conf.last.get(s.name) !== s) conf.note(s, `set again on line ${conf.last.get(s.name)!.line}, which wins`);
    else if (SERVER_SETTINGS.has(s.name)) conf.note(s, 'a server setting: set it in the FTP service settings (not imported with shares)');
    else if (s.name === 'userlist_enable' || s.name === 'userlist_deny' || s.name === 'userlist_file') conf.note(s, 'the user list is not read: put the users of each share in its allowed users');
    else if (s.name === 'chroot_list_enable' || s.name === 'chroot_list_file') conf.note(s, 'exceptions to chroot are not imported: chroot is a per-share setting in MoxNAS');
    else if (!READ.has(s.name)) conf.note(s, 'not an option MoxNAS manages; not taken over');
  }

  const proposals: FtpProposal[] = [];
  const labels = new Set<string>();
  const label = (path: string, suffix = '') => {
    const base = labelOf(path) + suffix;
    let name = base;
    for (let n = 2; labels.has(name.toLowerCase()); n++) name = `${base} ${n}`;
    labels.add(name.toLowerCase());
    return name;
  };

  // vsftpd's own default for anonymous_enable is YES: a config that does not say NO serves it.
  const anonymousSetting = conf.last.get('anonymous_enable');
  if (conf.bool('anonymous_enable', true)) {
    const own = new NoteList();
    const at = (s: VsftpdSetting | undefined, reason: string) =>
      own.add({ file: 'vsftpd.conf', line: s?.line ?? null, section: 'anonymous', text: s ? `${s.name}=${s.value}` : 'anonymous_enable', reason });
    at(anonymousSetting, `${anonymousSetting ? '' : 'not set, and vsftpd’s default is YES: '}anonymous read-only access is proposed because this server allows it today; it is created only when the import request sets confirmAnonymous: true, since anyone who reaches the port can read the share`);
    for (const name of ['anon_upload_enable', 'anon_mkdir_write_enable', 'anon_other_write_enable']) {
      const s = conf.last.get(name);
      if (s && conf.bool(name, false)) at(s, 'anonymous uploads are not offered by MoxNAS: the share is proposed read-only');
    }
    const user = conf.last.get('ftp_username');
    if (user && user.value !== 'ftp') at(user, 'anonymous sessions run as the account set in the FTP service settings; not taken over');
    const path = conf.path('anon_root');
    if (path === undefined) at(undefined, 'no anon_root: vsftpd uses the home directory of the ftp account; set the path');
    proposals.push({
      share: { name: label(path ?? '', ' (anonymous)'), path: path ?? '', anonymous: true, confirmAnonymous: true, writeEnable: false, chroot: true, allowedUsers: [] },
      source: 'anon_root',
      notes: own.items,
    });
  }

  const localEnable = conf.bool('local_enable', false);
  const globalRoot = conf.path('local_root');
  const globalWrite = conf.bool('write_enable', false);
  const chroot = conf.bool('chroot_local_user', false);
  const userDir = conf.last.get('user_config_dir');
  if (!localEnable) {
    for (const name of ['local_root', 'write_enable', 'chroot_local_user', 'user_config_dir']) {
      const s = conf.last.get(name);
      if (s) conf.note(s, 'local_enable is off: local users cannot log in, so no share is proposed for them');
    }
    return { proposals, notes: byLine(notes.items) };
  }
  if (userDir && Object.keys(userConfigs).length === 0) conf.note(userDir, 'per-user files were not given: users with their own local_root are not proposed');

  // Group users by the root and write permission their own file gives them.
  const groups = new Map<string, { path: string; write: boolean; users: string[]; own: NoteList; global: boolean }>();
  const group = (path: string, write: boolean) => {
    const key = JSON.stringify([path, write]);
    let g = groups.get(key);
    if (!g) {
      g = { path, write, users: [], own: new NoteList(), global: path === globalRoot && write === globalWrite };
      groups.set(key, g);
    }
    return g;
  };
  if (globalRoot !== undefined) group(globalRoot, globalWrite);
  for (const user of Object.keys(userConfigs).sort()) {
    const perUser = parseVsftpdConf(userConfigs[user]);
    const file = new VsftpdFile(perUser.settings, notes, `user_config_dir/${user}`);
    for (const s of perUser.stray) notes.add({ file: 'vsftpd.conf', line: s.line, section: `user_config_dir/${user}`, text: s.text, reason: `${s.reason}; not taken over` });
    for (const s of perUser.settings) {
      if (s.name !== 'local_root' && s.name !== 'write_enable') file.note(s, 'not taken over: MoxNAS sets only local_root and write_enable per user');
    }
    const root = file.path('local_root') ?? globalRoot;
    if (root === undefined) {
      notes.add({ file: 'vsftpd.conf', line: null, section: `user_config_dir/${user}`, text: user, reason: 'the user logs in to their home directory (no local_root); not proposed' });
      continue;
    }
    group(root, file.bool('write_enable', globalWrite)).users.push(user);
  }
  if (globalRoot === undefined) {
    notes.add({ file: 'vsftpd.conf', line: null, section: null, text: 'local_enable=YES', reason: 'local users without their own local_root log in to their home directories; no share is proposed for them' });
  }

  for (const g of groups.values()) {
    const source = g.global ? 'local_root' : `user_config_dir: ${g.users.join(', ')}`;
    if (g.global) {
      const s = conf.last.get('local_root')!;
      g.own.add({ file: 'vsftpd.conf', line: s.line, section: source, text: `${s.name}=${s.value}`, reason: 'vsftpd gives this root to every local user who may log in; only users named in per-user files are proposed as allowed users, add the others' });
    }
    if (!chroot) {
      const s = conf.last.get('chroot_local_user');
      g.own.add({ file: 'vsftpd.conf', line: s?.line ?? null, section: source, text: s ? `${s.name}=${s.value}` : 'chroot_local_user', reason: 'chroot is off (vsftpd’s default): users can leave the share and browse the file system; proposed that way' });
    }
    proposals.push({
      share: { name: label(g.path), path: g.path, allowedUsers: g.users, writeEnable: g.write, chroot, anonymous: false },
      source,
      notes: g.own.items,
    });
  }
  return { proposals, notes: byLine(notes.items) };
}

/** The main file's notes in line order, then each per-user file's. */
function byLine(notes: ImportNote[]): ImportNote[] {
  const rank = (n: ImportNote) => (n.section === null ? '' : n.section);
  return [...notes].sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : (a.line ?? 0) - (b.line ?? 0)));
}
