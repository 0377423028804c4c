import { zodResolver } from '@hookform/resolvers/zod';
import type { FieldError } from '@moxnas/contracts';
import { useForm, type DefaultValues, type FieldPath, type FieldValues, type Resolver, type UseFormProps, type UseFormReturn, type UseFormSetError } from 'react-hook-form';
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
 * Where an API field error goes on a form: a list of the form's field names (the API uses the
 * same paths), or a function from the API's field (`quotaBytes`, `email.to.1`) to a form field,
 * returning undefined for errors the form has no field for.
 */
export type FieldTargets<T extends FieldValues> = readonly FieldPath<T>[] | ((apiField: string) => FieldPath<T> | undefined);

/**
 * Puts a 422's per-field errors onto the form's fields. Returns the errors that match no field
 * (or the whole body), for the form to show in its alert.
 */
export function applyFieldErrors<T extends FieldValues>(error: unknown, setError: UseFormSetError<T>, fields: FieldTargets<T>): FieldError[] {
  if (!isApiError(error)) return [];
  const known = typeof fields === 'function' ? null : new Set<string>(fields);
  const target = typeof fields === 'function' ? fields : (apiField: string) => (known?.has(apiField) ? (apiField as FieldPath<T>) : undefined);
  const rest: FieldError[] = [];
  let focused = false;
  for (const fe of error.fieldErrors) {
    const field = fe.field ? target(fe.field) : undefined;
    if (field) {
      setError(field, { type: 'server', message: fe.message }, { shouldFocus: !focused });
      focused = true;
    } else {
      rest.push(fe);
    }
  }
  return rest;
}

/**
 * react-hook-form bound to a contract schema (or one extending/piping into it): zod's rules run
 * before submit with the messages above. Values typed are the schema's input, submitted values its
 * output. Pass the result to `FormDialog`.
 */
export function useContractForm<S extends z.ZodType<FieldValues, FieldValues>>(
  schema: S,
  defaultValues: DefaultValues<z.input<S>>,
  options: Omit<UseFormProps<z.input<S>, unknown, z.output<S>>, 'resolver' | 'defaultValues'> = {},
): UseFormReturn<z.input<S>, unknown, z.output<S>> {
  return useForm<z.input<S>, unknown, z.output<S>>({ mode: 'onTouched', ...options, resolver: contractResolver(schema), defaultValues });
}
