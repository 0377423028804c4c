import fs from 'node:fs';
import path from 'node:path';
import { SEARCH_PATH } from '@moxnas/host';

function installed(binary: string): boolean {
  return SEARCH_PATH.some((dir) => {
    try {
      fs.accessSync(path.join(dir, binary), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * `describe` for tests that need real host binaries (and optionally root). When something is
 * missing the block is skipped, unless MOXNAS_REQUIRE_HOST_TESTS=1 (CI), where it fails instead:
 * a host test that silently skips in CI proves nothing.
 */
export function describeOnHost(needs: { binaries: string[]; root?: boolean }, name: string, body: () => void): void {
  const missing = needs.binaries.filter((b) => !installed(b));
  if (needs.root && process.getuid?.() !== 0) missing.push('root privileges');
  if (missing.length === 0) {
    describe(name, body);
  } else if (process.env.MOXNAS_REQUIRE_HOST_TESTS === '1') {
    describe(name, () => {
      it('has what it needs on this host', () => {
        throw new Error(`missing ${missing.join(', ')} and MOXNAS_REQUIRE_HOST_TESTS=1`);
      });
    });
  } else {
    describe.skip(`${name} (skipped: missing ${missing.join(', ')})`, body);
  }
}
