import fs from 'node:fs';
import { expect } from '@jest/globals';

// Test support (not exported from the package). Imports jest explicitly so it type-checks even in a
// build that compiles it without jest's global types.

/**
 * Compares rendered text with a checked-in golden file. Review changes to goldens like code:
 * `MOXNAS_UPDATE_GOLDEN=1 npx jest …` rewrites them, `git diff` shows what the renderer now writes.
 */
export function expectGolden(file: string, actual: string): void {
  if (process.env.MOXNAS_UPDATE_GOLDEN === '1') {
    fs.writeFileSync(file, actual);
    return;
  }
  expect(actual).toBe(fs.readFileSync(file, 'utf8'));
}

/** Lines a config injection would need; a rendered file must contain none of them. */
export const INJECTED_VALUES: readonly string[] = [
  'x\ninclude = /etc/x',
  'x\r\nroot preexec = /bin/sh -c id',
  'x\n[global]',
  'x\\',
  'x\\\nroot preexec = id',
  'x\u0000y',
  'x\u2028y',
  'x\u202ey',
  'a'.repeat(65536),
];
