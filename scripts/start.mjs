// `npm start`: builds what is out of date (API, CLI, dashboard), then runs the API in the foreground.
// Ctrl-C (SIGINT) and SIGTERM are passed to the API, which shuts down cleanly.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

function newest(dirs) {
  let max = 0;
  const walk = (p) => {
    let st;
    try {
      st = fs.statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      if (p.endsWith('node_modules') || p.endsWith('.spec.ts')) return;
      for (const e of fs.readdirSync(p)) walk(path.join(p, e));
    } else if (st.mtimeMs > max) max = st.mtimeMs;
  };
  for (const d of dirs) walk(path.join(root, d));
  return max;
}

function mtime(file) {
  try {
    return fs.statSync(path.join(root, file)).mtimeMs;
  } catch {
    return 0;
  }
}

function run(cmd, args) {
  const res = spawnSync(cmd, args, { stdio: 'inherit', cwd: root });
  if (res.status !== 0) {
    console.error(`\`${cmd} ${args.join(' ')}\` failed`);
    process.exit(res.status ?? 1);
  }
}

const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const apiMain = 'dist/api/apps/api/src/main.js';
if (mtime(apiMain) < newest(['apps/api/src', 'libs', 'tsconfig.base.json', 'package.json'])) {
  console.log('Building the API…');
  run(bin('tsc'), ['-p', 'apps/api/tsconfig.app.json']);
  run(bin('tsc-alias'), ['-p', 'apps/api/tsconfig.app.json']);
}
if (fs.existsSync(path.join(root, 'apps/web/vite.config.mts')) && mtime('dist/web/index.html') < newest(['apps/web/src', 'apps/web/index.html', 'libs/contracts/src'])) {
  console.log('Building the dashboard…');
  run(bin('vite'), ['build', '--config', 'apps/web/vite.config.mts', '--logLevel', 'warn']);
}

// Same V8 flag as the systemd unit and the image (bench/README.md, memory).
const child = spawn(process.execPath, ['--max-semi-space-size=4', apiMain], { stdio: 'inherit', cwd: root });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1)));
