/**
 * The one skip-or-fail rule for every test that needs something of the host: a binary, root, the
 * right to mount, a service. Everything there: the test runs. Something missing: the test is
 * skipped and its title says what is missing — unless MOXNAS_REQUIRE_HOST_TESTS=1 (set by .ci/run),
 * where it fails naming what is missing, because a host test that silently skips in CI proves nothing.
 *
 * Never gate by returning early from inside a test: that counts as passed.
 */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { SEARCH_PATH } from '@moxnas/host';

export const REQUIRE_HOST_TESTS = process.env['MOXNAS_REQUIRE_HOST_TESTS'] === '1';

/** The full path of an executable on the search path the app itself uses, or undefined. */
export function binaryPath(name: string): string | undefined {
  for (const dir of SEARCH_PATH) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* next directory */
    }
  }
  return undefined;
}

export interface HostNeeds {
  /** Executable names (looked up on the app's search path) or absolute paths. */
  binaries?: readonly string[];
  root?: boolean;
  /** Anything else, by name, with whether it is there (for example `{ 'REDIS_URL': !!url }`). */
  other?: Readonly<Record<string, boolean>>;
}

/** What of `needs` this host lacks, by name; empty when the test can run. */
export function missingOnHost(needs: HostNeeds): string[] {
  const missing: string[] = [];
  for (const b of needs.binaries ?? []) {
    const there = path.isAbsolute(b) ? isExecutable(b) : binaryPath(b) !== undefined;
    if (!there) missing.push(b);
  }
  if (needs.root && process.getuid?.() !== 0) missing.push('root');
  for (const [name, there] of Object.entries(needs.other ?? {})) if (!there) missing.push(name);
  return missing;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function failure(missing: readonly string[]): Error {
  return new Error(`MOXNAS_REQUIRE_HOST_TESTS=1 but this host lacks: ${missing.join(', ')}`);
}

/** describe() that runs, skips with the reason, or (under MOXNAS_REQUIRE_HOST_TESTS=1) fails. */
export function describeOnHost(title: string, needs: HostNeeds | readonly string[], body: () => void): void {
  const missing = Array.isArray(needs) ? [...needs] : missingOnHost(needs as HostNeeds);
  if (missing.length === 0) {
    describe(title, body);
  } else if (REQUIRE_HOST_TESTS) {
    describe(title, () => {
      it('has what it needs on this host', () => {
        throw failure(missing);
      });
    });
  } else {
    describe.skip(`${title} (skipped: missing ${missing.join(', ')})`, body);
  }
}

/** it() with the same rule, for a single test inside an otherwise ungated block. */
export function itOnHost(title: string, needs: HostNeeds | readonly string[], fn: () => Promise<unknown> | void, timeout?: number): void {
  const missing = Array.isArray(needs) ? [...needs] : missingOnHost(needs as HostNeeds);
  if (missing.length === 0) it(title, fn as () => Promise<unknown>, timeout);
  else if (REQUIRE_HOST_TESTS)
    it(title, () => {
      throw failure(missing);
    });
  else it.skip(`${title} (skipped: missing ${missing.join(', ')})`, fn as () => Promise<unknown>);
}
