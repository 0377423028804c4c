// `npm test`: builds, then runs every test layer and prints one closing line "N passed, N failed".
//   jest: unit, integration (twice — real PostgreSQL and embedded — when DATABASE_URL is set),
//         host-e2e (real daemons), web-e2e (Chromium); vitest: web components.
// Extra arguments are passed to jest (for example a path filter).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const extra = process.argv.slice(2);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'moxnas-test-results-'));

function run(cmd, args, env = {}) {
  const res = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, env: { ...process.env, ...env } });
  return res.status ?? 1;
}

// Build first: the config test runs the built server, the e2e layers serve the built dashboard.
if (run(process.execPath, [path.join(root, 'scripts/build.mjs')]) !== 0) {
  console.error('build failed');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const totals = { passed: 0, failed: 0, skipped: 0 };
let crashed = 0;
const jestEnv = { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules`.trim() };

function jest(label, projects, env = {}) {
  const out = path.join(tmp, `${label}.json`);
  console.log(`\n=== jest: ${label} ===`);
  const code = run(
    bin('jest'),
    ['--selectProjects', ...projects, '--json', `--outputFile=${out}`, '--maxWorkers=2', '--forceExit', ...extra],
    { ...jestEnv, ...env },
  );
  if (!fs.existsSync(out)) {
    crashed++;
    return;
  }
  const r = JSON.parse(fs.readFileSync(out, 'utf8'));
  totals.passed += r.numPassedTests;
  totals.failed += r.numFailedTests;
  totals.skipped += r.numPendingTests + r.numTodoTests;
  // Suites that failed to run count as failures even though no test inside them did.
  totals.failed += r.numRuntimeErrorTestSuites;
  if (code !== 0 && r.numFailedTests === 0 && r.numRuntimeErrorTestSuites === 0) crashed++;
}

jest('all layers', ['unit', 'integration', 'host-e2e', 'web-e2e']);
if (process.env.DATABASE_URL && process.env.MOXNAS_TEST_DB !== 'embedded') {
  jest('integration on the embedded database', ['integration'], { MOXNAS_TEST_DB: 'embedded' });
}

if (fs.existsSync(path.join(root, 'apps/web/vitest.config.mts')) && extra.length === 0) {
  console.log('\n=== vitest: web components ===');
  const out = path.join(tmp, 'vitest.json');
  const code = run(bin('vitest'), ['run', '--config', 'apps/web/vitest.config.mts', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`]);
  if (fs.existsSync(out)) {
    const r = JSON.parse(fs.readFileSync(out, 'utf8'));
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests;
    totals.skipped += r.numPendingTests + (r.numTodoTests ?? 0);
    if (code !== 0 && r.numFailedTests === 0) crashed++;
  } else {
    crashed++;
  }
}

fs.rmSync(tmp, { recursive: true, force: true });
if (crashed) console.log(`${crashed} test run(s) crashed before reporting results`);
console.log(`\n${totals.passed} passed, ${totals.failed + crashed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed + crashed > 0 ? 1 : 0);
