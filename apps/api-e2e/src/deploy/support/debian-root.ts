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
