import { UNKNOWN_FIELD, unknownFields, type FieldError } from '@moxnas/contracts';
import type { z } from 'zod';
import { DomainError } from '../errors/domain-error';

const fieldName = (prefix: string, path: readonly PropertyKey[]) => [prefix, ...path.map(String)].filter(Boolean).join('.');

/**
 * Zod issues → the API's per-field errors, all of them at once. A strict object's "unrecognized
 * keys" issue becomes one error per key, named like the rest (see `unknownFieldErrors`).
 */
export function fieldErrors(error: z.ZodError, prefix = ''): FieldError[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: fieldName(prefix, [...issue.path, key]), message: UNKNOWN_FIELD }))
      : [{ field: fieldName(prefix, issue.path), message: issue.message }],
  );
}

/** Every key of `value` the schema has no field for, as 422 field errors ("unknown field"). */
export function unknownFieldErrors(schema: z.ZodType, value: unknown, prefix = ''): FieldError[] {
  return unknownFields(schema, value).map((path) => ({ field: fieldName(prefix, path), message: UNKNOWN_FIELD }));
}

/** Parses with a schema or throws a 422 carrying every field error. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, prefix = ''): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw DomainError.validation(fieldErrors(result.error, prefix));
  return result.data;
}

/**
 * Strings no part of the system can hold: NUL (PostgreSQL text, C strings, config files) and lone
 * UTF-16 surrogates (not encodable as UTF-8). Checked on every request value before the contract,
 * so even a field with a lax grammar answers 422 instead of failing in the database.
 */
export function unstorableStrings(value: unknown, prefix: string, out: FieldError[] = [], depth = 0): FieldError[] {
  if (depth > 64 || out.length >= 100) return out;
  if (typeof value === 'string') {
    if (value.includes('\u0000')) out.push({ field: prefix, message: 'must not contain NUL characters' });
    else if (/\p{Cs}/u.test(value)) out.push({ field: prefix, message: 'must be valid Unicode (it contains a lone surrogate)' });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => unstorableStrings(v, prefix ? `${prefix}.${i}` : String(i), out, depth + 1));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) unstorableStrings(v, prefix ? `${prefix}.${k}` : k, out, depth + 1);
  }
  return out;
}
