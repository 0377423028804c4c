import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../../api/src/app.module';
import { loadConfig, type AppConfig } from '../../../api/src/core/config/config';
import { DatabaseService } from '../../../api/src/core/database/database.service';
import { ApplyEngine } from '../../../api/src/modules/services/apply/apply-engine';
import { createTestDatabase, type TestDatabase } from '../../../api/test/support/test-db';
import { waitFor } from '../../../api/test/support/tcp-proxy';
import { ADMIN_PASSWORD } from '../../../api/test/users/users-kit';
import { count } from './support/counts';
import { freePort } from './support/scratch-services';
import { describeOnHost } from '../../../api/test/support/host-gate';

/**
 * kill -9 of the API in the middle of share applies and user applies, 20 times. After each restart,
 * from the first moment ready says 200, the files the daemons serve must equal a fresh render from
 * the database (byte for byte, no extra file in a directory a service owns), and every daemon
 * process must belong to the new run (no orphan of the killed one holds a port).
 *
 * Built by `npm run test:reliability` (scripts/bench/ensure-api-build.mjs) before jest starts.
 */
const apiMain = path.resolve(__dirname, '../../../../dist/api/apps/api/src/main.js');
const KILLS = 20;
/** How long each apply is held after its files are written (MOXNAS_TEST_APPLY_PAUSE_MS). */
const PAUSE_MS = 1500;
/** After ready, how long and how often the files are compared with the database. */
const WATCH_MS = 2000;
const SAMPLE_MS = 200;

type Files = Map<string, string>;

/** Every file under the etc root, by path. */
function readTree(dir: string, out: Files = new Map()): Files {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) readTree(file, out);
    else if (e.isFile()) out.set(file, fs.readFileSync(file, 'utf8'));
  }
  return out;
}

interface Render {
  files: Map<string, string>;
  /** Directories a service owns entirely: a file there that is not rendered should not exist. */
  dirs: string[];
}

/** Lines naming every file where disk and render differ (empty when they agree). */
function differences(disk: Files, rendered: Render): string[] {
  const out: string[] = [];
  for (const [file, content] of rendered.files) if (disk.get(file) !== content) out.push(`${file}: ${disk.has(file) ? 'differs' : 'missing'}`);
  for (const file of disk.keys()) {
    if (!rendered.files.has(file) && rendered.dirs.some((d) => path.dirname(file) === d)) out.push(`${file}: on disk, not in the database`);
  }
  return out;
}

function parentOf(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/** Live processes carrying the supervisor marker of this data dir's daemons. */
function markedProcesses(runDir: string): number[] {
  const found: number[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const env = fs.readFileSync(`/proc/${e}/environ`, 'utf8').split('\0');
      const state = fs.readFileSync(`/proc/${e}/stat`, 'utf8').split(') ')[1]?.[0];
      if (state !== 'Z' && env.some((v) => v.startsWith('MOXNAS_SUPERVISED=') && v.endsWith(`@${runDir}`))) found.push(Number(e));
    } catch {
      /* gone */
    }
  }
  return found;
}

/** Marked processes that do not descend from `apiPid`: orphans of a killed run. */
function orphans(runDir: string, apiPid: number): number[] {
  return markedProcesses(runDir).filter((pid) => {
    for (let p: number | null = pid, hops = 0; p !== null && p > 1 && hops < 64; p = parentOf(p), hops++) if (p === apiPid) return false;
    return true;
  });
}

