import type { z } from 'zod';
import { RenderError, type RenderIssue } from './render-error';

/** `['shares', 2, 'comment']` → `shares.2.comment`, the field naming the API uses for 422s too. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/**
 * Defence in depth: every renderer re-parses its whole input with the contracts' grammars before a
 * single line is produced, whatever the caller already checked. Throws a RenderError naming each
 * offending field; returns the parsed state (defaults applied).
 */
export function checkState<S extends z.ZodType>(file: string, schema: S, state: unknown): z.output<S> {
  const result = schema.safeParse(state);
  if (result.success) return result.data;
  const issues: RenderIssue[] = result.error.issues.map((i) => ({ field: fieldPath(i.path), message: i.message }));
  throw new RenderError(file, issues);
}
