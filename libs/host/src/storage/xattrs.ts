import { createHash } from 'node:crypto';
import { CommandError, type CommandRunner } from '../command/command-runner';
import type { ProbedCapability } from './capability';

/** The two extended attributes POSIX ACLs are stored in (binary, numeric ids). */
export const ACL_ACCESS = 'system.posix_acl_access';
export const ACL_DEFAULT = 'system.posix_acl_default';

/**
 * Extended attributes of one file: name → value in getfattr's base64 form (`0s…`, `""` when
 * empty). Names are kept exactly as getfattr prints them (octal-escaped), so a set read from one
 * file can be written back to another without decoding.
 */
export type XattrSet = ReadonlyMap<string, string>;

/** What the pool can keep, from its probed capabilities (DESIGN §3: probed, not assumed). */
export type MetadataCapabilities = Record<'posixAcl' | 'userXattr' | 'securityXattr', Pick<ProbedCapability, 'available' | 'reason'>>;

/** Which metadata a snapshot or restore carries, and what it leaves out and why. */
export interface MetadataPlan {
  /** Namespaces kept: `system.posix_acl_access`, `system.posix_acl_default`, `user.*`, `security.*`. */
  captured: string[];
  notCaptured: { what: string; reason: string }[];
}

/**
 * Reads and writes extended attributes (POSIX ACLs included, as their `system.posix_acl_*`
 * attributes) of many entries of one directory per process: getfattr/setfattr take a list of
 * names and a dump on stdin, so a directory of 10 000 files costs ~20 processes, not 10 000.
 * Names are passed as `./name` with the directory as the working directory, so the argument list
 * stays short and a name starting with `-` is never an option.
 */
export interface XattrTool {
  readonly plan: MetadataPlan;
  /** Attribute sets of `names` in `dir`; entries without attributes (or gone) are absent. */
  read(dir: string, names: readonly string[]): Promise<Map<string, XattrSet>>;
  /** Sets attributes on entries of `dir`; adds and replaces, never removes. */
  write(dir: string, records: ReadonlyArray<readonly [string, XattrSet]>): Promise<void>;
  /** Removes attributes from one entry of `dir`. */
  remove(dir: string, name: string, attributes: readonly string[]): Promise<void>;
  /** Removes every extended ACL entry and the default ACL (what a new entry inherited). */
  stripAcls(dir: string, names: readonly string[]): Promise<void>;
}

/** Names per process; each is at most 257 bytes as `./name`, so this stays far below ARG_MAX. */
const NAMES_PER_CALL = 400;
const TIMEOUT_MS = 120_000;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Which namespaces a pool with these capabilities keeps. */
export function metadataPlan(caps: MetadataCapabilities | null | undefined, tools: { getfattr: boolean; setfattr: boolean }): MetadataPlan {
  const plan: MetadataPlan = { captured: [], notCaptured: [] };
  const wanted: [string[], keyof MetadataCapabilities][] = [
    [[ACL_ACCESS, ACL_DEFAULT], 'posixAcl'],
    [['user.*'], 'userXattr'],
    [['security.*'], 'securityXattr'],
  ];
  for (const [names, key] of wanted) {
    const cap = caps?.[key];
    const what = key === 'posixAcl' ? 'POSIX ACLs' : names[0];
    if (!cap) plan.notCaptured.push({ what, reason: 'the pool capabilities have not been probed' });
    else if (!cap.available) plan.notCaptured.push({ what, reason: cap.reason });
    else if (!tools.getfattr || !tools.setfattr) plan.notCaptured.push({ what, reason: 'getfattr/setfattr are not installed (package attr)' });
    else plan.captured.push(...names);
  }
  return plan;
}

/** `plan` narrowed to what a snapshot kept (`kept`: its captured namespaces). */
export function restrictPlan(plan: MetadataPlan, kept: readonly string[]): MetadataPlan {
  const captured = plan.captured.filter((n) => kept.includes(n));
  const dropped = plan.captured.filter((n) => !kept.includes(n)).map((what) => ({ what, reason: 'the snapshot did not keep them' }));
  return { captured, notCaptured: [...plan.notCaptured, ...dropped] };
}

