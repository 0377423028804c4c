import { shareNameKey, SMB_RECYCLE_BIN_DEFAULT } from '@moxnas/contracts';
import type nunjucks from 'nunjucks';
import { checkState } from '../state-check';
import { MANAGED_HEADER, templateEnvironment } from '../template-environment';
import { SHADOW_FORMATS, SmbConfState, type SmbConfStateInput, type SmbShareState } from './smb-conf.state';

/** Snapshot names MoxNAS creates (`@GMT-2024.01.31-23.59.59`): what Windows expects, in UTC. */
export const SHADOW_FORMAT = SHADOW_FORMATS[0];
/** Default recycle bin folder inside the share: the contract's. */
export const DEFAULT_RECYCLE_REPOSITORY = SMB_RECYCLE_BIN_DEFAULT.repository;
/** A bin folder several users write: everyone may add, only the owner may remove (like /tmp). */
const SHARED_BIN_MODE = '1777';

/**
 * The vfs_recycle parameters of a bin. vfs_recycle creates the first component of the repository
 * with `directory_mode` and every deeper one with `subdir_mode`, as the user who deletes (its
 * default 0700 for both). A bin folder the first deleter owns with 0700 makes every other user's
 * move into it fail, and vfs_recycle then deletes the file for good. So every folder users share is
 * 1777; in a per-user bin the user's own folder and what it keeps are 0700.
 *
 * Per user is `%u`, the account the connection runs as, not `%U`, the name the client typed: with
 * `map to guest = Bad User` a guest may type any name, and would otherwise create (as the guest
 * account) the bin folder of a real user, who could then not write it.
 */
export function recycleParams(recycle: NonNullable<SmbShareState['recycle']>): { repository: string; directoryMode: string; subdirMode: string } {
  const folder = recycle.repository ?? DEFAULT_RECYCLE_REPOSITORY;
  return recycle.perUser
    ? { repository: `${folder}/%u`, directoryMode: SHARED_BIN_MODE, subdirMode: '0700' }
    : { repository: folder, directoryMode: SHARED_BIN_MODE, subdirMode: SHARED_BIN_MODE };
}
/** Fixed syslog prefix of audit lines: who, from where, which machine, which share. */
export const AUDIT_PREFIX = 'moxnas-audit|%u|%I|%m|%S';

interface ShareView {
  name: string;
  path: string;
  comment: string | null;
  browseable: string;
  readOnly: string;
  guestOk: string;
  validUsers: string | null;
  writeList: string | null;
  hostsAllow: string | null;
  hostsDeny: string | null;
  createMask: string | null;
  directoryMask: string | null;
  forceUser: string | null;
  forceGroup: string | null;
  vfsObjects: string | null;
  audit: { prefix: string } | null;
  timeMachine: { maxSize: string | null } | null;
  shadow: { mountpoint: string | null; snapdir: string; format: string; sort: string } | null;
  recycle: { repository: string; directoryMode: string; subdirMode: string; keepTree: string; versions: string } | null;
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no');
const list = (items: readonly string[]) => (items.length ? items.join(' ') : null);

/** Masks are written as Samba prints them (`0664`), so a round trip through testparm is exact. */
export function normalizeMask(mask: string): string {
  return `0${parseInt(mask, 8).toString(8).padStart(3, '0')}`;
}

/**
 * The module stack, top first. full_audit sits on top so it logs what the client asked for before
 * other modules rewrite it; catia must precede fruit, and fruit needs streams_xattr below it
 * (vfs_fruit(8)); shadow_copy2 and recycle only act on snapshot paths and deletes respectively.
 */
export function vfsChain(share: SmbShareState, apple: boolean): string[] {
  const chain: string[] = [];
  if (share.audit) chain.push('full_audit');
  if (apple) chain.push('catia', 'fruit', 'streams_xattr');
  if (share.previousVersions) chain.push('shadow_copy2');
  if (share.recycle) chain.push('recycle');
  return chain;
}

function shareView(share: SmbShareState, apple: boolean): ShareView {
  const chain = vfsChain(share, apple);
  return {
    name: share.name,
    path: share.path,
    comment: share.comment ?? null,
    browseable: yesNo(share.browseable),
    readOnly: yesNo(share.readOnly),
    guestOk: yesNo(share.guestOk),
    validUsers: list([...share.validUsers, ...share.validGroups.map((g) => `@${g}`)]),
    writeList: list([...share.writeUsers, ...share.writeGroups.map((g) => `@${g}`)]),
    hostsAllow: list(share.hostsAllow),
    hostsDeny: list(share.hostsDeny),
    createMask: share.createMask ? normalizeMask(share.createMask) : null,
    directoryMask: share.directoryMask ? normalizeMask(share.directoryMask) : null,
    forceUser: share.forceUser ?? null,
    forceGroup: share.forceGroup ?? null,
    vfsObjects: list(chain),
    audit: share.audit ? { prefix: AUDIT_PREFIX } : null,
    timeMachine: share.timeMachine ? { maxSize: share.timeMachine.maxSize ?? null } : null,
    shadow: share.previousVersions
      ? {
          mountpoint: share.previousVersions.mountpoint ?? null,
          snapdir: share.previousVersions.snapdir,
          format: share.previousVersions.format,
          sort: share.previousVersions.sort,
        }
      : null,
    recycle: share.recycle
      ? {
          ...recycleParams(share.recycle),
          keepTree: yesNo(share.recycle.keepTree),
          versions: yesNo(share.recycle.versions),
        }
      : null,
  };
}

/** Code-point order on the case-folded name: independent of the process locale, so output is stable. */
function byShareName(a: SmbShareState, b: SmbShareState): number {
  const ka = shareNameKey(a.name);
  const kb = shareNameKey(b.name);
  if (ka !== kb) return ka < kb ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * smb.conf from the desired state: the [global] section, then one section per enabled share in
 * name order. Pure: same state, same bytes.
 */
export function renderSmbConf(input: SmbConfStateInput, env: nunjucks.Environment = templateEnvironment()): string {
  const state = checkState('smb.conf', SmbConfState, input);
  const shares = state.shares.filter((s) => s.enabled).sort(byShareName);
  // Mixing fruit and non-fruit shares confuses macOS (testparm warns), so Apple extensions are all or none.
  const apple = state.global.appleExtensions || shares.some((s) => s.timeMachine);
  const g = state.global;
  const dirs = g.dirs;
  return env.render('samba/smb.conf.njk', {
    header: MANAGED_HEADER,
    global: {
      workgroup: g.workgroup,
      serverString: g.serverString,
      netbiosName: g.netbiosName ?? null,
      minProtocol: g.minProtocol,
      interfaces: list(g.interfaces),
      ports: list(g.ports.map(String)),
      guestAccount: g.guestAccount,
      passdbBackend: g.passdbFile ? `tdbsam:${g.passdbFile}` : 'tdbsam',
      logLevel: String(g.logLevel),
      dirs: {
        privateDir: dirs.privateDir ?? null,
        lockDir: dirs.lockDir ?? null,
        stateDir: dirs.stateDir ?? null,
        cacheDir: dirs.cacheDir ?? null,
        pidDir: dirs.pidDir ?? null,
        ncalrpcDir: dirs.ncalrpcDir ?? null,
        logFile: dirs.logDir ? `${dirs.logDir}/log.%m` : null,
      },
      apple,
    },
    shares: shares.map((s) => shareView(s, apple)),
  });
}
