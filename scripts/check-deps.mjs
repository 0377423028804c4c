// Declared dependencies = imported dependencies. Fails (exit 1, naming each package and one file)
// when source imports a package package.json does not declare (it works only while something else
// happens to pull it in), when a runtime file imports a devDependency (a production install omits
// it), or when a declared package is imported nowhere. Run by `npm run lint`.
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const runtime = new Set(Object.keys(manifest.dependencies ?? {}));
const dev = new Set(Object.keys(manifest.devDependencies ?? {}));

// Used by name rather than imported: a binary run by scripts or CI, a jest transform or test
// environment named in a config string, a type package tsc loads by itself. Each with its user.
const USED_WITHOUT_IMPORT = {
  typescript: 'tsc in scripts/build.mjs and npm run typecheck',
  'tsc-alias': 'scripts/build.mjs',
  jest: 'the test runner (scripts/test.mjs, jest.config.js)',
  'ts-jest': 'jest.config.js transform',
  nx: 'npm run lint (nx show projects)',
  '@nx/js': 'the nx plugin for the TypeScript projects (project.json executors)',
  jsdom: 'the vitest environment of apps/web (vitest.config.mts)',
};

const SOURCE_DIRS = ['apps', 'libs', 'scripts', 'bench'];
const ROOT_FILES = ['eslint.config.mjs', 'jest.config.js'];
const EXT = /\.(c|m)?(j|t)sx?$/;
// Runtime code: what the production server, CLI and installer run. Everything else (tests, build
// and bench scripts, the dashboard, which is bundled at build time) may use devDependencies.
const isRuntime = (rel) =>
  /^(apps\/(api|cli)\/src|libs\/(contracts|host|render)\/src)\//.test(rel) && !/\.spec\.tsx?$|\/test\//.test(rel) && !rel.includes('/testing/');

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(['"])([^'"\n]+)\1/gm;

function* files(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (EXT.test(entry.name) && !entry.name.endsWith('.d.ts')) yield full;
  }
}

const VALID = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(\/[\w.@/-]*)?$/i;

function packageOf(specifier) {
  if (!VALID.test(specifier)) return null; // prose that happens to follow a "from"
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return null;
  if (specifier.startsWith('@moxnas/') || specifier.startsWith('virtual:')) return null;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  if (builtinModules.includes(name)) return null;
  return name;
}

// A package another declared package takes as a peer (rxjs for Nest; emotion, MUI's default style
// engine, which @mui/styled-engine imports) is declared for that package's sake; it counts as used.
const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
const peers = new Set();
for (const name of [...runtime, ...dev]) {
  const entry = lock.packages?.[`node_modules/${name}`];
  for (const peer of Object.keys(entry?.peerDependencies ?? {})) peers.add(peer);
}

const imported = new Map(); // package → first file
const problems = [];
const all = [...SOURCE_DIRS.filter((d) => fs.existsSync(path.join(root, d))).flatMap((d) => [...files(path.join(root, d))]), ...ROOT_FILES.map((f) => path.join(root, f))];
for (const file of all) {
  const rel = path.relative(root, file);
  const text = fs.readFileSync(file, 'utf8');
  for (const match of text.matchAll(SPECIFIER)) {
    const name = packageOf(match[2]);
    if (!name) continue;
    if (!imported.has(name)) imported.set(name, rel);
    if (!runtime.has(name) && !dev.has(name)) problems.push(`${name}: imported by ${rel} but not declared in package.json`);
    else if (isRuntime(rel) && !runtime.has(name)) problems.push(`${name}: imported by runtime code ${rel} but only a devDependency (a production install omits it)`);
  }
}
for (const name of [...runtime, ...dev]) {
  if (imported.has(name) || name in USED_WITHOUT_IMPORT || peers.has(name)) continue;
  if (name.startsWith('@types/')) {
    const base = name.slice('@types/'.length).replace(/^(.+)__(.+)$/, '@$1/$2');
    if (imported.has(base) || base === 'node' || base === 'jest' || base === 'react-dom') continue;
    problems.push(`${name}: declared, but ${base} is imported nowhere`);
    continue;
  }
  problems.push(`${name}: declared in package.json but imported nowhere (use it or drop it)`);
}

const unique = [...new Set(problems)];
if (unique.length) {
  for (const p of unique) console.error(p);
  console.error(`\n${unique.length} dependency problem(s).`);
  process.exit(1);
}
console.log(`dependencies ok: ${imported.size} packages imported, all declared; every declared package used`);
