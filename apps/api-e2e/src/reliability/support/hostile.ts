import { randomUUID } from 'node:crypto';
import type { z } from 'zod';

/**
 * The hostile corpus. Strings carry the marker MOXFUZZ so that, when a value is accepted, the suite
 * can tell an injected line or section in a config file from a harmless literal.
 */
export const MARK = 'MOXFUZZ';
export const hostileStrings: Array<[label: string, value: string]> = [
  ['newline + parameter', `a\n${MARK} = yes`],
  ['CR + parameter', `a\r${MARK} = yes`],
  ['CRLF section', `a\r\n[${MARK}]`],
  ['NUL', `a\u0000${MARK}`],
  ['section header', `[${MARK}]`],
  ['closing bracket + section', `x]\n[${MARK}]`],
  ['backslash-newline continuation', `a\\\n${MARK} = yes`],
  ['trailing backslash', `${MARK}\\`],
  ['% macro', `${MARK}%U`],
  ['% macros', '%m%S%I%H'],
  ['include injection', `x\tinclude = /etc/${MARK}`],
  ['samba parameter injection', `x; ${MARK} = yes`],
  ['comment start', `# ${MARK}`],
  ['exports option injection', `*(rw,no_root_squash) ${MARK}`],
  ['exports comma options', 'rw,no_root_squash,insecure'],
  ['vsftpd parameter', `x\nlocal_root=/${MARK}`],
  ['path traversal', '../../../etc/passwd'],
  ['absolute traversal', `/tmp/../etc/${MARK}`],
  ['system path', '/etc/shadow'],
  ['template syntax', `{{ 7*7 }}{% include "${MARK}" %}`],
  ['shell', `$(touch /tmp/${MARK})\`id\``],
  ['SQL', `'; DROP TABLE users; -- ${MARK}`],
  ['unicode', `Ünïcødé ✓ ${MARK}`],
  ['bidi override', `\u202E${MARK}`],
  ['lone surrogate', `\uD800${MARK}`],
  ['zero-width', `${MARK}\u200B\uFEFF`],
  ['empty', ''],
  ['spaces', '   '],
  ['64 KiB', MARK.repeat(8192)],
];
export const hostileNumbers: Array<[label: string, value: unknown]> = [
  ['negative', -1],
  ['zero', 0],
  ['below int32', -2147483649],
  ['above int32', 2147483648],
  ['above 2^53', 2 ** 53 + 2],
  ['huge', 1e308],
  ['fraction', 1.5],
  ['numeric string', '1'],
];
export const wrongTypes: Array<[label: string, value: unknown]> = [
  ['null', null],
  ['boolean', true],
  ['number', 12345],
  ['string', 'str'],
  ['array', [MARK]],
  ['object', { [MARK]: 1 }],
  ['nested array', [[[[MARK]]]]],
];

type Def = { type: string; [k: string]: unknown };
const def = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;
const isUuid = (d: Def): boolean =>
  d['format'] === 'uuid' || ((d['checks'] as Array<{ _zod: { def: Def } }> | undefined) ?? []).some((c) => c._zod.def['format'] === 'uuid');

/** Unwraps optional/nullable/default/pipe/readonly/lazy to the schema that holds the data type. */
function core(s: z.ZodType): z.ZodType {
  for (let i = 0; i < 20; i++) {
    const d = def(s);
    if (['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional'].includes(d.type)) s = d['innerType'] as z.ZodType;
    else if (d.type === 'pipe') s = d['in'] as z.ZodType;
    else if (d.type === 'lazy') s = (d['getter'] as () => z.ZodType)();
    else return s;
  }
  return s;
}

function optional(s: z.ZodType): boolean {
  for (let i = 0; i < 20; i++) {
    const d = def(s);
    if (d.type === 'optional' || d.type === 'default' || d.type === 'prefault') return true;
    if (['nullable', 'readonly', 'catch'].includes(d.type)) s = d['innerType'] as z.ZodType;
    else if (d.type === 'pipe') s = d['in'] as z.ZodType;
    else return false;
  }
  return false;
}

/** A plain value of the schema's type (often not a *valid* one; grammars and refinements vary). */
export function plain(s: z.ZodType, depth = 0): unknown {
  const c = core(s);
  const d = def(c);
  switch (d.type) {
    case 'string':
      return isUuid(d) ? randomUUID() : 'fuzz';
    case 'number':
    case 'int':
      return 1;
    case 'bigint':
      return 1;
    case 'boolean':
      return false;
    case 'enum':
      return Object.values(d['entries'] as Record<string, unknown>)[0];
    case 'literal':
      return (d['values'] as unknown[])[0];
    case 'array':
      return [];
    case 'record':
      return {};
    case 'union':
      return plain((d['options'] as z.ZodType[])[0], depth + 1);
    case 'object': {
      if (depth > 6) return {};
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(d['shape'] as Record<string, z.ZodType>)) {
        if (!optional(v)) out[k] = plain(v, depth + 1);
      }
      return out;
    }
    default:
      return null;
  }
}

export interface Leaf {
  path: Array<string | number>;
  kind: 'string' | 'number' | 'other';
}

/** Every leaf field of a body schema (into nested objects and the first element of arrays). */
export function leaves(s: z.ZodType, prefix: Array<string | number> = [], depth = 0): Leaf[] {
  const c = core(s);
  const d = def(c);
  if (depth > 6) return [];
  switch (d.type) {
    case 'string':
      return [{ path: prefix, kind: 'string' }];
    case 'number':
    case 'int':
    case 'bigint':
      return [{ path: prefix, kind: 'number' }];
    case 'object':
      return Object.entries(d['shape'] as Record<string, z.ZodType>).flatMap(([k, v]) => leaves(v, [...prefix, k], depth + 1));
    case 'array':
      return [{ path: prefix, kind: 'other' }, ...leaves(d['element'] as z.ZodType, [...prefix, 0], depth + 1)];
    case 'union': {
      const seen = new Set<string>();
      return (d['options'] as z.ZodType[])
        .flatMap((o) => leaves(o, prefix, depth + 1))
        .filter((l) => (seen.has(JSON.stringify(l)) ? false : (seen.add(JSON.stringify(l)), true)));
    }
    default:
      return prefix.length ? [{ path: prefix, kind: 'other' }] : [];
  }
}

/** `base` with the value at `path` replaced (intermediate objects and arrays made as needed). */
export function setAt(base: unknown, path: Array<string | number>, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (typeof head === 'number') {
    const arr = Array.isArray(base) ? [...(base as unknown[])] : [];
    arr[head] = setAt(arr[head], rest, value);
    return arr;
  }
  const obj = base && typeof base === 'object' && !Array.isArray(base) ? { ...(base as Record<string, unknown>) } : {};
  obj[head] = setAt(obj[head], rest, value);
  return obj;
}

/** A body nested `levels` deep, as raw JSON text. */
export function deepJson(levels: number): string {
  return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}
