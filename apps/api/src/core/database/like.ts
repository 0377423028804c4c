/**
 * LIKE/ILIKE patterns built from what a user typed. `%` and `_` are wildcards and `\` the escape
 * character (PostgreSQL's default, and PGlite's); a search for them means the characters themselves.
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

/** A pattern matching values that contain `text` anywhere. */
export function likeContaining(text: string): string {
  return `%${escapeLike(text)}%`;
}

/** A pattern matching values that start with `text`. */
export function likeStartingWith(text: string): string {
  return `${escapeLike(text)}%`;
}
