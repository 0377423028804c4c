import type { z } from 'zod';

/** The message every request field that no contract knows gets. */
export const UNKNOWN_FIELD = 'unknown field';

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  options?: readonly z.ZodType[];
  left?: z.ZodType;
  right?: z.ZodType;
  getter?: () => z.ZodType;
  valueType?: z.ZodType;
  items?: readonly z.ZodType[];
  rest?: z.ZodType | null;
};

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;
const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * Every key of `value`, at any depth, that `schema` has no field for: `['recycleBin', 'foo']`.
 *
 * Zod's plain objects strip what they do not know, so `{"readonly": true}` (for `readOnly`) or an
 * NFS `options` string would vanish without a word and the share would be made with the defaults
 * the admin meant to change. The API refuses such bodies instead (ContractValidationGuard); this walk
 * lets every contract stay a plain `z.object` and still be strict, nested objects and list items
 * included. Objects with a catch-all (`.loose()`, `z.record`) accept any key.
 *
 * Only the input side of a schema is walked (the `in` of a transform pipe). For a union the branch
 * that parses the value is judged (the one with the fewest unknown keys when several do); a value
 * no branch parses already fails the contract, which reports that.
 */
export function unknownFields(schema: z.ZodType, value: unknown, at: readonly (string | number)[] = [], depth = 0): Array<Array<string | number>> {
  if (depth > 64 || value === undefined || value === null) return [];
  const def = defOf(schema);
  switch (def.type) {
    case 'object': {
      if (!isPlainObject(value)) return [];
      const shape = def.shape ?? {};
      const open = def.catchall !== undefined && defOf(def.catchall).type !== 'never';
      const out: Array<Array<string | number>> = [];
      for (const [key, v] of Object.entries(value)) {
        if (Object.prototype.hasOwnProperty.call(shape, key)) out.push(...unknownFields(shape[key], v, [...at, key], depth + 1));
        else if (open) out.push(...unknownFields(def.catchall!, v, [...at, key], depth + 1));
        else out.push([...at, key]);
      }
      return out;
    }
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return unknownFields(def.innerType!, value, at, depth + 1);
    case 'pipe':
      return unknownFields(def.in!, value, at, depth + 1);
    case 'lazy':
      return unknownFields(def.getter!(), value, at, depth + 1);
    case 'array':
      return Array.isArray(value) ? value.flatMap((v, i) => unknownFields(def.element!, v, [...at, i], depth + 1)) : [];
    case 'tuple': {
      if (!Array.isArray(value)) return [];
      return value.flatMap((v, i) => {
        const item = def.items?.[i] ?? def.rest ?? undefined;
        return item ? unknownFields(item, v, [...at, i], depth + 1) : [];
      });
    }
    case 'record':
      return isPlainObject(value) ? Object.entries(value).flatMap(([k, v]) => unknownFields(def.valueType!, v, [...at, k], depth + 1)) : [];
    case 'intersection': {
      // A key either side knows is known.
      const key = (p: Array<string | number>) => p.join('\u0000');
      const right = new Set(unknownFields(def.right!, value, at, depth + 1).map(key));
      return unknownFields(def.left!, value, at, depth + 1).filter((p) => right.has(key(p)));
    }
    case 'union': {
      const fits = (def.options ?? []).filter((o) => o.safeParse(value).success);
      let best: Array<Array<string | number>> | undefined;
      for (const option of fits) {
        const found = unknownFields(option, value, at, depth + 1);
        if (!best || found.length < best.length) best = found;
        if (best.length === 0) break;
      }
      return best ?? [];
    }
    default:
      return [];
  }
}
