import fs from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT, run, type RunResult } from './deploy-env';

/** Where the debootstrapped root is cached between runs on one machine (one tarball per ISO week). */
export const CACHE_DIR = process.env['MOXNAS_TEST_CACHE_DIR'] ?? '/var/cache/moxnas-test';
const MIRROR = process.env['MOXNAS_DEBIAN_MIRROR'] ?? 'http://deb.debian.org/debian';

/** A Debian release the installer is tested on, and what differs between them. */
export interface DebianSuite {
  /** The debootstrap suite (codename). */
  name: string;
  /** VERSION_ID in /etc/os-release. */
  release: string;
  /**
   * The release's nodejs package is too old (Debian 12: 18.x), so this host's Node.js is copied in
   * and passed as MOXNAS_NODE; otherwise the installer installs the distribution's nodejs and npm.
   */
  hostNode: boolean;
  /** The PostgreSQL major version the release's postgresql package installs. */
  postgres: string;
}

export const KNOWN_SUITES: Readonly<Record<string, DebianSuite>> = {
  bookworm: { name: 'bookworm', release: '12', hostNode: true, postgres: '15' },
  trixie: { name: 'trixie', release: '13', hostNode: false, postgres: '17' },
};

/**
 * The suites to test, from MOXNAS_INSTALLER_SUITES (space- or comma-separated codenames; default
 * "bookworm trixie"). Names this file does not know are returned in `unknown`.
 */
export function installerSuites(value = process.env['MOXNAS_INSTALLER_SUITES']): { suites: DebianSuite[]; unknown: string[] } {
  const names = (value?.trim() ? value : 'bookworm trixie').split(/[\s,]+/).filter(Boolean);
  const unique = [...new Set(names)];
  return {
    suites: unique.filter((n) => n in KNOWN_SUITES).map((n) => KNOWN_SUITES[n]),
    unknown: unique.filter((n) => !(n in KNOWN_SUITES)),
  };
}

