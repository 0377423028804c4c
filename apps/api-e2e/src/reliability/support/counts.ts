import fs from 'node:fs';

/**
 * What the reliability suite did, summed over its test files (each runs in its own worker):
 * appended as JSON lines to the file the global setup names, printed by the global teardown.
 */
export type CountKind = 'requests' | 'faults' | 'inputs' | 'failures';

export function count(kind: CountKind, n = 1): void {
  const file = process.env['MOXNAS_RELIABILITY_COUNTS'];
  if (!file || n === 0) return;
  fs.appendFileSync(file, `${JSON.stringify({ kind, n })}\n`);
}

export function totals(file: string): Record<CountKind, number> {
  const t: Record<CountKind, number> = { requests: 0, faults: 0, inputs: 0, failures: 0 };
  if (!fs.existsSync(file)) return t;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const { kind, n } = JSON.parse(line) as { kind: CountKind; n: number };
    t[kind] += n;
  }
  return t;
}
