import type { ConfigChange } from '@moxnas/contracts';

/**
 * JSON with object keys sorted: jsonb columns come back in PostgreSQL's key order, not the order a
 * record was written in, so plain JSON.stringify would report unchanged values as changed.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) : v,
  );
}

/** The top-level keys whose values differ between two records (either side's keys), sorted. */
export function changedKeys<T extends object>(a: T, b: T, skip: readonly string[] = []): string[] {
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return [...new Set([...Object.keys(ra), ...Object.keys(rb)])].filter((k) => !skip.includes(k) && canonicalJson(ra[k]) !== canonicalJson(rb[k])).sort();
}

/**
 * What importing `after` over `before` does to one kind of record, matched by id: creates, updates
 * (with the fields that differ) and deletes, in that order. The plan step of every section.
 */
export function planById<T extends { id: string }>(
  kind: string,
  before: readonly T[],
  after: readonly T[],
  name: (x: T) => string,
  fields: (a: T, b: T) => string[] = (a, b) => changedKeys(a, b),
): ConfigChange[] {
  const changes: ConfigChange[] = [];
  const old = new Map(before.map((x) => [x.id, x]));
  for (const x of after) {
    const was = old.get(x.id);
    if (!was) changes.push({ action: 'create', kind, name: name(x), fields: [] });
    else {
      const f = fields(was, x);
      if (f.length) changes.push({ action: 'update', kind, name: name(x), fields: f });
    }
  }
  const ids = new Set(after.map((x) => x.id));
  for (const x of before) if (!ids.has(x.id)) changes.push({ action: 'delete', kind, name: name(x), fields: [] });
  return changes;
}