/** PATH inside the chroot: the installer and daemons expect the usual Debian one. */
export const CHROOT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function isoWeek(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = new Date(Date.UTC(t.getUTCFullYear(), 0, 1));
  const week = Math.ceil(((t.getTime() - yearStart.getTime()) / 86_400_000 + 1) / 7);
  return `${t.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/**
 * A minbase root tarball of this suite, made with debootstrap once a week and reused: debootstrap
 * takes half a minute to two minutes, unpacking the tarball a few seconds. Older weeks' tarballs of
 * the suite are removed.
 */
export async function cachedRootTarball(suite: string, log: (line: string) => void): Promise<string> {
  await fs.mkdir(CACHE_DIR, { recursive: true });
  const prefix = `debootstrap-${suite}-minbase-`;
  const tarball = path.join(CACHE_DIR, `${prefix}${isoWeek(new Date())}.tar.gz`);
  try {
    await fs.access(tarball);
    log(`using cached Debian root ${tarball}`);
    return tarball;
  } catch {
    /* build it below */
  }
  const work = await fs.mkdtemp(path.join(CACHE_DIR, 'build-'));
  try {
    const root = path.join(work, 'root');
    log(`debootstrap --variant=minbase ${suite} (cached afterwards in ${CACHE_DIR})`);
    const boot = await run('debootstrap', ['--variant=minbase', suite, root, MIRROR], { timeoutMs: 10 * 60_000 });
    if (boot.code !== 0) throw new Error(`debootstrap failed (${boot.code}):\n${boot.stdout.slice(-3000)}\n${boot.stderr.slice(-3000)}`);
    const partial = `${tarball}.partial-${process.pid}`;
    const tar = await run('tar', ['-C', root, '--numeric-owner', '-czf', partial, '.'], { timeoutMs: 5 * 60_000 });
    if (tar.code !== 0) throw new Error(`packing the Debian root failed: ${tar.stderr}`);
    // rename() is atomic: a concurrent run sees either no tarball or a complete one.
    await fs.rename(partial, tarball);
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
  for (const name of await fs.readdir(CACHE_DIR)) {
    if (name.startsWith(prefix) && path.join(CACHE_DIR, name) !== tarball) await fs.rm(path.join(CACHE_DIR, name), { force: true });
  }
  return tarball;
}

/**
 * A throwaway Debian root to run the installer in: unpacked from the cached tarball, with /proc and
 * /dev mounted and a policy-rc.d that stops package scripts from starting services (systemd is not
 * PID 1 here; the chroot shares the host's network, so a daemon started by apt could take a host
 * port). dispose() kills whatever still runs inside, unmounts and deletes it.
 */
export class DebianRoot {
  private mounted: string[] = [];

  private constructor(readonly dir: string) {}

  static async create(tarball: string): Promise<DebianRoot> {
    // /var/tmp rather than /tmp: the root grows to ~2 GB with node_modules, and /tmp may be a small tmpfs.
    const dir = await fs.mkdtemp(path.join(process.env['MOXNAS_DEPLOY_TMP'] ?? '/var/tmp', 'moxnas-chroot-'));
    const root = new DebianRoot(dir);
    const tar = await run('tar', ['-C', dir, '--numeric-owner', '-xzf', tarball], { timeoutMs: 5 * 60_000 });
    if (tar.code !== 0) {
      await fs.rm(dir, { recursive: true, force: true });
      throw new Error(`unpacking ${tarball} failed: ${tar.stderr}`);
    }
    try {
      await root.mountAll();
      await fs.writeFile(path.join(dir, 'usr/sbin/policy-rc.d'), '#!/bin/sh\n# Tests: package scripts must not start services.\nexit 101\n', { mode: 0o755 });
      // Name resolution for apt and npm inside the chroot.
      await fs.copyFile('/etc/resolv.conf', path.join(dir, 'etc/resolv.conf'));
    } catch (err) {
      await root.dispose();
      throw err;
    }
    return root;
  }

  path(p: string): string {
    return path.join(this.dir, p);
  }

  private async mount(args: string[], target: string): Promise<void> {
    const full = this.path(target);
    await fs.mkdir(full, { recursive: true });
    const r = await run('mount', [...args, full]);
    if (r.code !== 0) throw new Error(`mount ${args.join(' ')} ${full} failed: ${r.stderr}`);
    this.mounted.push(full);
  }

  private async mountAll(): Promise<void> {
    await this.mount(['-t', 'proc', 'proc'], '/proc');
    await this.mount(['--rbind', '/dev'], '/dev');
    // Unmounting the chroot's /dev must never propagate to the host's.
    await run('mount', ['--make-rslave', this.path('/dev')]);
    await this.mount(['-t', 'sysfs', 'sysfs'], '/sys');
  }

  /** Bind-mounts a host directory (e.g. a shared npm cache) into the root. */
  async bind(hostDir: string, target: string): Promise<void> {
    await fs.mkdir(hostDir, { recursive: true });
    await this.mount(['--bind', hostDir], target);
  }

  /** Runs a command inside the root with a clean environment. */
  exec(args: readonly string[], options: { env?: Record<string, string>; timeoutMs?: number; input?: string } = {}): Promise<RunResult> {
    const env = { PATH: CHROOT_PATH, HOME: '/root', LANG: 'C.UTF-8', TERM: 'dumb', ...(options.env ?? {}) };
    return run('chroot', [this.dir, '/usr/bin/env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...args], {
      env: { PATH: process.env['PATH'] ?? CHROOT_PATH },
      timeoutMs: options.timeoutMs,
      input: options.input,
    });
  }

  /** Arguments for spawning a long-running process inside the root (see background()). */
  chrootArgs(args: readonly string[], env: Record<string, string> = {}): string[] {
    const full = { PATH: CHROOT_PATH, HOME: '/root', LANG: 'C.UTF-8', ...env };
    return [this.dir, '/usr/bin/env', '-i', ...Object.entries(full).map(([k, v]) => `${k}=${v}`), ...args];
  }

  /**
   * What the processes inside the root use, each by its command name: the sum of their PSS
   * (proportional set size: a page shared by n processes counts 1/n to each, so shared pages count
   * once in the sum), from /proc/<pid>/smaps_rollup.
   */
  async memory(): Promise<{ totalKiB: number; byCommand: Record<string, number> }> {
    const byCommand: Record<string, number> = {};
    let totalKiB = 0;
    for (const pid of await this.processes()) {
      try {
        const rollup = await fs.readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
        const pss = Number(/^Pss:\s+(\d+) kB$/m.exec(rollup)?.[1] ?? 0);
        const comm = (await fs.readFile(`/proc/${pid}/comm`, 'utf8')).trim();
        byCommand[comm] = (byCommand[comm] ?? 0) + pss;
        totalKiB += pss;
      } catch {
        /* exited meanwhile */
      }
    }
    return { totalKiB, byCommand };
  }

  /** PIDs of processes whose root directory is this chroot. */
  async processes(): Promise<number[]> {
    const pids: number[] = [];
    for (const entry of await fs.readdir('/proc')) {
      if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
      try {
        const root = await fs.readlink(`/proc/${entry}/root`);
        if (root === this.dir || root.startsWith(`${this.dir}/`)) pids.push(Number(entry));
      } catch {
        /* gone, or not ours to inspect */
      }
    }
    return pids;
  }

  async killAll(): Promise<void> {
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      const pids = await this.processes();
      if (!pids.length) return;
      for (const pid of pids) {
        try {
          process.kill(pid, signal);
        } catch {
          /* already gone */
        }
      }
      await new Promise((r) => setTimeout(r, signal === 'SIGTERM' ? 3000 : 500));
    }
  }

  private async mountsBelow(): Promise<string[]> {
    const mountinfo = await fs.readFile('/proc/self/mountinfo', 'utf8');
    return mountinfo
      .split('\n')
      .map((line) => line.split(' ')[4])
      .filter((p): p is string => !!p && (p === this.dir || p.startsWith(`${this.dir}/`)))
      .sort((a, b) => b.length - a.length);
  }

  /** Kills what runs inside, unmounts everything below the root (deepest first), deletes it. */
  async dispose(options: { keep?: boolean } = {}): Promise<void> {
    await this.killAll();
    // Stacked mounts (an rbind of /dev brings /dev/shm twice, say) are listed once per layer, so
    // unmount round by round until nothing is left, then detach whatever is still busy.
    for (let round = 0; round < 5; round++) {
      const targets = await this.mountsBelow();
      if (!targets.length) break;
      for (const target of targets) await run('umount', [target]);
    }
    for (const target of await this.mountsBelow()) await run('umount', ['-l', target]);
    const left = await this.mountsBelow();
    if (left.length) throw new Error(`could not unmount everything under ${this.dir}: ${left.join(', ')}`);
    if (!options.keep) await fs.rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * Copies the repository into the root as the installer would get it (no node_modules, .git, dist
 * or local state); returns where.
 */
export async function stageSource(root: DebianRoot): Promise<string> {
  const src = '/root/moxnas-src';
  await fs.mkdir(root.path(src), { recursive: true });
  const pack = await run('sh', [
    '-c',
    'tar -C "$1" -cf - --exclude=node_modules --exclude=.git --exclude=.nx --exclude=.moxnas --exclude=./dist --exclude=./coverage --exclude=./artifacts --exclude=./.env . | tar -C "$2" -xf - --no-same-owner',
    'stage',
    REPO_ROOT,
    root.path(src),
  ]);
  if (pack.code !== 0) throw new Error(`copying the source failed: ${pack.stderr}`);
  return src;
}

/**
 * A Node.js for MOXNAS_NODE, for releases whose nodejs package is too old: this host's node and
 * npm (they run on Debian 12), in /opt/node as the official tarball would be. Returns the node path.
 */
export async function stageHostNode(root: DebianRoot): Promise<string> {
  const nodeReal = await fs.realpath(process.execPath);
  await fs.mkdir(root.path('/opt/node/bin'), { recursive: true });
  await fs.copyFile(nodeReal, root.path('/opt/node/bin/node'));
  await fs.chmod(root.path('/opt/node/bin/node'), 0o755);
  const npmCli = await findNpmCli(nodeReal);
  const npmDir = path.resolve(path.dirname(npmCli), '..');
  await fs.mkdir(root.path('/opt/node/lib/node_modules'), { recursive: true });
  await fs.cp(npmDir, root.path('/opt/node/lib/node_modules/npm'), { recursive: true, verbatimSymlinks: true });
  await fs.symlink('../lib/node_modules/npm/bin/npm-cli.js', root.path('/opt/node/bin/npm'));
  return '/opt/node/bin/node';
}

async function findNpmCli(nodeReal: string): Promise<string> {
  const candidates = [
    path.resolve(path.dirname(nodeReal), '../lib/node_modules/npm/bin/npm-cli.js'),
    '/usr/lib/node_modules/npm/bin/npm-cli.js',
    '/usr/share/nodejs/npm/bin/npm-cli.js',
  ];
  for (const c of candidates) {
    try {
      await fs.access(c);
      return c;
    } catch {
      /* next */
    }
  }
  throw new Error(`npm-cli.js not found near ${nodeReal}`);
}

export interface ReleaseArtifact {
  /** Absolute path on this host. */
  file: string;
  sha256: string;
  version: string;
}

let built: Promise<ReleaseArtifact> | undefined;

/**
 * The release artifact of the committed tree: `scripts/package.mjs` (npm run package: git archive
 * HEAD, npm ci from a cold cache, build, prune) once per test run, shared by the releases' suites.
 */
export function releaseArtifact(log: (line: string) => void): Promise<ReleaseArtifact> {
  built ??= (async () => {
    // For working on this suite: an artifact already built from this tree (its .sha256 beside it).
    const given = process.env['MOXNAS_TEST_ARTIFACT'];
    if (given) {
      const version = /^moxnas-(.+)-linux-x64\.tar\.gz$/.exec(path.basename(given))?.[1];
      if (!version) throw new Error(`MOXNAS_TEST_ARTIFACT=${given} is not a moxnas-<version>-linux-x64.tar.gz`);
      return { file: given, sha256: (await fs.readFile(`${given}.sha256`, 'utf8')).split(/\s+/)[0], version };
    }
    const t0 = Date.now();
    log('npm run package (the release artifact of HEAD, built once for every release tested)');
    const env = { ...process.env };
    delete env['NODE_ENV'];
    const r = await run(process.execPath, [path.join(REPO_ROOT, 'scripts/package.mjs')], { cwd: REPO_ROOT, env, timeoutMs: 20 * 60_000 });
    if (r.code !== 0) throw new Error(`npm run package failed (${r.code}):\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`);
    const { version } = JSON.parse(await fs.readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const file = path.join(REPO_ROOT, 'dist/release', `moxnas-${version}-linux-x64.tar.gz`);
    const sha256 = (await fs.readFile(`${file}.sha256`, 'utf8')).split(/\s+/)[0];
    log(`artifact ${path.basename(file)} (${((await fs.stat(file)).size / 1024 / 1024).toFixed(1)} MiB) in ${Math.round((Date.now() - t0) / 1000)} s`);
    return { file, sha256, version };
  })();
  return built;
}

/**
 * Copies the artifact (and its .sha256) to /root in the root, and makes the npm registry
 * unreachable there (its names resolve to nothing routable): an install from the artifact must not
 * need npm. apt's mirror stays reachable. Returns the artifact's path inside the root.
 */
export async function stageArtifact(root: DebianRoot, artifact: ReleaseArtifact): Promise<string> {
  const inRoot = `/root/${path.basename(artifact.file)}`;
  await fs.copyFile(artifact.file, root.path(inRoot));
  await fs.copyFile(`${artifact.file}.sha256`, root.path(`${inRoot}.sha256`));
  // A minbase root may have no /etc/hosts at all: localhost must keep resolving (PostgreSQL listens there).
  const hosts = await fs.readFile(root.path('/etc/hosts'), 'utf8').catch(() => '');
  if (!/^\s*127\.0\.0\.1\s+.*\blocalhost\b/m.test(hosts)) await fs.appendFile(root.path('/etc/hosts'), '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n');
  await fs.appendFile(root.path('/etc/hosts'), '\n# moxnas installer suite: no npm registry in here\n0.0.0.0 registry.npmjs.org registry.npmjs.com registry.yarnpkg.com\n:: registry.npmjs.org registry.npmjs.com registry.yarnpkg.com\n');
  return inRoot;
}

/**
 * Makes release `version` from the artifact at `artifact` inside the root, as npm run package
 * would have: unpacked, `mutate` run in its directory (a shell snippet, or ''), ARTIFACT and
 * MANIFEST.sha256 written anew, packed with its .sha256 beside it. Returns its path in the root.
 */
export async function repackArtifact(root: DebianRoot, artifact: string, version: string, mutate: string): Promise<string> {
  const out = `/root/moxnas-${version}-linux-x64.tar.gz`;
  const script = [
    'rm -rf /root/repack && mkdir /root/repack',
    `tar -xzf "${artifact}" -C /root/repack`,
    `mv /root/repack/moxnas-* /root/repack/moxnas-${version}`,
    `cd /root/repack/moxnas-${version}`,
    mutate || 'true',
    `printf 'version=%s\\ncommit=test\\n' "${version}" > ARTIFACT`,
    'rm -f MANIFEST.sha256',
    `find . -type f -printf '%P\\n' | LC_ALL=C sort | xargs -d '\\n' sha256sum > /root/repack/MANIFEST`,
    'mv /root/repack/MANIFEST MANIFEST.sha256',
    `cd /root/repack && tar -czf "${out}" "moxnas-${version}"`,
    `cd /root && sha256sum "moxnas-${version}-linux-x64.tar.gz" > "${out}.sha256"`,
    'rm -rf /root/repack',
  ].join('\n');
  const r = await root.exec(['sh', '-ec', script], { timeoutMs: 5 * 60_000 });
  if (r.code !== 0) throw new Error(`repacking ${artifact} as ${version} failed: ${r.stdout}${r.stderr}`);
  return out;
}
