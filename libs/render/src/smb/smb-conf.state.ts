import {
  AbsolutePath,
  GroupNameList,
  HostAccessList,
  NetbiosName,
  NetworkInterface,
  OctalMask,
  PosixGroupName,
  PosixUserName,
  RelativePath,
  shareNameKey,
  ShareComment,
  SizeWithUnit,
  SmbProtocol,
  SmbServerString,
  SmbSectionName,
  SmbWorkgroup,
  TcpPort,
  UserNameList,
  MAX_SHARES_PER_PROTOCOL,
} from '@moxnas/contracts';
import { z } from 'zod';

/** shadow_copy2 reads snapshots from a directory inside the share (`.zfs/snapshot`) or anywhere. */
const SnapshotDir = z
  .string()
  .superRefine((v, ctx) => {
    const result = (v.startsWith('/') ? AbsolutePath : RelativePath).safeParse(v);
    if (!result.success) ctx.addIssue({ code: 'custom', message: result.error.issues[0].message });
  })
  .describe('Where the snapshots are: relative to the share (.zfs/snapshot) or absolute.');

export const SmbRecycleState = z.object({
  /** Directory inside the share; absent = `.recycle`. */
  repository: RelativePath.nullish(),
  /**
   * One bin per user below the repository (`<repository>/%u`, a macro we own) or one bin every
   * share user deletes into. Either way every level that several users write is created 1777.
   */
  perUser: z.boolean().default(true),
  keepTree: z.boolean().default(true),
  versions: z.boolean().default(true),
});

/**
 * The snapshot name formats MoxNAS creates: `@GMT-…` (copy and btrfs drivers) and `GMT-…` (ZFS
 * reserves `@`). Only these two: the value holds `%` macros, so it is an allowlist, not free text.
 */
export const SHADOW_FORMATS = ['@GMT-%Y.%m.%d-%H.%M.%S', 'GMT-%Y.%m.%d-%H.%M.%S'] as const;

export const SmbPreviousVersionsState = z.object({
  /**
   * `shadow:mountpoint`: the dataset root the snapshot trees mirror. Without it Samba takes the
   * real mount point of the share's file system, which is wrong for a dataset that is a plain
   * directory (docs/storage.md). Absent = Samba's own detection (a share on a ZFS mount).
   */
  mountpoint: AbsolutePath.nullish(),
  snapdir: SnapshotDir,
  /** `shadow:format`; `@GMT-%Y.%m.%d-%H.%M.%S` unless the dataset is a ZFS file system. */
  format: z.enum(SHADOW_FORMATS).default(SHADOW_FORMATS[0]),
  /** Newest first is what Windows' "Previous Versions" tab expects. */
  sort: z.enum(['asc', 'desc']).default('desc'),
});

export const SmbTimeMachineState = z.object({
  /** Cap on what Time Machine may use; absent = no cap. */
  maxSize: SizeWithUnit.nullish(),
});

export const SmbShareState = z.object({
  name: SmbSectionName,
  /** Disabled shares stay in the database but are not written. */
  enabled: z.boolean().default(true),
  path: AbsolutePath,
  comment: ShareComment.nullish(),
  browseable: z.boolean(),
  readOnly: z.boolean(),
  guestOk: z.boolean(),
  validUsers: UserNameList.default([]),
  validGroups: GroupNameList.default([]),
  writeUsers: UserNameList.default([]),
  writeGroups: GroupNameList.default([]),
  hostsAllow: HostAccessList.default([]),
  hostsDeny: HostAccessList.default([]),
  createMask: OctalMask.nullish(),
  directoryMask: OctalMask.nullish(),
  forceUser: PosixUserName.nullish(),
  forceGroup: PosixGroupName.nullish(),
  /** Present = recycle bin on. */
  recycle: SmbRecycleState.nullish(),
  /** Present = snapshots shown as Windows "Previous Versions". */
  previousVersions: SmbPreviousVersionsState.nullish(),
  /** Present = advertised as a Time Machine destination. */
  timeMachine: SmbTimeMachineState.nullish(),
  /** Log file operations to syslog through vfs_full_audit. */
  audit: z.boolean().default(false),
});
export type SmbShareState = z.output<typeof SmbShareState>;
export type SmbShareStateInput = z.input<typeof SmbShareState>;

/**
 * Samba's runtime directories. In system mode they are absent (Samba's packaged defaults apply); in
 * development and tests they point into the data dir so an instance never touches /var/lib/samba.
 */
export const SmbDirsState = z.object({
  privateDir: AbsolutePath.nullish(),
  lockDir: AbsolutePath.nullish(),
  stateDir: AbsolutePath.nullish(),
  cacheDir: AbsolutePath.nullish(),
  pidDir: AbsolutePath.nullish(),
  ncalrpcDir: AbsolutePath.nullish(),
  /** Directory for `log.smbd`-style files (`log file = <dir>/log.%m`). */
  logDir: AbsolutePath.nullish(),
});

export const SmbGlobalState = z.object({
  workgroup: SmbWorkgroup,
  serverString: SmbServerString,
  /** Absent = Samba uses the host name. */
  netbiosName: NetbiosName.nullish(),
  minProtocol: SmbProtocol,
  /** Bind only to these; empty = all interfaces. */
  interfaces: z.array(NetworkInterface).max(32).default([]),
  /** `smb ports`; empty = Samba's default (445 139). */
  ports: z.array(TcpPort).max(4).default([]),
  guestAccount: PosixUserName.default('nobody'),
  /** tdbsam file; absent = `passdb.tdb` in the private dir. */
  passdbFile: AbsolutePath.nullish(),
  dirs: SmbDirsState.default({}),
  /** Apple SMB2 extensions (vfs_fruit) on every share; forced on when any share serves Time Machine. */
  appleExtensions: z.boolean().default(false),
  logLevel: z.number().int().min(0).max(10).default(1),
});
export type SmbGlobalState = z.output<typeof SmbGlobalState>;

export const SmbConfState = z
  .object({
    global: SmbGlobalState,
    shares: z.array(SmbShareState).max(MAX_SHARES_PER_PROTOCOL),
  })
  .superRefine((state, ctx) => {
    // Samba matches section names case-insensitively: `Media` and `media` would shadow each other.
    const seen = new Map<string, string>();
    state.shares.forEach((share, i) => {
      if (!share.enabled) return;
      const key = shareNameKey(share.name);
      const other = seen.get(key);
      if (other !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['shares', i, 'name'], message: `clashes with the share "${other}" (names are case-insensitive)` });
      } else {
        seen.set(key, share.name);
      }
    });
  });
export type SmbConfState = z.output<typeof SmbConfState>;
/** What callers pass: optional fields may be left out, lists default to empty. */
export type SmbConfStateInput = z.input<typeof SmbConfState>;
