import type { AclEntryInput, FieldError } from '@moxnas/contracts';
import { ZFS_NAME, type DatasetBackend, type MountInfoEntry } from '@moxnas/host';
import type { DatasetEntity, StoredAclEntry } from '../entities/dataset.entity';
import type { PoolEntity } from '../entities/pool.entity';
import type { StorageHost } from '../storage-host';

// What a dataset is made of and decisions that need no database: its shape on disk, the accounts it names.

/** A dataset with its pool and absolute path: what every operation starts from. */
export interface DatasetContext {
  dataset: DatasetEntity;
  pool: PoolEntity;
  path: string;
}

export const octal = (mode: number) => `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;

/** Decides what a new dataset is on disk, from the pool's snapshot driver. */
export function planBackend(pool: PoolEntity, parentPath: string, name: string, mounts: readonly MountInfoEntry[]): DatasetBackend {
  if (pool.snapshotDriver === 'btrfs') return { kind: 'btrfs-subvolume', zfsName: null };
  if (pool.snapshotDriver === 'zfs') {
    const parent = [...mounts].reverse().find((m) => m.mountPoint === parentPath && m.fsType === 'zfs');
    const zfsName = parent ? `${parent.source}/${name}` : null;
    // A parent that is a plain directory, or a name ZFS refuses: a plain directory with copy snapshots.
    if (zfsName && ZFS_NAME.test(zfsName)) return { kind: 'zfs-filesystem', zfsName };
  }
  return { kind: 'directory', zfsName: null };
}

export function snapshotDriverOf(backend: DatasetBackend['kind']): DatasetEntity['snapshotDriver'] {
  return backend === 'zfs-filesystem' ? 'zfs' : backend === 'btrfs-subvolume' ? 'btrfs' : 'copy';
}

export function hostAcl(acl: readonly StoredAclEntry[]) {
  return acl.map((e) => ({ tag: e.tag, id: e.id, perms: e.perms, isDefault: e.default }));
}

/** Why the pool cannot take these ACL entries, or null. */
export function aclProblem(pool: PoolEntity, acl: readonly StoredAclEntry[] | undefined): FieldError | null {
  if (!acl?.length || pool.capabilities.posixAcl.available) return null;
  return { field: 'acl', message: `POSIX ACLs are not available on pool ${pool.name}: ${pool.capabilities.posixAcl.reason}` };
}

/** A user/group reference → id, as the host knows it; numbers are taken as they are. */
export async function resolveAccount(identities: StorageHost['identities'], kind: 'user' | 'group', ref: string | number, field: string, errors: FieldError[]): Promise<number | undefined> {
  if (typeof ref === 'number') return ref;
  if (/^\d+$/.test(ref)) return Number(ref);
  const found = kind === 'user' ? await identities.user(ref) : await identities.group(ref);
  if (!found) {
    errors.push({ field, message: `no ${kind} named ${ref} on this host` });
    return undefined;
  }
  return kind === 'user' ? (found as { uid: number }).uid : (found as { gid: number }).gid;
}

/** The owner and group a request names, as uid/gid; undefined where it names none (or a name is unknown). */
export async function resolveOwnership(identities: StorageHost['identities'], body: { owner?: string | number; group?: string | number }, errors: FieldError[]): Promise<{ uid?: number; gid?: number }> {
  const uid = body.owner !== undefined ? await resolveAccount(identities, 'user', body.owner, 'owner', errors) : undefined;
  const gid = body.group !== undefined ? await resolveAccount(identities, 'group', body.group, 'group', errors) : undefined;
  return { uid, gid };
}

export async function resolveAcl(identities: StorageHost['identities'], entries: readonly AclEntryInput[], field: string, errors: FieldError[]): Promise<StoredAclEntry[]> {
  const out: StoredAclEntry[] = [];
  const seen = new Set<string>();
  for (const [i, e] of entries.entries()) {
    let id: number | null = null;
    if (e.tag !== 'mask' && e.qualifier !== null) {
      const resolved = await resolveAccount(identities, e.tag, e.qualifier, `${field}.${i}.qualifier`, errors);
      if (resolved === undefined) continue;
      id = resolved;
    }
    const key = `${e.default ? 'd' : ''}${e.tag}:${id ?? ''}`;
    if (seen.has(key)) errors.push({ field: `${field}.${i}`, message: `duplicates an earlier ${e.default ? 'default ' : ''}${e.tag} entry` });
    seen.add(key);
    out.push({ tag: e.tag, id, perms: e.perms.replace(/-/g, ''), default: e.default });
  }
  return out;
}
