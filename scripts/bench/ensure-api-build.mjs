// Rebuilds dist/api (tsc + tsc-alias, as scripts/start.mjs does) when a source is newer than it.
// Used by `npm run bench` and `npm run test:reliability`, which both run the built server.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const apiMain = path.join(root, 'dist/api/apps/api/src/main.js');

function newest(dir) {
  let max = 0;
  const walk = (p) => {
    let st;
    try {
      st = fs.statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      if (p.endsWith('node_modules')) return;
      for (const e of fs.readdirSync(p)) walk(path.join(p, e));
    } else if (!p.endsWith('.spec.ts') && st.mtimeMs > max) max = st.mtimeMs;
  };
  walk(path.join(root, dir));
  return max;
}

export function ensureApiBuild({ quiet = false } = {}) {
  const built = fs.existsSync(apiMain) ? fs.statSync(apiMain).mtimeMs : 0;
  const sources = Math.max(newest('apps/api/src'), newest('libs'), newest('templates'));
  if (built >= sources) return;
  if (!quiet) console.error('Building the API (dist/api is older than its sources)…');
  const bin = (n) => path.join(root, 'node_modules', '.bin', n);
  for (const [cmd, args] of [
    [bin('tsc'), ['-p', 'apps/api/tsconfig.app.json']],
    [bin('tsc-alias'), ['-p', 'apps/api/tsconfig.app.json']],
  ]) {
    const res = spawnSync(cmd, args, { stdio: 'inherit', cwd: root });
    if (res.status !== 0) throw new Error(`${path.basename(cmd)} failed; fix the build first`);
  }
  // tsc leaves unchanged outputs alone; touch main.js so the next check sees a fresh build.
  const now = new Date();
  fs.utimesSync(apiMain, now, now);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) ensureApiBuild();
