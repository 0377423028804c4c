// Builds the API, the CLI and the dashboard (each step only when its entry file is present).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const steps = [
  ['apps/api/src/main.ts', bin('tsc'), ['-p', 'apps/api/tsconfig.app.json']],
  ['apps/api/src/main.ts', bin('tsc-alias'), ['-p', 'apps/api/tsconfig.app.json']],
  ['apps/cli/src/main.ts', bin('tsc'), ['-p', 'apps/cli/tsconfig.app.json']],
  ['apps/cli/src/main.ts', bin('tsc-alias'), ['-p', 'apps/cli/tsconfig.app.json']],
  ['apps/web/vite.config.mts', bin('vite'), ['build', '--config', 'apps/web/vite.config.mts', '--logLevel', 'warn']],
];
for (const [entry, cmd, args] of steps) {
  if (!fs.existsSync(path.join(root, entry))) continue;
  // Always a production build, whatever NODE_ENV the caller has (npm run package and install.sh set
  // development for npm ci): with NODE_ENV=development vite bundles React's development JSX runtime,
  // larger and slower, and embedding every component's absolute source path, so two builds in two
  // directories differed and the release artifact was not reproducible.
  const res = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, env: { ...process.env, NODE_ENV: 'production' } });
  if (res.status !== 0) {
    console.error(`build step failed: ${path.basename(cmd)} ${args.join(' ')}`);
    process.exit(res.status ?? 1);
  }
}
