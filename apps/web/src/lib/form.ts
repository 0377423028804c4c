import { zodResolver } from '@hookform/resolvers/zod';
import type { FieldError } from '@moxnas/contracts';
import { useRef, useState } from 'react';
import {
  get,
  useForm,
  type DefaultValues,
  type FieldPath,
  type FieldValues,
  type Resolver,
  type UseFormProps,
  type UseFormReturn,
  type UseFormSetError,
} from 'react-hook-form';
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
 * Fields whose emptied text means "leave this out" (`emptyAs` undefined), per form.
 *
 * react-hook-form reads an `undefined` value as "not set" and shows the default value again, so
 * such a field could never be emptied once it had a default (a token's 90 days, a user's UID).
 * The field therefore keeps `''` in the form's values and registers its name here; the form's
 * resolver leaves those `''`s out before zod sees them.
 */
const unsetWhenEmpty = new WeakMap<object, Set<string>>();

/**
 * Called by a form field whose empty value means "leave out". Returns false for a form not made by
 * `useContractForm`, which cannot translate `''`; the field then falls back to `undefined`.
 */
export function registerUnsetWhenEmpty(control: object, name: string): boolean {
  const names = unsetWhenEmpty.get(control);
  names?.add(name);
  return names !== undefined;
}

/**
 * The values with every registered field that holds `''` left out, unless the form started that
 * field as `''` (then `''` is what it sends, and the contract's own "is required" applies).
 * Copies only what it changes.
 */
function withoutEmpty<T>(values: T, names: Iterable<string>, defaults: unknown): T {
  let out: unknown = values;
  for (const name of names) {
    if (get(out, name) === '' && get(defaults, name) !== '') out = omitPath(out, name.split('.'));
  }
  return out as T;
}

function omitPath(value: unknown, [key, ...rest]: string[]): unknown {
  if (Array.isArray(value)) {
    const copy: unknown[] = [...value];
    copy[Number(key)] = rest.length > 0 ? omitPath(copy[Number(key)], rest) : undefined;
    return copy;
  }
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    if (rest.length > 0) copy[key] = omitPath(copy[key], rest);
    else delete copy[key];
    return copy;
  }
  return value;
}

/**
 * react-hook-form bound to a contract schema (or one extending/piping into it): zod's rules run
 * before submit with the messages above. Values typed are the schema's input, submitted values its
 * output. Pass the result to `FormDialog`. A text field emptied with `emptyAs` undefined holds `''`
 * while editing (see `unsetWhenEmpty`) and is left out of the submitted values.
 */
export function useContractForm<S extends z.ZodType<FieldValues, FieldValues>>(
  schema: S,
  defaultValues: DefaultValues<z.input<S>>,
  options: Omit<UseFormProps<z.input<S>, unknown, z.output<S>>, 'resolver' | 'defaultValues'> = {},
): UseFormReturn<z.input<S>, unknown, z.output<S>> {
  const [emptyNames] = useState(() => new Set<string>());
  const defaults = useRef<unknown>(defaultValues);
  const resolver = contractResolver(schema);
  const form = useForm<z.input<S>, unknown, z.output<S>>({
    mode: 'onTouched',
    ...options,
    // react-hook-form passes its live values object: withoutEmpty copies instead of changing it.
    resolver: (values, context, resolverOptions) => resolver(withoutEmpty(values, emptyNames, defaults.current), context, resolverOptions),
    defaultValues,
  });
  // The current defaults: reset(values) replaces them.
  defaults.current = form.formState.defaultValues;
  unsetWhenEmpty.set(form.control, emptyNames);
  return form;
}
