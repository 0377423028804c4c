import type { CommandRunner } from '../command/command-runner';
import { parseGroupLine, parsePasswdLine } from '../accounts/account-parsers';
import type { HostGroup, HostUser } from '../accounts/account-manager';

/** One POSIX ACL entry with numeric ids (names are resolved before they get here). */
export interface AclEntry {
  tag: 'user' | 'group' | 'mask' | 'other';
  /** uid/gid for named user/group entries; null for the owner (`user::`), owning group, mask and other. */
  id: number | null;
  /** `r`, `w`, `x` in any combination ('' for none). */
  perms: string;
  /** A default entry: inherited by new files and directories (directories only). */
  isDefault: boolean;
}

const TAG = { user: 'u', group: 'g', mask: 'm', other: 'o' } as const;

function permString(perms: string): string {
  return `${perms.includes('r') ? 'r' : '-'}${perms.includes('w') ? 'w' : '-'}${perms.includes('x') ? 'x' : '-'}`;
}

function triplet(mode: number, shift: number): string {
  const bits = (mode >> shift) & 7;
  return `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${bits & 1 ? 'x' : '-'}`;
}

/**
 * The `setfacl --set` text: owner/group/other come from `mode` (unless given), named entries follow,
 * and when default entries exist the default base entries are filled in the same way.
 */
export function aclSpec(mode: number, entries: readonly AclEntry[]): string {
  const parts: string[] = [];
  for (const isDefault of [false, true]) {
    const own = entries.filter((e) => e.isDefault === isDefault);
    if (isDefault && own.length === 0) continue;
    const prefix = isDefault ? 'd:' : '';
    const has = (tag: AclEntry['tag']) => own.some((e) => e.tag === tag && e.id === null);
    if (!has('user')) parts.push(`${prefix}u::${triplet(mode, 6)}`);
    if (!has('group')) parts.push(`${prefix}g::${triplet(mode, 3)}`);
    if (!has('other')) parts.push(`${prefix}o::${triplet(mode, 0)}`);
    for (const e of own) {
      if (e.tag === 'mask' || e.tag === 'other') parts.push(`${prefix}${TAG[e.tag]}::${permString(e.perms)}`);
      else parts.push(`${prefix}${TAG[e.tag]}:${e.id === null ? '' : String(e.id)}:${permString(e.perms)}`);
    }
  }
  return parts.join(',');
}

/** Replaces the path's ACL with `entries` (none = remove every extended entry). */
export async function applyAcl(runner: CommandRunner, target: string, mode: number, entries: readonly AclEntry[]): Promise<void> {
  if (entries.length === 0) {
    await runner.run('setfacl', ['-b', '--', target], { timeoutMs: 30_000 });
    return;
  }
  await runner.run('setfacl', ['--set', aclSpec(mode, entries), '--', target], { timeoutMs: 30_000 });
}

/** Host accounts by name or number, as the system resolves them (files, LDAP, …): `getent`. */
export class HostIdentities {
  constructor(private readonly runner: CommandRunner) {}

  private async getent(database: 'passwd' | 'group', key: string): Promise<string | null> {
    // getent exits 2 when the key is not found.
    const result = await this.runner.run('getent', [database, key], { okCodes: [0, 2], timeoutMs: 10_000 });
    return result.code === 0 ? (result.stdout.split('\n')[0] ?? null) : null;
  }

  async user(nameOrUid: string | number): Promise<HostUser | null> {
    const line = await this.getent('passwd', String(nameOrUid));
    return line ? parsePasswdLine(line) : null;
  }

  async group(nameOrGid: string | number): Promise<HostGroup | null> {
    const line = await this.getent('group', String(nameOrGid));
    return line ? parseGroupLine(line) : null;
  }
}

/**
 * The access entries of `getfacl --numeric --omit-header --no-effective` output (default entries
 * are left out: they decide what new files get, not who can enter this directory).
 */
export function parseGetfacl(text: string): AclEntry[] {
  const out: AclEntry[] = [];
  const tags: Record<string, AclEntry['tag']> = { user: 'user', group: 'group', mask: 'mask', other: 'other' };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line || line.startsWith('default:')) continue;
    const [tagText, idText, permText] = line.split(':');
    const tag = tags[tagText ?? ''];
    if (!tag || permText === undefined) continue;
    out.push({ tag, id: idText ? Number(idText) : null, perms: permText.replace(/-/g, ''), isDefault: false });
  }
  return out;
}

/** The access ACL of a path as the kernel holds it (`getfacl`, numeric ids). */
export async function readAccessAcl(runner: CommandRunner, target: string): Promise<AclEntry[]> {
  const result = await runner.run('getfacl', ['--numeric', '--omit-header', '--no-effective', '--absolute-names', '--', target], { timeoutMs: 30_000 });
  return parseGetfacl(result.stdout);
}
