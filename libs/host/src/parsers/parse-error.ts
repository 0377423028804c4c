/** Output of a host command or /proc file did not have the expected shape. */
export class ParseError extends Error {
  constructor(
    readonly source: string,
    message: string,
  ) {
    super(`${source}: ${message}`);
    this.name = 'ParseError';
  }
}
