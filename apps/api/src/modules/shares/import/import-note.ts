import type { ImportNote } from '@moxnas/contracts';

/** A proposed share, where it came from, and what of its source was not taken over. */
export interface ShareProposal<T> {
  share: T;
  /** Such as `[media]`, an export path or `local_root`. */
  source: string;
  notes: ImportNote[];
}

/** Samba-style macros (`%U`, `%S`, `%$(HOME)`): expanded per connection, so never a literal value. */
export const MACRO_RE = /%(?:\$\(|[A-Za-z])/;

/** Paths are proposed without a trailing `/` (`/srv/data/` and `/srv/data` are one directory). */
export function trimTrailingSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') || '/' : path;
}

/** Notes of one file, collected without repeats (a global default can be noted by every share). */
export class NoteList {
  readonly items: ImportNote[] = [];
  private readonly seen = new Set<string>();

  add(note: ImportNote): void {
    const key = JSON.stringify([note.file, note.line, note.section, note.text, note.reason]);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push(note);
  }
}
