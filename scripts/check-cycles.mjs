// Fails (exit 1, printing each circle of files) when production code imports itself in a circle
// through relative imports. Type-only imports count too: a circle is a design knot whatever
// TypeScript erases. Tests are left out. Run by `npm run lint`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIRS = ['apps/api/src', 'apps/cli/src', 'apps/web/src', 'libs/contracts/src', 'libs/host/src', 'libs/render/src'];
const SOURCE = /\.tsx?$/;
const TEST = /\.(spec|test)\.tsx?$/;
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])(\.{1,2}\/[^'"\n]*)\1/gm;

function* files(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'test') yield* files(full);
    } else if (SOURCE.test(entry.name) && !TEST.test(entry.name) && !entry.name.endsWith('.d.ts')) yield full;
  }
}

function resolve(from, specifier) {
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts'), path.join(base, 'index.tsx')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return null;
}

const graph = new Map();
for (const dir of DIRS) {
  if (!fs.existsSync(path.join(root, dir))) continue;
  for (const file of files(path.join(root, dir))) {
    const deps = new Set();
    for (const m of fs.readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const target = resolve(file, m[2]);
      if (target && !TEST.test(target)) deps.add(target);
    }
    graph.set(file, deps);
  }
}

// Tarjan's strongly connected components: every component with more than one file is a circle.
let index = 0;
const stack = [];
const meta = new Map();
const circles = [];
function visit(v) {
  meta.set(v, { index, low: index, onStack: true });
  index++;
  stack.push(v);
  for (const w of graph.get(v) ?? []) {
    if (!graph.has(w)) continue;
    if (!meta.has(w)) {
      visit(w);
      meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).low);
    } else if (meta.get(w).onStack) meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).index);
  }
  if (meta.get(v).low === meta.get(v).index) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      meta.get(w).onStack = false;
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)?.has(v)) circles.push(component.map((f) => path.relative(root, f)).sort());
  }
}
for (const v of graph.keys()) if (!meta.has(v)) visit(v);

if (circles.length) {
  for (const c of circles) console.error(`import circle of ${c.length} files:\n  ${c.join('\n  ')}`);
  console.error(`\n${circles.length} import circle(s): move the shared piece into a file both sides import.`);
  process.exit(1);
}
console.log(`no import circles in ${graph.size} files`);
