import {
  AbsolutePath,
  FtpBanner,
  IPv4Address,
  IpAddress,
  OctalMask,
  PamServiceName,
  PosixUserName,
  TcpPort,
  TcpPortRange,
  UserNameList,
  MAX_SHARES_PER_PROTOCOL,
} from '@moxnas/contracts';
import { z } from 'zod';
import type { RenderIssue } from '../render-error';

export const FtpShareState = z.object({
  /** Only used to name the share in error messages; never written to a file. */
  name: z.string().max(200).nullish(),
  /** Disabled shares stay in the database but grant nothing. */
  enabled: z.boolean().default(true),
  path: AbsolutePath,
  /** Local users whose FTP root this share is. */
  allowedUsers: UserNameList.default([]),
  /** Anonymous, read-only access to this share. */
  anonymous: z.boolean().default(false),
  /** Allowed users may upload, rename and delete. Anonymous access is always read-only. */
  writeEnable: z.boolean().default(false),
  /** Lock the users into the share (chroot). Off lets them browse the whole file system. */
  chroot: z.boolean().default(true),
});
export type FtpShareState = z.output<typeof FtpShareState>;
export type FtpShareStateInput = z.input<typeof FtpShareState>;

export const VsftpdTlsState = z.object({
  certFile: AbsolutePath,
  keyFile: AbsolutePath,
  /** Refuse logins and transfers without TLS. */
  required: z.boolean().default(false),
});

export const VsftpdGlobalState = z.object({
  listenPort: TcpPort,
  /** Absent = every IPv4 address; an IPv6 address switches vsftpd to its IPv6 listener. */
  listenAddress: IpAddress.nullish(),
  /** Rendered only when set: the `process` driver needs `background=NO` to supervise the daemon. */
  background: z.boolean().nullish(),
  passivePorts: TcpPortRange.nullish(),
  /** Address announced for passive mode behind NAT. */
  pasvAddress: IPv4Address.nullish(),
  banner: FtpBanner.nullish(),
  /** 0 or absent = unlimited. */
  maxClients: z.number().int().min(0).max(100000).nullish(),
  maxPerIp: z.number().int().min(0).max(100000).nullish(),
  localUmask: OctalMask.default('022'),
  tls: VsftpdTlsState.nullish(),
  pamServiceName: PamServiceName.default('vsftpd'),
  secureChrootDir: AbsolutePath.default('/var/run/vsftpd/empty'),
  /** Directory of per-user files (`user_config_dir`), each named after the user. */
  userConfigDir: AbsolutePath,
  /** Users allowed to log in at all (`userlist_file` with `userlist_deny=NO`). */
  userListFile: AbsolutePath,
  /** Users NOT locked into their share (`chroot_list_file` with `chroot_local_user=YES`). */
  chrootListFile: AbsolutePath,
  logFile: AbsolutePath.nullish(),
  /** Local account anonymous sessions run as. */
  anonymousUser: PosixUserName.default('ftp'),
});
export type VsftpdGlobalState = z.output<typeof VsftpdGlobalState>;

/** Names vsftpd treats as anonymous logins; they cannot be ordinary FTP users. */
export const ANONYMOUS_LOGINS = ['anonymous', 'ftp'] as const;

const shareLabel = (s: { name?: string | null }, i: number) => (s.name ? `"${s.name}"` : `#${i + 1}`);

/**
 * What vsftpd cannot express, as field issues the API can return before saving:
 *
 * - a user in two enabled shares: vsftpd gives a login exactly one root (`local_root`), and under
 *   chroot a second share cannot be reached (symlinks do not leave a chroot; bind mounts would make
 *   rendering impure and need privileges). See libs/render/README.md.
 * - two enabled anonymous shares: there is one `anon_root`.
 * - `anonymous`/`ftp` (or the configured anonymous account) as an allowed user: those names log in
 *   anonymously, whatever the share says.
 */
export function findFtpShareConflicts(
  shares: readonly Pick<FtpShareState, 'name' | 'enabled' | 'allowedUsers' | 'anonymous'>[],
  anonymousUser = 'ftp',
): RenderIssue[] {
  const issues: RenderIssue[] = [];
  const owner = new Map<string, number>();
  let anonymousShare: number | undefined;
  const reserved = new Set<string>([...ANONYMOUS_LOGINS, anonymousUser]);
  shares.forEach((share, i) => {
    if (!share.enabled) return;
    share.allowedUsers.forEach((user, j) => {
      const field = `shares.${i}.allowedUsers.${j}`;
      if (reserved.has(user)) {
        issues.push({ field, message: `${user} is the anonymous FTP login; use the share's anonymous option instead` });
        return;
      }
      const first = owner.get(user);
      if (first !== undefined) {
        issues.push({
          field,
          message: `${user} already has FTP share ${shareLabel(shares[first], first)}; an FTP login has exactly one root directory`,
        });
      } else {
        owner.set(user, i);
      }
    });
    if (share.anonymous) {
      if (anonymousShare !== undefined) {
        issues.push({
          field: `shares.${i}.anonymous`,
          message: `share ${shareLabel(shares[anonymousShare], anonymousShare)} already serves anonymous FTP; there is one anonymous root`,
        });
      } else {
        anonymousShare = i;
      }
    }
  });
  return issues;
}

export const VsftpdState = z
  .object({
    global: VsftpdGlobalState,
    shares: z.array(FtpShareState).max(MAX_SHARES_PER_PROTOCOL),
  })
  .superRefine((state, ctx) => {
    for (const issue of findFtpShareConflicts(state.shares, state.global.anonymousUser)) {
      ctx.addIssue({ code: 'custom', path: issue.field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)), message: issue.message });
    }
  });
export type VsftpdState = z.output<typeof VsftpdState>;
export type VsftpdStateInput = z.input<typeof VsftpdState>;
