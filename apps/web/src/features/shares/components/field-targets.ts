import type { FieldPath, FieldValues } from 'react-hook-form';
import type { FieldTargets } from '../../../lib/form';

/**
 * Maps the API's field paths onto a share form: `lists` are edited as one input, so an error on
 * `validUsers.2` goes to `validUsers`; other known roots keep their full path (`clients.0.host`,
 * `recycleBin.repository`). Anything else is listed in the dialog's alert.
 */
export function shareFieldTargets<T extends FieldValues>(roots: readonly string[], lists: readonly string[] = []): FieldTargets<T> {
  return (apiField) => {
    const root = apiField.split('.')[0] ?? '';
    if (lists.includes(root)) return root as FieldPath<T>;
    return roots.includes(root) ? (apiField as FieldPath<T>) : undefined;
  };
}

/** Only the fields the admin changed, for a PATCH that leaves the rest alone. */
export function changedFields<T extends object>(values: T, dirty: Partial<Record<keyof T, unknown>>): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([key, v]) => Boolean(dirty[key as keyof T]) && v !== undefined)) as Partial<T>;
}
