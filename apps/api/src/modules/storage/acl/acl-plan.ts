import type { AclChange, FieldError } from '@moxnas/contracts';
import type { AclEntry, PathAclEntries } from '@moxnas/host';
import type { PoolEntity } from '../entities/pool.entity';

// Decisions of the ACL editor that need no host: what a path's ACL becomes, and what that changes.

/** Why this pool refuses ACL edits, or null. */
export function aclRefusal(pool: PoolEntity): string | null {
  const cap = pool.capabilities.posixAcl;
  return cap.available ? null : `POSIX ACLs are not available on pool ${pool.name}: ${cap.reason}`;
}

/** Default entries on a file are refused (only directories inherit). */
export function fileDefaultProblems(requested: readonly AclEntry[], isDirectory: boolean): FieldError[] {
  if (isDirectory) return [];
  return requested.flatMap((e, i) => (e.isDefault ? [{ field: `entries.${i}.default`, message: 'default entries apply to directories only; this path is a file' }] : []));
}

const isBase = (e: AclEntry) => e.id === null && e.tag !== 'mask';

/**
 * The full entry list to set: the path's own owner/owning-group/other entries are kept as they are
 * (not taken from the mode, whose group bits are the mask when one exists), the requested named
 * entries and mask follow; default entries only on a directory, their base from the current
 * default ACL or else the access one.
 */
export function planAcl(current: PathAclEntries, requested: readonly AclEntry[], isDirectory: boolean): AclEntry[] {
  const accessBase = current.access.filter(isBase).map((e) => ({ ...e, isDefault: false }));
  const out: AclEntry[] = [...accessBase, ...requested.filter((e) => !e.isDefault)];
  const wantedDefault = isDirectory ? requested.filter((e) => e.isDefault) : [];
  if (wantedDefault.length > 0) {
    const currentDefaultBase = current.default.filter(isBase);
    const defaultBase = currentDefaultBase.length === 3 ? currentDefaultBase : accessBase;
    out.push(...defaultBase.map((e) => ({ ...e, isDefault: true })), ...wantedDefault);
  }
  return out;
}

const union = (perms: readonly string[]) => ['r', 'w', 'x'].filter((p) => perms.some((s) => s.includes(p))).join('');

/** What the host will report after `planAcl`'s list is set: setfacl adds a mask over the group class when named entries come without one. */
export function expectedAcl(full: readonly AclEntry[]): PathAclEntries {
  const side = (isDefault: boolean): AclEntry[] => {
    const own = full.filter((e) => e.isDefault === isDefault);
    const named = own.filter((e) => e.id !== null);
    if (named.length === 0 || own.some((e) => e.tag === 'mask')) return own;
    const groupClass = own.filter((e) => e.tag === 'group' || (e.tag === 'user' && e.id !== null)).map((e) => e.perms);
    return [...own, { tag: 'mask', id: null, perms: union(groupClass), isDefault }];
  };
  return { access: side(false), default: side(true) };
}

const keyOf = (e: AclEntry) => `${e.isDefault ? 'default:' : ''}${e.tag}${e.id === null ? '' : `:${e.id}`}`;
export const rwx = (perms: string) => `${perms.includes('r') ? 'r' : '-'}${perms.includes('w') ? 'w' : '-'}${perms.includes('x') ? 'x' : '-'}`;

/** Entry by entry, what differs between two ACLs (order: as they appear, before first). */
export function diffAcl(before: PathAclEntries, after: PathAclEntries): AclChange[] {
  const map = (acl: PathAclEntries) => new Map([...acl.access, ...acl.default].map((e) => [keyOf(e), rwx(e.perms)]));
  const b = map(before);
  const a = map(after);
  const changes: AclChange[] = [];
  for (const key of new Set([...b.keys(), ...a.keys()])) {
    const was = b.get(key) ?? null;
    const will = a.get(key) ?? null;
    if (was !== will) changes.push({ entry: key, before: was, after: will });
  }
  return changes;
}
