// Fails (exit 1, naming each entry) when package-lock.json cannot install on a new machine:
//   - a `packages` entry without `version` (npm ci then stops with "Invalid Version:" on every npm),
//   - a registry package without `integrity` (nothing to verify the tarball against),
//   - a runtime dependency whose own engines.node excludes the floor in package.json's engines.node
//     (npm ci would warn EBADENGINE on the oldest Node the README promises, and the code may not run).
// `resolved` is not required: this workplace's npm writes lockfiles with
// omit-lockfile-registry-resolved, so registry entries carry version + integrity and npm resolves
// them against whatever registry is configured. Run by `npm run lint`, and by .ci/run before
// `npm ci` (then without node_modules: the engines check needs semver and is left to lint).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const semver = await import('semver').then((m) => m.default, () => null);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lockFile = process.argv[2] ?? path.join(root, 'package-lock.json');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8'));
const problems = [];

const floorRange = manifest.engines?.node ?? '';
if (!/^>=\d+\.\d+(\.\d+)?$/.test(floorRange)) problems.push(`package.json: engines.node must be a plain ">=X.Y" floor, not ${JSON.stringify(floorRange)}`);
const floor = semver ? semver.minVersion(floorRange || '0') : null;

if (lock.lockfileVersion < 2 || !lock.packages) problems.push(`${path.basename(lockFile)}: lockfileVersion ${lock.lockfileVersion} has no "packages" map (npm 7+ writes version 3)`);

for (const [key, entry] of Object.entries(lock.packages ?? {})) {
  if (key === '') continue; // the root project itself
  if (entry.link) continue; // a workspace link points at a folder, not the registry
  const where = `package-lock.json "${key}"`;
  if (!entry.version) {
    problems.push(`${where}: no "version"`);
    continue;
  }
  const fromRegistry = !entry.resolved || /^https?:\/\//.test(entry.resolved);
  if (fromRegistry && !entry.integrity) problems.push(`${where}: no "integrity"`);
  if (semver && !semver.valid(entry.version) && fromRegistry) problems.push(`${where}: version ${JSON.stringify(entry.version)} is not a semver version`);
  const engine = entry.engines?.node;
  if (!entry.dev && floor && engine && !semver.satisfies(floor, engine, { includePrerelease: true })) {
    problems.push(`${where}@${entry.version}: needs Node ${engine}, but package.json promises ${floorRange} (runtime dependency)`);
  }
}

if (problems.length) {
  for (const p of problems) console.error(p);
  console.error(`\n${problems.length} lockfile problem(s). Regenerate with npm install --package-lock-only, never by hand.`);
  process.exit(1);
}
console.log(`lockfile ok: ${Object.keys(lock.packages).length - 1} entries${semver ? `, runtime packages run on Node ${floorRange}` : ' (engines not checked: semver is not installed yet)'}`);
