#!/usr/bin/env node
// Measures what the browser downloads for the first page: the entry chunk, every chunk it imports
// statically, their CSS, and the lazy page chunk (with its static imports) of the first route.
// Fails when a route's total goes over the budget. Run after `vite build`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = Number(process.env.MOXNAS_WEB_BUDGET_KB ?? 300);
const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(here, '../../../dist/web');
const manifestPath = path.join(dist, '.vite/manifest.json');
if (!fs.existsSync(manifestPath)) {
  console.error(`No build at ${dist}; run: npx vite build --config apps/web/vite.config.mts`);
  process.exit(1);
}
const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
const gz = (file) => gzipSync(fs.readFileSync(path.join(dist, file))).length;

/** Files of a manifest entry and everything it imports statically. */
function closure(key, seen = new Set()) {
  const chunk = manifest[key];
  if (!chunk || seen.has(key)) return seen;
  seen.add(key);
  for (const dep of chunk.imports ?? []) closure(dep, seen);
  return seen;
}
function files(keys) {
  const out = new Set();
  for (const key of keys) {
    const chunk = manifest[key];
    out.add(chunk.file);
    for (const css of chunk.css ?? []) out.add(css);
  }
  return out;
}

const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
const entry = closure(entryKey);
const routes = {
  '/login': 'src/features/auth/login-page.tsx',
  '/ (dashboard)': 'src/features/dashboard/dashboard-page.tsx',
};
let failed = false;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const entryFiles = files(entry);
const entryBytes = [...entryFiles].reduce((n, f) => n + gz(f), 0);
console.log(`entry (shell, shared): ${kb(entryBytes)} gzip in ${entryFiles.size} files`);
for (const [route, key] of Object.entries(routes)) {
  if (!manifest[key]) {
    console.error(`${route}: ${key} is not in the manifest`);
    failed = true;
    continue;
  }
  const all = files(closure(key, new Set(entry)));
  const total = [...all].reduce((n, f) => n + gz(f), 0);
  const over = total > BUDGET_KB * 1024;
  failed ||= over;
  console.log(`${route}: ${kb(total)} gzip JS+CSS (budget ${BUDGET_KB} KB)${over ? '  OVER BUDGET' : ''}`);
}
process.exit(failed ? 1 : 0);
