import type { AccessLevel, AccessRule } from '@moxnas/contracts';
import type { AclEntry } from '@moxnas/host';

/** Who the file system sees: the uid and every gid (primary and supplementary) the process has. */
export interface FsIdentity {
  /** Login or account name, for the rule text. */
  name: string;
  uid: number;
  gids: readonly number[];
}

/** One directory (or the final file) on the way from the share root to the asked path. */
export interface PathNode {
  path: string;
  type: 'directory' | 'file' | 'other';
  mode: number;
  uid: number;
  gid: number;
  /** The access ACL (getfacl); [] or base entries only when the path has no extended ACL. */
  acl: readonly AclEntry[];
}

/** Names for uids and gids in rule text; unknown ids print as numbers. */
export interface IdNames {
  user(uid: number): string;
  group(gid: number): string;
}

export const LEVELS: readonly AccessLevel[] = ['none', 'read', 'write'];
export const minLevel = (a: AccessLevel, b: AccessLevel): AccessLevel => (LEVELS.indexOf(a) <= LEVELS.indexOf(b) ? a : b);
export const maxLevel = (a: AccessLevel, b: AccessLevel): AccessLevel => (LEVELS.indexOf(a) >= LEVELS.indexOf(b) ? a : b);
/** The answer of a chain: its lowest verdict (no rules = nothing allowed). */
export const chainLevel = (rules: readonly AccessRule[]): AccessLevel =>
  rules.length ? rules.map((r) => r.verdict).reduce(minLevel) : 'none';

const octal = (mode: number) => `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
const rwx = (perms: string) => `${perms.includes('r') ? 'r' : '-'}${perms.includes('w') ? 'w' : '-'}${perms.includes('x') ? 'x' : '-'}`;
const bits = (mode: number, shift: number) => {
  const b = (mode >> shift) & 7;
  return `${b & 4 ? 'r' : ''}${b & 2 ? 'w' : ''}${b & 1 ? 'x' : ''}`;
};
const has = (perms: string, want: string) => [...want].every((c) => perms.includes(c));
const masked = (perms: string, mask: string | null) => (mask === null ? perms : [...perms].filter((c) => mask.includes(c)).join(''));

/** An entry the POSIX.1e algorithm can pick for an identity, with its text and perms after the mask. */
interface Candidate {
  text: string;
  perms: string;
  fromAcl: boolean;
}

/**
 * The entries that decide for this identity, in the kernel's order: owner; else a named user entry;
 * else every matching group entry (owning group and named groups: access if any one of them grants
 * all of the request); else other. The mask limits named entries and the owning group.
 */
function candidates(node: PathNode, who: FsIdentity, names: IdNames): { cls: string; list: Candidate[] } {
  const named = node.acl.filter((e) => !e.isDefault && e.id !== null);
  const maskEntry = node.acl.find((e) => !e.isDefault && e.tag === 'mask');
  const mask = maskEntry ? maskEntry.perms : null;
  const extended = named.length > 0;
  if (who.uid === node.uid) return { cls: 'owner', list: [{ text: `owner ${names.user(node.uid)} ${rwx(bits(node.mode, 6))}`, perms: bits(node.mode, 6), fromAcl: false }] };
  const user = named.find((e) => e.tag === 'user' && e.id === who.uid);
  if (user) return { cls: 'acl', list: [{ text: `ACL entry user:${names.user(who.uid)}:${rwx(user.perms)}${mask !== null ? ` (mask ${rwx(mask)})` : ''}`, perms: masked(user.perms, mask), fromAcl: true }] };
  const groups: Candidate[] = [];
  if (who.gids.includes(node.gid)) {
    // With an extended ACL the group bits of the mode are the mask; the owning group entry is the ACL's.
    const own = node.acl.find((e) => !e.isDefault && e.tag === 'group' && e.id === null);
    const perms = extended && own ? own.perms : bits(node.mode, 3);
    groups.push({ text: `group ${names.group(node.gid)} ${rwx(perms)}`, perms: extended ? masked(perms, mask) : perms, fromAcl: false });
  }
  for (const e of named) {
    if (e.tag === 'group' && e.id !== null && who.gids.includes(e.id)) {
      groups.push({ text: `ACL entry group:${names.group(e.id)}:${rwx(e.perms)}${mask !== null ? ` (mask ${rwx(mask)})` : ''}`, perms: masked(e.perms, mask), fromAcl: true });
    }
  }
  if (groups.length) return { cls: 'group', list: groups };
  return { cls: 'other', list: [{ text: `other ${rwx(bits(node.mode, 0))}`, perms: bits(node.mode, 0), fromAcl: false }] };
}

/** Whether the identity gets every permission in `want` on the node, and the entry that decided. */
export function grants(node: PathNode, who: FsIdentity, want: string, names: IdNames): { ok: boolean; by: Candidate } {
  if (who.uid === 0) return { ok: true, by: { text: 'root', perms: 'rwx', fromAcl: false } };
  const { list } = candidates(node, who, names);
  const hit = list.find((c) => has(c.perms, want));
  return { ok: hit !== undefined, by: hit ?? list[0] };
}

function ruleName(node: PathNode, by: Candidate, names: IdNames): string {
  if (by.fromAcl) return `${by.text.replace(/ \(mask.*\)$/, '')} on ${node.path}`;
  return `POSIX mode ${octal(node.mode)} on ${node.path} (owner ${names.user(node.uid)}, group ${names.group(node.gid)})`;
}

/**
 * The file-system rules from the share root down to the path: every directory above the target
 * must be searchable (x); the target directory is listed with r+x and written with w+x; a target
 * file is read with r and written with w (its directory's w decides creating and deleting).
 */
export function posixRules(nodes: readonly PathNode[], who: FsIdentity, names: IdNames, share: string | null): AccessRule[] {
  const rules: AccessRule[] = [];
  nodes.forEach((node, i) => {
    const last = i === nodes.length - 1;
    if (!last) {
      const g = grants(node, who, 'x', names);
      rules.push({
        rule: ruleName(node, g.by, names),
        verdict: g.ok ? 'write' : 'none',
        detail: g.ok ? `${who.name} can enter it (${g.by.text})` : `${who.name} cannot enter it: no x (${g.by.text})`,
        share,
      });
      return;
    }
    const dir = node.type === 'directory';
    const read = grants(node, who, dir ? 'rx' : 'r', names);
    const write = grants(node, who, dir ? 'wx' : 'w', names);
    const verdict: AccessLevel = !read.ok ? 'none' : write.ok ? 'write' : 'read';
    const by = read.ok ? write.by : read.by;
    const what = dir ? 'list' : 'read';
    const detail =
      verdict === 'write' ? `${who.name} can ${what} and write (${by.text})` : verdict === 'read' ? `${who.name} can ${what} but not write (${by.text})` : `${who.name} cannot ${what} it (${by.text})`;
    rules.push({ rule: ruleName(node, by, names), verdict, detail, share });
  });
  return rules;
}
