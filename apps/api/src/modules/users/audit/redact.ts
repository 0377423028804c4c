import { isSecretSchema } from '@moxnas/contracts';
import type { z } from 'zod';

export const REDACTED = '[redacted]';
/** What a U+0000 in a stored string becomes: PostgreSQL text and jsonb cannot hold the character itself. */
export const NUL_MARK = '\u2400';
const MAX_DEPTH = 8;
const MAX_ITEMS = 200;
/** Secret values shorter than this are not searched for inside other strings (they would match by chance). */
const MIN_SCRUB_LENGTH = 6;

type AnySchema = z.core.$ZodType;
type Def = { type: string } & Record<string, unknown>;

const defOf = (s: AnySchema): Def => s._zod.def as unknown as Def;

/**
 * Every layer of these schemas: wrappers (optional, nullable, default, pipe, …) are looked through
 * and unions and intersections contribute all their members, so a field is known as secret however
 * it is wrapped or whichever union member the value matched.
 */
function layers(schemas: readonly AnySchema[]): AnySchema[] {
  const out: AnySchema[] = [];
  const seen = new Set<AnySchema>();
  const visit = (s: AnySchema | undefined) => {
    if (!s || seen.has(s)) return;
    seen.add(s);
    out.push(s);
    const def = defOf(s);
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'readonly':
      case 'catch':
      case 'nonoptional':
      case 'success':
        visit(def['innerType'] as AnySchema);
        return;
      case 'pipe':
        visit(def['in'] as AnySchema);
        visit(def['out'] as AnySchema);
        return;
      case 'union':
        for (const o of def['options'] as AnySchema[]) visit(o);
        return;
      case 'intersection':
        visit(def['left'] as AnySchema);
        visit(def['right'] as AnySchema);
        return;
      case 'lazy':
        visit((def['getter'] as () => AnySchema)());
        return;
      default:
        return;
    }
  };
  for (const s of schemas) visit(s);
  return out;
}

function childSchemas(all: AnySchema[], key: string | number): AnySchema[] {
  const out: AnySchema[] = [];
  for (const s of all) {
    const def = defOf(s);
    if (def.type === 'object' && typeof key === 'string') {
      const child = (def['shape'] as Record<string, AnySchema>)[key];
      if (child) out.push(child);
      else if (def['catchall']) out.push(def['catchall'] as AnySchema);
    } else if (def.type === 'record' && typeof key === 'string') out.push(def['valueType'] as AnySchema);
    else if (def.type === 'array' && typeof key === 'number') out.push(def['element'] as AnySchema);
    else if (def.type === 'tuple' && typeof key === 'number') {
      const item = (def['items'] as AnySchema[])[key] ?? (def['rest'] as AnySchema | null);
      if (item) out.push(item);
    }
  }
  return out;
}

/**
 * A copy safe to store in the audit log. Values whose schema is marked with `secret()` in the
 * contracts become "[redacted]" (and are collected into `found`, so callers can scrub them from
 * the rest of the entry); everything else is kept, whatever its key is called. Dates become ISO
 * strings; depth and array length are bounded.
 */
export function redact(value: unknown, schemas: readonly (AnySchema | undefined)[] = [], found?: Set<string>, depth = 0): unknown {
  if (value === null || value === undefined) return null;
  const all = layers(schemas.filter((s): s is AnySchema => s !== undefined));
  if (all.some(isSecretSchema)) {
    if (typeof value === 'string' && found) found.add(value);
    return REDACTED;
  }
  if (value instanceof Date) return value.toISOString();
  if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (typeof value !== 'object') return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : String(value);
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((v, i) => redact(v, childSchemas(all, i), found, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) out[key] = redact(v, childSchemas(all, key), found, depth + 1);
  return out;
}

/** Replaces each secret value (collected by redact) wherever it still appears, inside any string. */
export function scrub<T>(value: T, secrets: ReadonlySet<string>): T {
  const needles = [...secrets].filter((s) => s.length >= MIN_SCRUB_LENGTH);
  if (!needles.length) return value;
  const clean = (v: unknown): unknown => {
    if (typeof v === 'string') return needles.reduce((s, n) => s.split(n).join(REDACTED), v);
    if (Array.isArray(v)) return v.map(clean);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [clean(k), clean(x)]));
    return v;
  };
  return clean(value) as T;
}

/**
 * A string PostgreSQL can store: U+0000 (refused by text and jsonb: an entry holding one used to
 * be lost, which let a caller hide attempts) becomes "␀", and an unpaired surrogate (refused by
 * jsonb) becomes U+FFFD.
 */
export function storableString(s: string): string {
  return s.replaceAll('\u0000', NUL_MARK).replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** storableString() applied to every string and key of a JSON value. */
export function storable<T>(value: T): T {
  const clean = (v: unknown): unknown => {
    if (typeof v === 'string') return storableString(v);
    if (Array.isArray(v)) return v.map(clean);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [storableString(k), clean(x)]));
    return v;
  };
  return clean(value) as T;
}

/** redact(), as the JSON object an audit column holds. */
export function redactToObject(value: unknown, schemas: readonly (AnySchema | undefined)[] = [], found?: Set<string>): Record<string, unknown> | null {
  const safe = redact(value, schemas, found);
  if (safe === null) return null;
  return typeof safe === 'object' && !Array.isArray(safe) ? (safe as Record<string, unknown>) : { value: safe };
}