/** getfattr's `-m` pattern for the captured namespaces. */
export function captureRegex(plan: MetadataPlan): string | null {
  if (!plan.captured.length) return null;
  const parts = plan.captured.map((n) => (n.endsWith('.*') ? `${escapeRegex(n.slice(0, -1))}` : `${escapeRegex(n)}$`));
  return `^(${parts.join('|')})`;
}

/** The octal escapes getfattr uses in `# file:` lines (and setfattr --restore undoes). */
export function quoteName(name: string): string {
  const out: number[] = [];
  for (const byte of Buffer.from(name, 'utf8')) {
    if (byte < 0x20 || byte === 0x7f || byte === 0x5c) out.push(...Buffer.from(`\\${byte.toString(8).padStart(3, '0')}`, 'latin1'));
    else out.push(byte);
  }
  return Buffer.from(out).toString('utf8');
}

export function unquoteName(quoted: string): string {
  if (!quoted.includes('\\')) return quoted;
  const raw = Buffer.from(quoted, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const digits = raw.subarray(i + 1, i + 4).toString('latin1');
    if (raw[i] === 0x5c && /^[0-7]{3}$/.test(digits)) {
      out.push(Number.parseInt(digits, 8));
      i += 3;
    } else {
      out.push(raw[i]);
    }
  }
  return Buffer.from(out).toString('utf8');
}

/** Parses `getfattr -d -e base64` output; file names relative to the working directory. */
export function parseGetfattrDump(text: string): Map<string, XattrSet> {
  const out = new Map<string, Map<string, string>>();
  let current: Map<string, string> | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('# file: ')) {
      const name = unquoteName(line.slice('# file: '.length)).replace(/^\.\//, '');
      current = new Map();
      out.set(name, current);
    } else if (line && current && !line.startsWith('#')) {
      const eq = line.indexOf('=');
      const key = eq < 0 ? line : line.slice(0, eq);
      const value = eq < 0 ? '""' : line.slice(eq + 1);
      // setfattr refuses an empty base64 value (`0s`) but takes `""`.
      current.set(key, value === '0s' ? '""' : value);
    }
  }
  return out;
}

/** A stable digest of an attribute set, for the "unchanged" check of copy snapshots. */
export function xattrDigest(set: XattrSet | undefined): string | undefined {
  if (!set || set.size === 0) return undefined;
  const hash = createHash('sha256');
  for (const key of [...set.keys()].sort()) hash.update(`${key}=${set.get(key)}\n`);
  return hash.digest('base64').slice(0, 22);
}

export function sameXattrs(a: XattrSet | undefined, b: XattrSet | undefined): boolean {
  return xattrDigest(a) === xattrDigest(b);
}

/**
 * The access ACL with its owner, group-class (mask, or owning group without a mask) and other
 * entries taken from `mode`, as chmod does. Copy snapshots keep files without write bits, and that
 * chmod also narrowed the stored ACL; a restore puts the original mode back into it. The named
 * entries are not touched. Binary layout: 4-byte version, then 8-byte entries (tag u16, perm u16, id u32).
 */
export function aclWithMode(value: string, mode: number): string {
  if (!value.startsWith('0s')) return value;
  const buf = Buffer.from(value.slice(2), 'base64');
  if (buf.length < 4 || (buf.length - 4) % 8 !== 0) return value;
  let hasMask = false;
  for (let off = 4; off < buf.length; off += 8) if (buf.readUInt16LE(off) === 0x10) hasMask = true;
  for (let off = 4; off < buf.length; off += 8) {
    const tag = buf.readUInt16LE(off);
    if (tag === 0x01) buf.writeUInt16LE((mode >> 6) & 7, off + 2);
    else if (tag === 0x10 || (tag === 0x04 && !hasMask)) buf.writeUInt16LE((mode >> 3) & 7, off + 2);
    else if (tag === 0x20) buf.writeUInt16LE(mode & 7, off + 2);
  }
  return `0s${buf.toString('base64')}`;
}

/** `set` with its access ACL fitted to `mode` (see aclWithMode). */
export function withMode(set: XattrSet | undefined, mode: number): XattrSet | undefined {
  const acl = set?.get(ACL_ACCESS);
  if (!set || acl === undefined) return set;
  const out = new Map(set);
  out.set(ACL_ACCESS, aclWithMode(acl, mode & 0o777));
  return out;
}

