/**
 * `npm run package` (scripts/package.mjs) on a clean clone of the committed tree, twice: the two
 * artifacts are byte-identical, MANIFEST.sha256 matches the unpacked files, node_modules holds no
 * development-only package, and the API starts from the unpacked artifact (embedded database, temp
 * data dir, free port) and answers ready.
 *
 * Slow (two npm ci + builds, a few minutes on 2 cores) and needs the npm registry, so it runs only
 * with MOXNAS_DEPLOY_TESTS=1 or MOXNAS_REQUIRE_HOST_TESTS=1, like the installer suite.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, REQUIRE_HOST_TESTS, background, describeWhen, exists, freePort, run, waitFor, which, type Background } from './support/deploy-env';

const explicitlyOff = process.env['MOXNAS_DEPLOY_TESTS'] === '0';
const enabled = process.env['MOXNAS_DEPLOY_TESTS'] === '1' || (REQUIRE_HOST_TESTS && !explicitlyOff);
const missing = [
  ...(enabled ? [] : ['set MOXNAS_DEPLOY_TESTS=1 to run this ~5 minutes packaging test']),
  ...['git', 'tar', 'gzip', 'npm', 'sha256sum'].filter((b) => !which(b)).map((b) => `${b} binary`),
];

const PACKAGE_TIMEOUT_MS = 15 * 60_000;

async function sha256(file: string): Promise<string> {
  return createHash('sha256').update(await fs.readFile(file)).digest('hex');
}

async function regularFiles(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await regularFiles(dir, r)));
    else if (e.isFile()) out.push(r);
  }
  return out;
}

const title = 'npm run package: the release artifact';
const body = () => {
  let tmp: string;
  let clone: string;
  let version: string;
  let artifactName: string;
  let firstSha = '';
  let unpacked: string;
  let api: Background | undefined;

  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'moxnas-package-e2e-'));
    clone = path.join(tmp, 'clone');
    const head = (await run('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT })).stdout.trim();
    const c = await run('git', ['clone', '--quiet', '--no-local', REPO_ROOT, clone], { timeoutMs: 120_000 });
    expect(c.code).toBe(0);
    expect((await run('git', ['checkout', '--quiet', '--detach', head], { cwd: clone })).code).toBe(0);
    version = JSON.parse(await fs.readFile(path.join(clone, 'package.json'), 'utf8')).version;
    artifactName = `moxnas-${version}-linux-x64.tar.gz`;
  });
  afterAll(async () => {
    await api?.stop();
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  });

  const packageOnce = async (): Promise<{ sha: string; recorded: string; stdout: string }> => {
    // The clone has no node_modules: package.mjs needs only Node.js, git, tar and gzip.
    const r = await run('npm', ['run', 'package'], { cwd: clone, timeoutMs: PACKAGE_TIMEOUT_MS, env: { ...process.env, NODE_ENV: undefined } });
    if (r.code !== 0) throw new Error(`npm run package failed (${r.code}):\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`);
    const file = path.join(clone, 'dist/release', artifactName);
    const recorded = (await fs.readFile(`${file}.sha256`, 'utf8')).trim();
    return { sha: await sha256(file), recorded, stdout: r.stdout };
  };

  it(
    'builds the artifact from the clone, prints its size, and leaves no temp dir behind',
    async () => {
      const before = new Set((await fs.readdir(os.tmpdir())).filter((n) => n.startsWith('moxnas-package-') && !n.startsWith('moxnas-package-e2e-')));
      const first = await packageOnce();
      expect(first.recorded).toBe(`${first.sha}  ${artifactName}`);
      expect(first.stdout).toMatch(new RegExp(`${artifactName.replace(/\./g, '\\.')}: [0-9.]+ MiB \\([0-9]+ bytes\\)`));
      process.stdout.write(`[package e2e] ${first.stdout.split('\n').filter((l) => l.includes('MiB')).join('\n')}\n`);
      firstSha = first.sha;
      const after = (await fs.readdir(os.tmpdir())).filter((n) => n.startsWith('moxnas-package-') && !n.startsWith('moxnas-package-e2e-') && !before.has(n));
      expect(after).toEqual([]);
      unpacked = path.join(tmp, 'unpacked');
      await fs.mkdir(unpacked);
      expect((await run('tar', ['-xzf', path.join(clone, 'dist/release', artifactName), '-C', unpacked])).code).toBe(0);
    },
    PACKAGE_TIMEOUT_MS + 60_000,
  );

  it(
    'gives a byte-identical artifact on a second run from the same commit',
    async () => {
      expect(firstSha).toMatch(/^[0-9a-f]{64}$/);
      const second = await packageOnce();
      expect(second.sha).toBe(firstSha);
    },
    PACKAGE_TIMEOUT_MS + 60_000,
  );

  it('has a MANIFEST.sha256 that lists every file of the artifact with its sha256, sorted by path', async () => {
    const dir = path.join(unpacked, `moxnas-${version}`);
    const lines = (await fs.readFile(path.join(dir, 'MANIFEST.sha256'), 'utf8')).split('\n').filter(Boolean);
    const listed = lines.map((l) => {
      const m = /^([0-9a-f]{64}) {2}(.+)$/.exec(l);
      if (!m) throw new Error(`bad manifest line: ${l}`);
      return { sha: m[1], file: m[2] };
    });
    const files = (await regularFiles(dir)).filter((f) => f !== 'MANIFEST.sha256');
    expect(listed.map((e) => e.file)).toEqual([...files].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    for (const e of listed) expect(`${e.file} ${await sha256(path.join(dir, e.file))}`).toBe(`${e.file} ${e.sha}`);
    for (const f of ['dist/api/apps/api/src/main.js', 'dist/cli/apps/cli/src/main.js', 'dist/web/index.html', 'scripts/install.sh', 'templates/systemd/moxnas.service.njk', 'package.json', 'ARTIFACT']) {
      expect(files).toContain(f);
    }
  });

  it('holds production dependencies only', async () => {
    const dir = path.join(unpacked, `moxnas-${version}`);
    const pkg = JSON.parse(await fs.readFile(path.join(dir, 'package.json'), 'utf8'));
    const lock = JSON.parse(await fs.readFile(path.join(dir, 'package-lock.json'), 'utf8'));
    const entries = lock.packages as Record<string, { dev?: boolean }>;
    // A devDependency that is also needed at runtime (through a dependency) is not dev-only.
    const devOnly = Object.keys(pkg.devDependencies).filter((n) => entries[`node_modules/${n}`]?.dev === true);
    expect(devOnly).toEqual(expect.arrayContaining(['typescript', 'jest']));
    const present = [];
    for (const n of devOnly) if (await exists(path.join(dir, 'node_modules', n))) present.push(n);
    expect(present).toEqual([]);
    const devLockEntries = Object.keys(entries).filter((k) => k.startsWith('node_modules/') && entries[k].dev === true);
    const presentEntries = [];
    for (const k of devLockEntries) if (await exists(path.join(dir, k))) presentEntries.push(k);
    expect(presentEntries).toEqual([]);
    for (const n of Object.keys(pkg.dependencies)) expect(`${n}: ${await exists(path.join(dir, 'node_modules', n))}`).toBe(`${n}: true`);
  });

  it('starts the API from the unpacked artifact, which answers ready', async () => {
    const dir = path.join(unpacked, `moxnas-${version}`);
    const data = path.join(tmp, 'data');
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      HOME: tmp,
      HOST: '127.0.0.1',
      PORT: String(port),
      MOXNAS_DATA_DIR: data,
      MOXNAS_ETC_ROOT: path.join(tmp, 'etc'),
      MOXNAS_WEB_ROOT: path.join(dir, 'dist/web'),
      MOXNAS_HOST_ACCOUNTS: 'off',
      MOXNAS_LOG_LEVEL: 'warn',
    };
    api = background(process.execPath, [path.join(dir, 'dist/api/apps/api/src/main.js')], { ...env });
    const status = await waitFor(`the API from the artifact answers ready on port ${port}`, 120_000, async () => {
      if (api?.child.exitCode !== null) throw new Error(`the API exited (${api?.child.exitCode}):\n${api?.output().slice(-3000)}`);
      const r = await fetch(`http://127.0.0.1:${port}/api/system/health/ready`).catch(() => undefined);
      return r?.status === 200 ? r.status : undefined;
    }).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${api?.output().slice(-3000)}`);
    });
    expect(status).toBe(200);
    await api.stop();
  }, 180_000);
};

if (explicitlyOff) describe.skip(`${title} (MOXNAS_DEPLOY_TESTS=0: CI runs it in the deploy stage)`, body);
else describeWhen(title, missing, body);
