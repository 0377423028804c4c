/** One value that may not be rendered, named by its dotted path in the state (`shares.2.comment`). */
export interface RenderIssue {
  field: string;
  message: string;
}

/**
 * A renderer refused its input. Values are checked against the contracts' grammars at the API, so
 * this means something bypassed the API (a bad DB row, a restore, a bug) and the file is NOT written.
 * `issues` lists every offending field; `field` is the first, for one-line logs.
 */
export class RenderError extends Error {
  readonly field: string;

  constructor(
    /** Which file was being rendered, for example `smb.conf`. */
    readonly file: string,
    readonly issues: readonly RenderIssue[],
  ) {
    super(`cannot render ${file}: ${issues.map((i) => `${i.field || '(state)'}: ${i.message}`).join('; ')}`);
    this.name = 'RenderError';
    this.field = issues[0]?.field ?? '';
  }
}