export function hasAcl(set: XattrSet | undefined): boolean {
  return !!set && (set.has(ACL_ACCESS) || set.has(ACL_DEFAULT));
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += NAMES_PER_CALL) out.push(items.slice(i, i + NAMES_PER_CALL));
  return out;
}

const rel = (name: string) => `./${name}`;

/** XattrTool on getfattr/setfattr/setfacl through the CommandRunner (argument arrays, no shell). */
export class CommandXattrTool implements XattrTool {
  private readonly pattern: string;

  constructor(
    private readonly runner: CommandRunner,
    readonly plan: MetadataPlan,
  ) {
    const pattern = captureRegex(plan);
    if (!pattern) throw new Error('CommandXattrTool needs at least one captured namespace');
    this.pattern = pattern;
  }

  /** A tool for the pool's capabilities, or null (with the plan saying why) when nothing can be kept. */
  static async forPool(runner: CommandRunner, caps: MetadataCapabilities | null | undefined): Promise<{ tool: XattrTool | null; plan: MetadataPlan }> {
    const [getfattr, setfattr] = await Promise.all([runner.has('getfattr'), runner.has('setfattr')]);
    const plan = metadataPlan(caps, { getfattr, setfattr });
    return { tool: plan.captured.length ? new CommandXattrTool(runner, plan) : null, plan };
  }

  /** For a restore: what the pool can take now and the snapshot kept (null kept = all, native snapshots). */
  static async forRestore(runner: CommandRunner, caps: MetadataCapabilities | null | undefined, kept: readonly string[] | null): Promise<{ tool: XattrTool | null; plan: MetadataPlan }> {
    const { plan: poolPlan } = await CommandXattrTool.forPool(runner, caps);
    const plan = kept ? restrictPlan(poolPlan, kept) : poolPlan;
    return { tool: plan.captured.length ? new CommandXattrTool(runner, plan) : null, plan };
  }

  async read(dir: string, names: readonly string[]): Promise<Map<string, XattrSet>> {
    const out = new Map<string, XattrSet>();
    for (const chunk of chunks(names)) {
      // Exit 1 when an entry vanished (or had an error): the others are still printed.
      const result = await this.runner.run('getfattr', ['-d', '-h', '--absolute-names', '-e', 'base64', '-m', this.pattern, '--', ...chunk.map(rel)], { cwd: dir, okCodes: [0, 1], timeoutMs: TIMEOUT_MS });
      if (result.code !== 0) {
        const problems = result.stderr.split('\n').filter((l) => l && !l.endsWith('No such file or directory'));
        if (problems.length) throw new CommandError('failed', 'getfattr', [], `getfattr failed in ${dir}: ${problems.slice(0, 3).join(' | ')}`, result);
      }
      for (const [name, set] of parseGetfattrDump(result.stdout)) if (set.size) out.set(name, set);
    }
    return out;
  }

  async write(dir: string, records: ReadonlyArray<readonly [string, XattrSet]>): Promise<void> {
    const wanted = records.filter(([, set]) => set.size > 0);
    for (const chunk of chunks(wanted)) {
      const dump = chunk.map(([name, set]) => `# file: ${quoteName(rel(name))}\n${[...set].map(([k, v]) => `${k}=${v}\n`).join('')}\n`).join('');
      await this.runner.run('setfattr', ['-h', '--restore=-'], { cwd: dir, stdin: dump, timeoutMs: TIMEOUT_MS });
    }
  }

  async remove(dir: string, name: string, attributes: readonly string[]): Promise<void> {
    for (const attribute of attributes) {
      await this.runner.run('setfattr', ['-h', '-x', attribute, '--', rel(name)], { cwd: dir, timeoutMs: TIMEOUT_MS });
    }
  }

  async stripAcls(dir: string, names: readonly string[]): Promise<void> {
    if (!this.plan.captured.includes(ACL_ACCESS)) return;
    for (const chunk of chunks(names)) await this.runner.run('setfacl', ['-b', '--', ...chunk.map(rel)], { cwd: dir, timeoutMs: TIMEOUT_MS });
  }
}
