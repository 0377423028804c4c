import type { FieldError } from '@moxnas/contracts';
import type { z } from 'zod';
import { DomainError } from '../errors/domain-error';

/** Zod issues → the API's per-field errors, all of them at once. */
export function fieldErrors(error: z.ZodError, prefix = ''): FieldError[] {
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: issue.message,
  }));
}

/** Parses with a schema or throws a 422 carrying every field error. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, prefix = ''): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw DomainError.validation(fieldErrors(result.error, prefix));
  return result.data;
}
