import { zodResolver } from '@hookform/resolvers/zod';
import type { FieldError } from '@moxnas/contracts';
import type { FieldPath, FieldValues, Resolver, UseFormSetError } from 'react-hook-form';
import type { z } from 'zod';
import { isApiError } from './api-client';

/**
 * Short messages for people, for the checks the contracts leave to zod's defaults. Messages a
 * contract sets itself ("six digits") take precedence.
 */
export const formErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined || issue.input === null || issue.input === '' ? 'Required' : undefined;
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'Required' : `At least ${issue.minimum} characters`;
      if (issue.origin === 'number') return `At least ${issue.minimum}`;
      if (issue.origin === 'array') return `Choose at least ${issue.minimum}`;
      return undefined;
    case 'too_big':
      if (issue.origin === 'string') return `At most ${issue.maximum} characters`;
      if (issue.origin === 'number') return `At most ${issue.maximum}`;
      return undefined;
    case 'invalid_format':
      return issue.format === 'regex' ? 'Invalid format' : `Not a valid ${issue.format}`;
    default:
      return undefined;
  }
};

/** zodResolver for a contract schema, with the messages above. */
export function contractResolver<S extends z.ZodType<FieldValues, FieldValues>>(
  schema: S,
): Resolver<z.input<S>, unknown, z.output<S>> {
  return zodResolver(schema, { error: formErrorMap });
}

/**
 * Puts a 422's per-field errors onto the form's fields. Returns the errors that match no field
 * (or the whole body), for the form to show in its alert.
 */
export function applyFieldErrors<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  fields: readonly FieldPath<T>[],
): FieldError[] {
  if (!isApiError(error)) return [];
  const known = new Set<string>(fields);
  const rest: FieldError[] = [];
  let focused = false;
  for (const fe of error.fieldErrors) {
    if (fe.field && known.has(fe.field)) {
      setError(fe.field as FieldPath<T>, { type: 'server', message: fe.message }, { shouldFocus: !focused });
      focused = true;
    } else {
      rest.push(fe);
    }
  }
  return rest;
}
