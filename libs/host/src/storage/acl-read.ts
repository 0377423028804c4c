import type { CommandRunner } from '../command/command-runner';
import type { AclEntry } from './acl';

/** A path's ACL as getfacl reports it: base entries (id null) and named ones, access and default. */
export interface PathAclEntries {
  access: AclEntry[];
  default: AclEntry[];
}

const TAGS: Record<string, AclEntry['tag']> = { user: 'user', group: 'group', mask: 'mask', other: 'other' };

/** Parses `getfacl -n -p -E --omit-header` output (numeric ids, no effective-rights comments). */
export function parseGetfacl(text: string): PathAclEntries {
  const out: PathAclEntries = { access: [], default: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const parts = line.split(':');
    const isDefault = parts[0] === 'default';
    if (isDefault) parts.shift();
    const [tagName, qualifier, perms] = parts;
    const tag = TAGS[tagName ?? ''];
    if (!tag || perms === undefined || !/^[r-][w-][x-]$/.test(perms)) throw new Error(`unexpected getfacl line: ${raw}`);
    const id = qualifier ? Number(qualifier) : null;
    if (id !== null && !Number.isInteger(id)) throw new Error(`unexpected getfacl qualifier: ${raw}`);
    (isDefault ? out.default : out.access).push({ tag, id, perms: perms.replace(/-/g, ''), isDefault });
  }
  return out;
}

/** The ACL of one path (which must not be a symlink: getfacl -P does not follow one). */
export async function readAcl(runner: CommandRunner, target: string): Promise<PathAclEntries> {
  const result = await runner.run('getfacl', ['-n', '-p', '-E', '-P', '--omit-header', '--', target], { timeoutMs: 30_000 });
  return parseGetfacl(result.stdout);
}

/** Removes a directory's default ACL (`setfacl -k`); `applyAcl` leaves one alone when given no default entries. */
export async function removeDefaultAcl(runner: CommandRunner, target: string): Promise<void> {
  await runner.run('setfacl', ['-k', '--', target], { timeoutMs: 30_000 });
}
