/**
 * The host side of MoxNAS users and groups: Linux accounts, the Samba passdb and FTP access.
 * Every operation is an idempotent "make the host match this spec", so the same calls serve a
 * single change and the rebuild of the whole host from the database (reconcile).
 */

/** Group whose members may log in over FTP; the PAM service below admits only them. */
export const FTP_GROUP = 'moxnas-ftp';
/** PAM service vsftpd must use (`pam_service_name=moxnas-vsftpd` in vsftpd.conf). */
export const FTP_PAM_SERVICE = 'moxnas-vsftpd';
/** Primary group of users who have no MoxNAS group as primary: Debian's `users`. */
export const DEFAULT_PRIMARY_GROUP = { name: 'users', gid: 100 } as const;
/** Home of accounts without one, as Debian does for system users; never created. */
export const NO_HOME = '/nonexistent';

export interface HostGroupRef {
  name: string;
  gid: number;
}

export interface HostUserSpec {
  username: string;
  uid: number;
  primaryGroup: HostGroupRef;
  /** Supplementary MoxNAS groups by name; the FTP group is added by the manager from `ftpEnabled`. */
  groups: string[];
  shell: string;
  /** Created (owned by the user, mode 0700) when missing; null for no home. */
  home: string | null;
  fullName: string | null;
  /** Locks and expires the Linux account and disables the Samba entry. */
  disabled: boolean;
  smbEnabled: boolean;
  ftpEnabled: boolean;
}

export interface HostCredentials {
  /** SHA-512 crypt, for `chpasswd -e`. */
  unixHash: string;
  /** NT hash (32 hex digits), for the Samba passdb. */
  ntHash: string;
  /** The password itself when the caller has it (create, change): handed to `smbpasswd -s` on stdin. */
  password?: string;
}

export interface HostGroupSpec {
  name: string;
  gid: number;
  /** The complete member list (usernames); members must exist on the host. */
  members: string[];
}

export interface HostUser {
  username: string;
  uid: number;
  gid: number;
  fullName: string;
  home: string;
  shell: string;
}

export interface HostGroup {
  name: string;
  gid: number;
  members: string[];
}

export interface AccountsAvailability {
  /** Linux accounts can be managed (running as root, the shadow tools are installed). */
  available: boolean;
  /** Why not, in a sentence with the fix. */
  reason?: string;
  /** The Samba passdb can be managed (smbpasswd and pdbedit are installed). */
  samba: boolean;
  sambaReason?: string;
}

export interface AccountManager {
  availability(): Promise<AccountsAvailability>;
  /** The host account by name or uid (any account, not only ours); null when there is none. */
  findUser(nameOrUid: string | number): Promise<HostUser | null>;
  findGroup(nameOrGid: string | number): Promise<HostGroup | null>;
  /** The host accounts among these names and uids, in few commands (a bulk batch looks up hundreds). */
  findUsers(keys: ReadonlyArray<string | number>): Promise<HostUser[]>;
  findGroups(keys: ReadonlyArray<string | number>): Promise<HostGroup[]>;
  /**
   * One-time host setup: the minimal smb.conf when none exists yet, Samba's state directories, the
   * FTP group and the FTP PAM service. Idempotent.
   */
  prepare(): Promise<void>;
  /** Creates or updates the group (renaming it from `previousName`), and sets its members. */
  ensureGroup(spec: HostGroupSpec, previousName?: string): Promise<void>;
  removeGroup(name: string): Promise<void>;
  /**
   * Creates or updates the Linux account, its Samba entry and FTP access to match `spec`; sets the
   * password when `credentials` are given (required to create a Samba entry that does not exist).
   */
  ensureUser(spec: HostUserSpec, credentials?: HostCredentials): Promise<void>;
  /** Removes the Samba entry and the Linux account; the home directory only with `removeHome`. */
  removeUser(username: string, options: { removeHome: boolean }): Promise<void>;
  /** Names of the Samba passdb entries. */
  listSambaUsers(): Promise<string[]>;
}
