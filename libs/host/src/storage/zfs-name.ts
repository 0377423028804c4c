/** A ZFS file system name: pool/child/…, each component from ZFS's own character set. */
export const ZFS_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]*(\/[A-Za-z0-9_.: -]+)*$/;
