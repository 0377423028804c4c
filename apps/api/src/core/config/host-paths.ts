import path from 'node:path';
import type { AppConfig } from './config';

/**
 * Where MoxNAS puts host files. `etcRoot` is a root prefix: `/` in production (so smb.conf is
 * /etc/samba/smb.conf), `./.moxnas/etc` in development and tests, which never touch the real /etc.
 * Under a prefix, the daemons' runtime state (Samba's passdb and locks, pid files) lives in the data
 * dir so a dev or test instance is fully self-contained.
 */
export interface HostPaths {
  /** True when writing the real system files (etcRoot is `/`). */
  system: boolean;
  smbConf: string;
  exports: string;
  vsftpdConf: string;
  /** vsftpd `user_config_dir`: one file per FTP user. */
  vsftpdUserDir: string;
  /** Users allowed to log in over FTP (`userlist_file`). */
  vsftpdUserList: string;
  /** Users not locked into their share (`chroot_list_file`). */
  vsftpdChrootList: string;
  /** vsftpd's `secure_chroot_dir`: an empty directory owned by root. */
  vsftpdSecureChroot: string;
  /**
   * Home of FTP users that have no home directory of their own: an empty, root-owned directory.
   * vsftpd changes into the passwd home before it applies the per-user `local_root`, so
   * `/nonexistent` would refuse every login ("500 OOPS: cannot change directory"). It is the same
   * path in every mode: Linux accounts are system-wide, and vsftpd changes into it as the user, so
   * it cannot live in a private data dir.
   */
  ftpHome: string;
  /** TLS certificate and key for FTPS (made self-signed when absent). */
  tlsDir: string;
  /** Samba private/lock/state/cache/pid dirs; undefined in system mode (Samba's defaults apply). */
  samba: { privateDir: string; lockDir: string; stateDir: string; cacheDir: string; pidDir: string; ncalrpcDir: string; logDir: string } | undefined;
  /** Pid files and sockets of daemons the `process` driver supervises. */
  runDir: string;
  /** Last known-good copies of config files, for rollback. */
  backupDir: string;
  /** The replication key pair (0600) and the pinned known_hosts files of replication targets (0700). */
  replicationDir: string;
}

export function hostPaths(config: Pick<AppConfig, 'etcRoot' | 'dataDir'>): HostPaths {
  const system = path.resolve(config.etcRoot) === '/';
  const etc = (p: string) => path.join(config.etcRoot, p);
  const data = (p: string) => path.join(config.dataDir, p);
  return {
    system,
    smbConf: etc('etc/samba/smb.conf'),
    exports: etc('etc/exports'),
    vsftpdConf: etc('etc/vsftpd.conf'),
    vsftpdUserDir: etc('etc/vsftpd/users'),
    vsftpdUserList: etc('etc/vsftpd/moxnas.user_list'),
    vsftpdChrootList: etc('etc/vsftpd/moxnas.chroot_list'),
    vsftpdSecureChroot: system ? '/var/run/vsftpd/empty' : data('vsftpd/empty'),
    ftpHome: '/var/lib/moxnas-ftp-home',
    tlsDir: system ? '/etc/moxnas/tls' : data('tls'),
    samba: system
      ? undefined
      : {
          privateDir: data('samba/private'),
          lockDir: data('samba/lock'),
          stateDir: data('samba/state'),
          cacheDir: data('samba/cache'),
          pidDir: data('samba/pid'),
          ncalrpcDir: data('samba/ncalrpc'),
          logDir: data('samba/log'),
        },
    runDir: data('run/daemons'),
    backupDir: data('config-backups'),
    replicationDir: system ? '/etc/moxnas/replication' : data('replication'),
  };
}
