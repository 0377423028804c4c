import { FTP_GROUP, FTP_PAM_SERVICE } from './account-manager';

export interface SambaDirs {
  privateDir: string;
  lockDir: string;
  stateDir: string;
  cacheDir: string;
  pidDir: string;
  logDir: string;
}

/**
 * The PAM service vsftpd logs users in through.
 *
 * Debian's /etc/pam.d/vsftpd ends with `pam_shells`, which refuses every account whose shell is not
 * listed in /etc/shells. MoxNAS accounts use /usr/sbin/nologin on purpose (no shell access), so that
 * check refuses them all (FTP answers 530). Adding nologin to /etc/shells would fix FTP but make
 * nologin a "valid login shell" for every other program that consults /etc/shells. This dedicated
 * service leaves pam_shells out and instead admits only members of the FTP group, which MoxNAS keeps
 * in step with each user's "FTP enabled" switch. Password and account checks (disabled = locked and
 * expired) stay with the system's common-auth/common-account.
 */
export function ftpPamService(): string {
  return [
    `# PAM service for vsftpd under MoxNAS: vsftpd.conf sets pam_service_name=${FTP_PAM_SERVICE}.`,
    '# Written by MoxNAS; local changes are overwritten.',
    '# Unlike /etc/pam.d/vsftpd there is no pam_shells: MoxNAS users have the nologin shell on purpose.',
    `# FTP is allowed to members of ${FTP_GROUP} only (the "FTP enabled" switch of each user).`,
    'auth\trequired\tpam_listfile.so item=user sense=deny file=/etc/ftpusers onerr=succeed',
    `auth\trequired\tpam_succeed_if.so quiet user ingroup ${FTP_GROUP}`,
    '@include common-auth',
    '@include common-account',
    '@include common-session',
    '',
  ].join('\n');
}

/**
 * The smb.conf written when none exists yet, so smbpasswd and pdbedit have a passdb to work on
 * before the Samba configuration is first applied. The Samba renderer owns the file from then on
 * and must keep `passdb backend = tdbsam` and these directories.
 */
export function minimalSmbConf(dirs: SambaDirs | undefined): string {
  const lines = [
    '# Minimal configuration written by MoxNAS user management so the Samba passdb can be managed.',
    '# Applying the Samba settings replaces this file.',
    '[global]',
    '\tsecurity = user',
    '\tpassdb backend = tdbsam',
    '\tmap to guest = never',
  ];
  if (dirs) {
    lines.push(
      `\tprivate dir = ${dirs.privateDir}`,
      `\tlock directory = ${dirs.lockDir}`,
      `\tstate directory = ${dirs.stateDir}`,
      `\tcache directory = ${dirs.cacheDir}`,
      `\tpid directory = ${dirs.pidDir}`,
      `\tlog file = ${dirs.logDir}/log.smbd`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * One line of the smbpasswd file format, for `pdbedit -i smbpasswd:FILE`: how the passdb is rebuilt
 * from the stored NT hash when the password itself is not at hand.
 */
export function smbpasswdLine(entry: { username: string; uid: number; ntHash: string; disabled: boolean; changedAt: Date }): string {
  if (!/^[0-9A-Fa-f]{32}$/.test(entry.ntHash)) throw new Error('NT hash must be 32 hex digits');
  const flags = `[${entry.disabled ? 'DU' : 'U'}`.padEnd(12, ' ') + ']';
  const lct = Math.floor(entry.changedAt.getTime() / 1000).toString(16).toUpperCase().padStart(8, '0');
  return `${entry.username}:${entry.uid}:${'X'.repeat(32)}:${entry.ntHash.toUpperCase()}:${flags}:LCT-${lct}:\n`;
}