describeOnHost('the built server killed (kill -9) and started again on one data dir', { root: true, binaries: ['/usr/sbin/smbd', '/usr/bin/testparm', '/usr/sbin/vsftpd'] }, () => {
  let root: string;
  let db: TestDatabase;
  let child: ChildProcess | undefined;
  let port: number;
  let base: string;
  let env: Record<string, string>;
  let config: AppConfig;

  const api = async <T>(method: string, url: string, token: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };

  const login = async (): Promise<string> => {
    const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
    return ((await res.json()) as { accessToken: string }).accessToken;
  };

  /** Starts the built server and resolves at the first 200 from ready. */
  const start = async (): Promise<ChildProcess> => {
    const proc = spawn(process.execPath, [apiMain], { env: { ...process.env, ...env }, stdio: 'ignore' });
    let exited = false;
    proc.once('exit', () => (exited = true));
    await waitFor(
      async () => (exited ? -1 : await fetch(`${base}/api/system/health/ready`).then((r) => r.status).catch(() => 0)),
      (s) => s === 200 || s === -1,
      120_000,
      25,
    );
    if (exited) throw new Error('the API exited during start-up');
    return proc;
  };

  const killHard = async (proc: ChildProcess): Promise<void> => {
    const gone = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await gone;
  };

  /**
   * A fresh render of every service from the committed database, through the app's own module
   * graph (a CLI-role context, kept for the whole run: its pool reconnects after each kill; with
   * the embedded database it talks to the running server's socket, as the CLI does).
   */
  let ctx: INestApplicationContext | undefined;
  const renderOnce = async (): Promise<Render> => {
    if (!ctx) {
      const cli: AppConfig =
        config.database.kind === 'embedded'
          ? { ...config, role: 'cli', database: { kind: 'postgres', url: `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(path.join(config.dataDir, 'run'))}`, poolSize: 2 } }
          : { ...config, role: 'cli' };
      ctx = await NestFactory.createApplicationContext(AppModule.forRoot(cli), { logger: false, abortOnError: false });
      await ctx.get(DatabaseService).whenReady();
    }
    const engine = ctx.get(ApplyEngine);
    const files = new Map<string, string>();
    const dirs: string[] = [];
    for (const service of engine.registered()) {
      const rendered = await engine.renderCurrent(service);
      for (const [file, content] of rendered.files) files.set(file, content);
      dirs.push(...rendered.ownedDirs);
    }
    return { files, dirs };
  };
  // A pooled connection to the killed server fails once; the pool then opens a new one.
  const renderFromDatabase = (): Promise<Render> => renderOnce().catch(() => renderOnce());

  beforeAll(async () => {
    if (!fs.existsSync(apiMain)) throw new Error(`${apiMain} is missing: run npm run test:reliability (it builds the API first)`);
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'moxnas-crash-'));
    db = await createTestDatabase(path.join(root, 'data'));
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      ...db.env,
      MOXNAS_ADMIN_PASSWORD: ADMIN_PASSWORD,
      MOXNAS_HOST_ACCOUNTS: 'off',
      NODE_ENV: 'test',
      PORT: String(port),
      HOST: '127.0.0.1',
      MOXNAS_DATA_DIR: path.join(root, 'data'),
      MOXNAS_ETC_ROOT: path.join(root, 'etc'),
      MOXNAS_WEB_ROOT: path.join(root, 'web'),
      MOXNAS_LOG_LEVEL: 'warn',
      MOXNAS_JWT_SECRET: 'reliability-crash-test-secret-0123456789abcdef',
      MOXNAS_TEST_APPLY_PAUSE_MS: String(PAUSE_MS),
      REDIS_URL: '',
    };
    config = loadConfig(env, root);
  }, 300_000);

  afterAll(async () => {
    await ctx?.close();
    if (child && child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    }
    // Daemons this test's servers started and that outlived them (only when an assertion failed).
    for (const pid of markedProcesses(path.join(config.dataDir, 'run/daemons'))) process.kill(pid, 'SIGKILL');
    await db?.drop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('after every restart, from the first ready 200, the served files equal the database and no orphan daemon runs', async () => {
    const runDir = path.join(config.dataDir, 'run/daemons');
    child = await start();
    let token = await login();
    // A pool, an FTP share for a group (user changes re-render vsftpd's per-user files), and the
    // SMB and FTP daemons running on free loopback ports.
    const poolDir = fs.mkdtempSync(path.join(os.tmpdir(), 'moxnas-crash-pool-'));
    const pool = await api<{ path: string }>('POST', '/api/storage/pools', token, { name: 'crashpool', path: poolDir });
    expect(pool.status).toBe(201);
    const group = await api<{ id: string; name: string }>('POST', '/api/groups', token, { name: 'crashers' });
    expect(group.status).toBe(201);
    expect((await api('POST', '/api/shares/ftp', token, { name: 'crash', path: pool.body.path, allowedGroups: ['crashers'], writeEnable: true })).status).toBe(201);
    expect((await api('PUT', '/api/services/smb/settings', token, { port: await freePort() })).status).toBe(200);
    expect((await api('PUT', '/api/services/ftp/settings', token, { port: await freePort(), listenAddress: '127.0.0.1' })).status).toBe(200);
    for (const id of ['smb', 'ftp']) expect((await api<{ state: string }>('POST', `/api/services/${id}/enable`, token)).status).toBe(200);

    let mismatchSamples = 0;
    const killsWhileHeld = { share: 0, user: 0 };
    const report: string[] = [];
    for (let i = 0; i < KILLS; i++) {
      const kind = i % 2 === 0 ? 'share' : 'user';
      const etc = config.etcRoot;
      const original = readTree(etc);
      const request =
        kind === 'share'
          ? api('POST', '/api/shares/smb', token, { name: `crash${i}`, path: pool.body.path })
          : api('POST', '/api/users', token, { username: `crash${i}`, password: 'Crash-user-passphrase-1', role: 'none', groupIds: [group.body.id] });
      let outcome = 'no answer yet';
      void request.then((r) => (outcome = `answered ${r.status}`)).catch((e: Error) => (outcome = `failed: ${e.message}`));
      // Kill while the apply holds its written files (before reload and commit), seen within 20 ms
      // of the write, well inside the hold. A share create always writes smb.conf, however long a
      // loaded machine takes to get there, so it is waited for; a user change that writes nothing is
      // killed once it has had time to.
      const changed = (t: Files) => t.size !== original.size || [...t].some(([f, c]) => original.get(f) !== c);
      const held = await waitFor(async () => changed(readTree(etc)), (c) => c, kind === 'share' ? 30_000 : PAUSE_MS + 1500, 20).catch(() => false);
      if (held) killsWhileHeld[kind]++;
      else if (kind === 'share') report.push(`kill ${i} (share): smb.conf never changed within 30 s; the create ${outcome}`);
      await killHard(child);
      count('faults', 1);

      child = await start();
      const samples: Files[] = [readTree(etc)];
      const deadline = Date.now() + WATCH_MS;
      while (Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, SAMPLE_MS));
        samples.push(readTree(etc));
      }
      const stray = orphans(runDir, child.pid!);
      const rendered = await renderFromDatabase();
      for (const [n, sample] of samples.entries()) {
        const diff = differences(sample, rendered);
        if (diff.length) {
          mismatchSamples++;
          report.push(`kill ${i} (${kind}), sample ${n}: ${diff.join('; ')}`);
        }
      }
      if (stray.length) report.push(`kill ${i} (${kind}): orphan daemon pids ${stray.join(', ')}`);
      expect(stray).toEqual([]);
      token = await login();
      for (const id of ['smb', 'ftp']) {
        const status = await api<{ state: string; pid: number | null }>('GET', `/api/services/${id}`, token);
        expect({ id, state: status.body.state }).toEqual({ id, state: 'running' });
        expect(parentOf(status.body.pid!)).toBe(child.pid);
      }
    }
    const mismatchSeconds = (mismatchSamples * SAMPLE_MS) / 1000;
    expect({ mismatchSeconds, report }).toEqual({ mismatchSeconds: 0, report: [] });
    // Every share create was killed with its smb.conf written and not committed: the case that
    // left smbd serving a share the database does not hold. (User changes write files only when
    // a service renders from them; those kills are counted, not required.)
    expect(killsWhileHeld.share).toBe(KILLS / 2);
    process.stdout.write(`crash-restart: ${KILLS} kills, ${killsWhileHeld.share} during a held share apply, ${killsWhileHeld.user} during a held user apply; ${mismatchSeconds} s of mismatch after ready\n`);
    fs.rmSync(poolDir, { recursive: true, force: true });
  }, 900_000);

  it('refuses a second server on the same data dir with one line, and the first keeps serving', async () => {
    const socket = path.join(config.dataDir, 'run', '.s.PGSQL.5432');
    const inode = config.database.kind === 'embedded' ? fs.statSync(socket).ino : null;
    const second = spawn(process.execPath, [apiMain], { env: { ...process.env, ...env, PORT: String(await freePort()) }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    second.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => second.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr.trimEnd().split('\n')).toEqual([`MoxNAS is already running on the data dir ${config.dataDir} (pid ${child!.pid}, lock ${path.join(config.dataDir, 'moxnas.lock')}); stop it first or start this one with another MOXNAS_DATA_DIR.`]);
    if (inode !== null) expect(fs.statSync(socket).ino).toBe(inode);
    const token = await login();
    expect((await api('GET', '/api/users', token)).status).toBe(200);
    expect((await fetch(`${base}/api/system/health/ready`)).status).toBe(200);
  }, 60_000);
});
