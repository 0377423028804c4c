// `npm run package`: the release artifact dist/release/moxnas-<version>-linux-x64.tar.gz (and its
// .sha256), built from the committed tree (HEAD), never from the working copy:
//   git archive HEAD -> temp dir; npm ci (fresh cache) there; npm run build; npm prune --omit=dev;
//   stage package.json, package-lock.json, dist/{api,cli,web}, node_modules, templates and
//   scripts/install.sh under moxnas-<version>/, with MANIFEST.sha256 (sha256sum format, every
//   regular file but itself, sorted by path).
// Reproducible: two runs from one commit give byte-identical tarballs (entries sorted, mtimes set to
// the commit time, owner/group 0, modes normalised, gzip -n). Every temp dir is removed.
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const temps = [];
const tempDir = (prefix) => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(d);
  return d;
};
const cleanup = () => {
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true });
};

function run(cmd, args, options = {}) {
  const res = spawnSync(cmd, args, { stdio: options.capture ? ['ignore', 'pipe', 'inherit'] : 'inherit', encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (res.status !== 0) throw new Error(`\`${cmd} ${args.join(' ')}\` failed (${res.error?.message ?? `exit ${res.status}`})`);
  return res.stdout;
}

// npm as the one running this script (npm run package), else the npm on PATH.
const npm = process.env['npm_execpath'] ? [process.execPath, process.env['npm_execpath']] : ['npm'];
const runNpm = (args, cwd, env) => run(npm[0], [...npm.slice(1), ...args], { cwd, env: { ...process.env, ...env } });

function sha256File(file) {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Regular files under dir, relative paths with '/', sorted by byte order. */
function regularFiles(dir) {
  const out = [];
  const walk = (rel) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) out.push(r);
    }
  };
  walk('');
  return out.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

function main() {
  const commit = run('git', ['rev-parse', 'HEAD'], { cwd: repo, capture: true }).trim();
  const commitTime = run('git', ['log', '-1', '--format=%ct', commit], { cwd: repo, capture: true }).trim();
  const dirty = run('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repo, capture: true }).trim();
  if (dirty) console.warn('note: the working tree has uncommitted changes; the artifact is built from HEAD without them');

  const src = tempDir('moxnas-package-src-');
  const archive = path.join(tempDir('moxnas-package-archive-'), 'src.tar');
  run('git', ['archive', '--format=tar', '-o', archive, commit], { cwd: repo });
  run('tar', ['-xf', archive, '-C', src]);
  const version = JSON.parse(fs.readFileSync(path.join(src, 'package.json'), 'utf8')).version;
  const name = `moxnas-${version}`;
  console.log(`packaging ${name} from ${commit.slice(0, 12)} (commit time ${new Date(Number(commitTime) * 1000).toISOString()})`);

  // NODE_ENV=production in the caller's environment would make npm ci skip the build tools.
  const buildEnv = { NODE_ENV: 'development', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', CI: 'true' };
  runNpm(['ci', '--cache', tempDir('moxnas-package-npm-cache-'), '--no-audit', '--no-fund', '--loglevel=warn'], src, buildEnv);
  runNpm(['run', 'build'], src, buildEnv);
  for (const f of ['dist/api/apps/api/src/main.js', 'dist/cli/apps/cli/src/main.js', 'dist/web/index.html']) {
    if (!fs.existsSync(path.join(src, f))) throw new Error(`the build did not produce ${f}`);
  }
  runNpm(['prune', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=warn'], src, buildEnv);

  const stageRoot = tempDir('moxnas-package-stage-');
  const stage = path.join(stageRoot, name);
  fs.mkdirSync(path.join(stage, 'dist'), { recursive: true });
  fs.mkdirSync(path.join(stage, 'scripts', 'pve'), { recursive: true });
  for (const p of ['package.json', 'package-lock.json', 'node_modules', 'templates', 'dist/api', 'dist/cli', 'dist/web', 'scripts/install.sh', 'scripts/pve/moxnas-ct.sh']) {
    fs.cpSync(path.join(src, p), path.join(stage, p), { recursive: true, verbatimSymlinks: true });
  }
  for (const f of ['dist/api/.tsbuildinfo', 'dist/cli/.tsbuildinfo']) fs.rmSync(path.join(stage, f), { force: true });
  // The installer writes RELEASE (what it installed, with which Node.js); this says what was built.
  fs.writeFileSync(path.join(stage, 'ARTIFACT'), `version=${version}\ncommit=${commit}\n`);
  const manifest = regularFiles(stage).map((f) => `${sha256File(path.join(stage, f))}  ${f}\n`).join('');
  fs.writeFileSync(path.join(stage, 'MANIFEST.sha256'), manifest);

  const outDir = path.join(repo, 'dist', 'release');
  fs.mkdirSync(outDir, { recursive: true });
  const artifact = path.join(outDir, `${name}-linux-x64.tar.gz`);
  const tarFile = path.join(stageRoot, `${name}.tar`);
  run('tar', [
    '--sort=name', `--mtime=@${commitTime}`, '--owner=0', '--group=0', '--numeric-owner',
    '--mode=u+rw,go+r,go-w', '--format=gnu', '-C', stageRoot, '-cf', tarFile, name,
  ]);
  const partial = `${artifact}.partial-${process.pid}`;
  const fd = fs.openSync(partial, 'w');
  try {
    run('gzip', ['-n', '-9', '-c', tarFile], { stdio: ['ignore', fd, 'inherit'] });
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(partial, artifact);
  const digest = sha256File(artifact);
  fs.writeFileSync(`${artifact}.sha256`, `${digest}  ${path.basename(artifact)}\n`);
  const size = fs.statSync(artifact).size;
  console.log(`${path.relative(process.cwd(), artifact)}: ${(size / 1024 / 1024).toFixed(1)} MiB (${size} bytes), ${manifest.split('\n').length - 1} files`);
  console.log(`sha256 ${digest}`);
}

try {
  main();
} catch (err) {
  console.error(`package: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  cleanup();
}
