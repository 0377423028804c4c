/** Plain line output; commands print through here so tests can see what a user sees. */
export function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export function err(line: string): void {
  process.stderr.write(`${line}\n`);
}
