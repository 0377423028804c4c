import { isIPv6 } from '@moxnas/contracts';
import type nunjucks from 'nunjucks';
import { checkState } from '../state-check';
import { MANAGED_HEADER, templateEnvironment } from '../template-environment';
import { ANONYMOUS_LOGINS, VsftpdState, type FtpShareState, type VsftpdStateInput } from './vsftpd.state';

const yesNo = (b: boolean) => (b ? 'YES' : 'NO');

interface UserGrant {
  user: string;
  share: FtpShareState;
}

/** Every (user, share) pair of enabled shares, sorted by user. Conflicts were refused by the schema. */
function grants(state: VsftpdState): UserGrant[] {
  const out: UserGrant[] = [];
  for (const share of state.shares) {
    if (!share.enabled) continue;
    for (const user of share.allowedUsers) out.push({ user, share });
  }
  return out.sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
}

function anonymousShare(state: VsftpdState): FtpShareState | undefined {
  return state.shares.find((s) => s.enabled && s.anonymous);
}

function check(input: VsftpdStateInput, file: string): VsftpdState {
  return checkState(file, VsftpdState, input);
}

/**
 * vsftpd.conf. Policy: nobody logs in unless listed in the user list (`userlist_deny=NO`), every
 * local user is chrooted into their share unless listed in the chroot list, writing is off globally
 * and switched on per user (`user_config_dir`), anonymous access is read-only.
 */
export function renderVsftpdConf(input: VsftpdStateInput, env: nunjucks.Environment = templateEnvironment()): string {
  const state = check(input, 'vsftpd.conf');
  const g = state.global;
  const anon = anonymousShare(state);
  const ipv6 = g.listenAddress ? isIPv6(g.listenAddress) : false;
  return env.render('vsftpd/vsftpd.conf.njk', {
    header: MANAGED_HEADER,
    listen: yesNo(!ipv6),
    listenIpv6: yesNo(ipv6),
    listenPort: String(g.listenPort),
    listenAddress: g.listenAddress && !ipv6 ? g.listenAddress : null,
    listenAddress6: g.listenAddress && ipv6 ? g.listenAddress : null,
    background: g.background === null || g.background === undefined ? null : yesNo(g.background),
    // Always on: with local and anonymous logins both off vsftpd answers every connection with
    // `500 OOPS` instead of a greeting. The user list (userlist_deny=NO) is what keeps people out.
    localEnable: 'YES',
    localUmask: g.localUmask,
    anonymous: anon ? { root: anon.path, user: g.anonymousUser } : null,
    anonymousEnable: yesNo(anon !== undefined),
    chrootListFile: g.chrootListFile,
    secureChrootDir: g.secureChrootDir,
    userConfigDir: g.userConfigDir,
    userListFile: g.userListFile,
    pamServiceName: g.pamServiceName,
    logFile: g.logFile ?? null,
    passive: g.passivePorts ? { min: String(g.passivePorts.min), max: String(g.passivePorts.max) } : null,
    pasvAddress: g.pasvAddress ?? null,
    banner: g.banner ?? null,
    maxClients: g.maxClients ? String(g.maxClients) : null,
    maxPerIp: g.maxPerIp ? String(g.maxPerIp) : null,
    tls: g.tls ? { certFile: g.tls.certFile, keyFile: g.tls.keyFile, force: yesNo(g.tls.required) } : null,
  });
}

/**
 * One file per allowed user for `user_config_dir`: the user's root and whether they may write. Keyed
 * by user name (the file name vsftpd looks up).
 */
export function renderVsftpdUserConfigs(input: VsftpdStateInput, env: nunjucks.Environment = templateEnvironment()): Map<string, string> {
  const state = check(input, 'vsftpd user config');
  const files = new Map<string, string>();
  for (const { user, share } of grants(state)) {
    files.set(user, env.render('vsftpd/user.conf.njk', { header: MANAGED_HEADER, localRoot: share.path, writeEnable: yesNo(share.writeEnable) }));
  }
  return files;
}

/** `userlist_file`: the only logins vsftpd accepts; the anonymous names when anonymous FTP is on. */
export function renderVsftpdUserList(input: VsftpdStateInput, env: nunjucks.Environment = templateEnvironment()): string {
  const state = check(input, 'vsftpd user list');
  const users = grants(state).map((g) => g.user);
  if (anonymousShare(state)) users.push(...ANONYMOUS_LOGINS);
  return env.render('vsftpd/name-list.njk', { header: MANAGED_HEADER, names: [...new Set(users)].sort() });
}

/** `chroot_list_file`: users whose share has chroot off (with `chroot_local_user=YES` it lists exceptions). */
export function renderVsftpdChrootList(input: VsftpdStateInput, env: nunjucks.Environment = templateEnvironment()): string {
  const state = check(input, 'vsftpd chroot list');
  const names = grants(state)
    .filter((g) => !g.share.chroot)
    .map((g) => g.user);
  return env.render('vsftpd/name-list.njk', { header: MANAGED_HEADER, names });
}
