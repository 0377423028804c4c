/**
 * scripts/install.sh in real Debian roots, one per release in MOXNAS_INSTALLER_SUITES (default
 * "bookworm trixie": Debian 12 and 13), installing the release artifact of the committed tree
 * (npm run package, built once) with the npm registry unreachable inside the root: apt packages,
 * PostgreSQL and Redis set up with random secrets, the release copied (nothing built), migrated,
 * served, re-run as a no-op, upgraded to a new release keeping users, shares and passwords, a
 * broken release rolled back, uninstalled. Debian 12's nodejs is too old, so that root gets this
 * host's Node.js as MOXNAS_NODE; Debian 13's root gets none and the installer must install the
 * distribution's nodejs (no npm: an artifact needs none).
 *
 * Slow (npm run package once, then a few minutes per release on 2 cores), so it runs only with
 * MOXNAS_DEPLOY_TESTS=1 or MOXNAS_REQUIRE_HOST_TESTS=1, as root with debootstrap installed, and
 * needs the Debian mirror (and the npm registry on this host, for the package build). The releases
 * run one after the other; within one, the steps share one root and run in order, each asserting
 * what the previous ones left.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';
import Redis from 'ioredis';
import { DebianRoot, KNOWN_SUITES, cachedRootTarball, installerSuites, releaseArtifact, repackArtifact, stageArtifact, stageHostNode, stageSource, type DebianSuite } from './support/debian-root';
import { REQUIRE_HOST_TESTS, background, describeWhen, exists, freePort, which, waitFor, type Background } from './support/deploy-env';

// .ci/run sets MOXNAS_DEPLOY_TESTS=0 for `npm test` and runs this file in a stage of its own, with
// its own time budget; off then means off, even with MOXNAS_REQUIRE_HOST_TESTS=1.
const explicitlyOff = process.env['MOXNAS_DEPLOY_TESTS'] === '0';
const enabled = process.env['MOXNAS_DEPLOY_TESTS'] === '1' || (REQUIRE_HOST_TESTS && !explicitlyOff);
const missing = [
  ...(enabled ? [] : ['set MOXNAS_DEPLOY_TESTS=1 to run this ~5 minutes per release test']),
  ...(process.getuid?.() === 0 ? [] : ['root']),
  ...['debootstrap', 'chroot', 'mount', 'umount', 'tar'].filter((b) => !which(b)).map((b) => `${b} binary`),
];

/** Each release's block must finish within this, whatever the machine. */
const BUDGET_MS = 20 * 60_000;

/** Where the host's NODE_EXTRA_CA_CERTS bundle is copied in the root, when the host has one. */
const EXTRA_CA = '/etc/moxnas-test/extra-ca.pem';

const { suites, unknown } = installerSuites();

interface EnvFile {
  [key: string]: string;
}
function parseEnv(text: string): EnvFile {
  const out: EnvFile = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

if (unknown.length) {
  describe('MOXNAS_INSTALLER_SUITES', () => {
    it('names only releases this test knows', () => {
      throw new Error(`unknown suite(s) ${unknown.join(', ')} in MOXNAS_INSTALLER_SUITES (known: ${Object.keys(KNOWN_SUITES).join(', ')})`);
    });
  });
}
for (const suite of suites) {
  const title = `install.sh in a Debian ${suite.release} (${suite.name}) chroot`;
  if (explicitlyOff) describe.skip(`${title} (MOXNAS_DEPLOY_TESTS=0: CI runs it in its own stage)`, () => installerSuite(suite));
  else describeWhen(title, missing, () => installerSuite(suite));
}

function installerSuite(suite: DebianSuite): void {
  const log = (line: string) => process.stdout.write(`[installer e2e ${suite.name}] ${line}\n`);
  let started = Date.now();
  const remaining = (cap: number) => Math.max(10_000, Math.min(cap, BUDGET_MS - (Date.now() - started)));
  let root: DebianRoot;
  let node: string;
  let src: string;
  let pgPort: number;
  let redisPort: number;
  let appPort: number;
  let firstRun = '';
  let envAfterFirst = '';
  let migrated = 0;
  let artifact = '';

  const installerEnv = () => ({
    ...(suite.hostNode ? { MOXNAS_NODE: node } : {}),
    MOXNAS_PG_PORT: String(pgPort),
    MOXNAS_REDIS_PORT: String(redisPort),
    MOXNAS_APP_PORT: String(appPort),
    // A TLS-inspecting proxy's CA carries over (apt and curl in the root).
    ...(process.env['NODE_EXTRA_CA_CERTS'] ? { NODE_EXTRA_CA_CERTS: EXTRA_CA } : {}),
  });

  async function install(args: string[] = ['--artifact', artifact]): Promise<string> {
    const r = await root.exec(['bash', `${src}/scripts/install.sh`, ...args], { env: installerEnv(), timeoutMs: remaining(14 * 60_000) });
    const output = `${r.stdout}\n${r.stderr}`;
    if (r.code !== 0) {
      const logTail = await fs.readFile(root.path('/var/log/moxnas-install.log'), 'utf8').catch(() => '');
      throw new Error(`install.sh ${args.join(' ')} exited ${r.code}:\n${output}\n--- log tail ---\n${logTail.slice(-6000)}`);
    }
    return output;
  }

  async function pgVersion(): Promise<string> {
    const r = await root.exec(['pg_lsclusters', '--no-header']);
    const version = r.stdout.trim().split(/\s+/)[0];
    if (!version) throw new Error(`no PostgreSQL cluster: ${r.stdout}${r.stderr}`);
    return version;
  }

  async function startPostgres(): Promise<void> {
    const status = await root.exec(['pg_lsclusters', '--no-header']);
    if (/\bonline\b/.test(status.stdout)) return;
    const r = await root.exec(['pg_ctlcluster', await pgVersion(), 'main', 'start'], { timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`pg_ctlcluster start: ${r.stdout}${r.stderr}`);
  }

  async function stopPostgres(): Promise<void> {
    await root.exec(['pg_ctlcluster', await pgVersion(), 'main', 'stop'], { timeoutMs: 60_000 });
  }

  async function readEnv(): Promise<EnvFile> {
    return parseEnv(await fs.readFile(root.path('/etc/moxnas/moxnas.env'), 'utf8'));
  }

  async function psql(sql: string): Promise<string> {
    const r = await root.exec(['runuser', '-u', 'postgres', '--', 'psql', '-X', '-At', '-p', String(pgPort), '-h', '/var/run/postgresql', '-d', 'moxnas', '-c', sql]);
    if (r.code !== 0) throw new Error(`psql: ${r.stderr}`);
    return r.stdout.trim();
  }

  beforeAll(async () => {
    started = Date.now();
    [pgPort, redisPort, appPort] = await Promise.all([freePort(), freePort(), freePort()]);
    const tarball = await cachedRootTarball(suite.name, log);
    root = await DebianRoot.create(tarball);
    log(`root ${root.dir}; PostgreSQL :${pgPort}, Redis :${redisPort}, app :${appPort}`);
    src = await stageSource(root);
    artifact = await stageArtifact(root, await releaseArtifact(log));
    if (suite.hostNode) node = await stageHostNode(root);
    const hostCa = process.env['NODE_EXTRA_CA_CERTS'];
    if (hostCa) {
      await fs.mkdir(path.dirname(root.path(EXTRA_CA)), { recursive: true });
      await fs.copyFile(hostCa, root.path(EXTRA_CA));
    }
    const t0 = Date.now();
    firstRun = await install();
    log(`first install took ${Math.round((Date.now() - t0) / 1000)} s`);
    envAfterFirst = await fs.readFile(root.path('/etc/moxnas/moxnas.env'), 'utf8');
    // The node the installer chose (MOXNAS_NODE, or the distribution's), as the unit and CLI use it.
    const chosen = /^node=(.*)$/m.exec(await fs.readFile(root.path('/etc/moxnas/install.state'), 'utf8'))?.[1];
    if (!chosen) throw new Error('install.state records no node');
    if (!suite.hostNode) node = chosen;
    expect(chosen).toBe(node);
  }, 36 * 60_000);

  afterAll(async () => {
    await root?.dispose({ keep: process.env['MOXNAS_DEPLOY_KEEP'] === '1' });
    log(`${suite.name} took ${Math.round((Date.now() - started) / 1000)} s in all`);
  }, 5 * 60_000);

  it('installs the packages, the app, its unit and its CLI', async () => {
    const pkgs = ['postgresql', 'redis-server', 'samba', 'samba-common-bin', 'vsftpd', 'nginx', 'openssl', 'acl', 'rsync'];
    const r = await root.exec(['dpkg-query', '-W', '-f=${Package} ${db:Status-Status}\\n', ...pkgs]);
    expect(r.stdout.trim().split('\n').sort()).toEqual(pkgs.map((p) => `${p} installed`).sort());
    // The release's own PostgreSQL major (15 on Debian 12, 17 on Debian 13), found, not assumed.
    expect(await pgVersion()).toBe(suite.postgres);
    expect(firstRun).toContain(`(PostgreSQL ${suite.postgres})`);
    const osRelease = parseEnv(await fs.readFile(root.path('/etc/os-release'), 'utf8'));
    expect(osRelease['VERSION_ID']).toBe(`"${suite.release}"`);
    expect(firstRun).toContain(`OS: debian ${suite.release}`);
    if (suite.hostNode) {
      expect(node).toBe('/opt/node/bin/node');
    } else {
      // No MOXNAS_NODE: the distribution's nodejs, installed by the installer, and no npm.
      expect(firstRun).toContain("Installing the distribution's nodejs");
      expect(node).toBe('/usr/bin/node');
      const nodePkg = await root.exec(['dpkg-query', '-W', '-f=${Package} ${db:Status-Status}\\n', 'nodejs']);
      expect(nodePkg.stdout.trim()).toBe('nodejs installed');
      expect(await exists(root.path('/usr/bin/npm'))).toBe(false);
      expect(firstRun).toMatch(/Node\.js 2\d\.\d+\.\d+ at \/usr\/bin\/node \(a prebuilt artifact needs no npm\)/);
    }
    // The release was copied, not built, and the registry was out of reach all along.
    expect(firstRun).toContain('Copying the prebuilt release (no npm, no build)');
    const registry = await root.exec([node, '-e', "fetch('https://registry.npmjs.org/').then(() => process.exit(0), () => process.exit(7))"], { timeoutMs: 60_000 });
    expect(registry.code).toBe(7);
    // This kernel has no nfsd (and a chroot is not a container that could get it): NFS is skipped, and said so.
    const hasNfsd = (await fs.readFile('/proc/filesystems', 'utf8')).split('\n').some((l) => l.trim().endsWith('nfsd'));
    if (!hasNfsd) expect(firstRun).toContain('skipping nfs-kernel-server');

    for (const f of ['dist/api/apps/api/src/main.js', 'dist/cli/apps/cli/src/main.js', 'dist/web/index.html', 'templates/nginx/moxnas.conf.njk']) {
      expect(await exists(root.path(`/opt/moxnas/${f}`))).toBe(true);
    }
    // The artifact holds production dependencies only.
    expect(await exists(root.path('/opt/moxnas/node_modules/typescript'))).toBe(false);
    const unit = await fs.readFile(root.path('/etc/systemd/system/moxnas.service'), 'utf8');
    expect(unit).toContain(`ExecStart=${node} --max-semi-space-size=4 /opt/moxnas/dist/api/apps/api/src/main.js`);
    expect(unit).toContain('EnvironmentFile=/etc/moxnas/moxnas.env');
    expect(unit).not.toMatch(/\{\{|\}\}/);
    const wrapper = await fs.stat(root.path('/usr/local/bin/moxnas'));
    expect(wrapper.mode & 0o777).toBe(0o755);
    // Not PID 1 here: the installer says how the app will be started instead of starting it.
    expect(firstRun).toContain('systemd is not PID 1');
    expect(firstRun).toContain('/var/lib/moxnas/initial-admin-password');
  });

  it('writes a root-only env file with random secrets', async () => {
    const st = await fs.stat(root.path('/etc/moxnas/moxnas.env'));
    expect(st.mode & 0o777).toBe(0o600);
    expect(st.uid).toBe(0);
    const env = await readEnv();
    const db = new URL(env['DATABASE_URL']);
    expect(db.hostname).toBe('127.0.0.1');
    expect(db.port).toBe(String(pgPort));
    expect(db.username).toBe('moxnas');
    expect(db.password).toMatch(/^[0-9a-f]{48}$/);
    const redis = new URL(env['REDIS_URL']);
    expect(redis.port).toBe(String(redisPort));
    expect(redis.password).toMatch(/^[0-9a-f]{48}$/);
    expect(redis.password).not.toBe(db.password);
    expect(env['MOXNAS_JWT_SECRET']).toMatch(/^[0-9a-f]{96}$/);
    expect(env).toMatchObject({ MOXNAS_DATA_DIR: '/var/lib/moxnas', MOXNAS_ETC_ROOT: '/', HOST: '127.0.0.1', PORT: String(appPort) });
    const redisConf = await fs.readFile(root.path('/etc/redis/moxnas.conf'), 'utf8');
    expect(redisConf).toContain(`requirepass ${redis.password}`);
    expect(redisConf).toMatch(/^bind 127\.0\.0\.1$/m);
    expect((await fs.stat(root.path('/etc/redis/moxnas.conf'))).mode & 0o777).toBe(0o640);
    expect((await fs.stat(root.path('/etc/moxnas/tls/moxnas.key'))).mode & 0o777).toBe(0o600);
  });

  it('migrated the database, reachable with the generated password', async () => {
    await startPostgres();
    migrated = Number(await psql('SELECT count(*) FROM moxnas_migrations'));
    expect(migrated).toBeGreaterThan(0);
    expect(await psql("SELECT name FROM moxnas_migrations WHERE name = 'Init1763773200000'")).toBe('Init1763773200000');
    // The role's password is the one in the env file, over TCP as the app connects.
    const client = new Client({ connectionString: (await readEnv())['DATABASE_URL'] });
    await client.connect();
    try {
      const r = await client.query<{ user: string }>('SELECT current_user AS user');
      expect(r.rows[0].user).toBe('moxnas');
    } finally {
      await client.end();
    }
    // The installed CLI, through its wrapper, agrees that nothing is pending: every migration of
    // this build is in the table.
    const check = await root.exec(['/usr/local/bin/moxnas', 'migrate', '--check']);
    expect(check.stdout).toContain('No pending migrations');
    expect(check.code).toBe(0);
  }, 120_000);

  /**
   * Starts Redis and the app inside the root as the unit would (node with the env file; no
   * systemd, so the app supervises the daemons itself), waits for ready, runs `body` with the
   * app's base URL, then stops the app, Redis and PostgreSQL again.
   */
  async function withApp<T>(body: (base: string, app: Background) => Promise<T>): Promise<T> {
    let app: Background | undefined;
    const env = await readEnv();
    await startPostgres();
    try {
      // Redis as the Debian package would run it, with the installer's settings.
      const redis = await root.exec(['sh', '-c', 'install -d -o redis -g redis /run/redis && runuser -u redis -- redis-server /etc/redis/redis.conf --daemonize yes']);
      expect(redis.code).toBe(0);
      // From the host, with the URL's password: Redis listens where the env file says.
      const client = new Redis(env['REDIS_URL'], { maxRetriesPerRequest: 1, retryStrategy: () => 200 });
      try {
        await waitFor('Redis answers PONG', 20_000, async () => ((await client.ping()) === 'PONG' ? true : undefined));
      } finally {
        client.disconnect();
      }
      app = background('chroot', root.chrootArgs([node, '--env-file=/etc/moxnas/moxnas.env', '/opt/moxnas/dist/api/apps/api/src/main.js']), {
        PATH: process.env['PATH'],
      });
      const base = `http://127.0.0.1:${appPort}`;
      await waitFor(`the app answers 200 on ${base}/api/system/health/ready`, 90_000, async () => ((await fetch(`${base}/api/system/health/ready`).catch(() => undefined))?.status === 200 ? true : undefined)).catch((err: Error) => {
        throw new Error(`${err.message}\n--- app output ---\n${app?.output().slice(-5000)}`);
      });
      return await body(base, app);
    } finally {
      await app?.stop();
      await root.exec(['sh', '-c', 'REDISCLI_AUTH="$1" redis-cli -p "$2" shutdown nosave', 'sh', new URL(env['REDIS_URL']).password, String(redisPort)]);
      await stopPostgres();
    }
  }

  async function api<T>(base: string, method: string, url: string, body?: unknown, token?: string): Promise<{ status: number; body: T }> {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  it('starts the app with the process driver and answers ready', async () => {
    await withApp(async (base) => {
      const ready = await api<{ status: string; checks: Record<string, { status: string }> }>(base, 'GET', '/api/system/health/ready');
      expect(ready.body.status).toBe('ok');
      // Ready waits for the start-up reconcile, not for the optional Redis (docs/deployment.md, probes).
      expect(Object.keys(ready.body.checks).sort()).toEqual(['database', 'migrations', 'reconcile']);
      expect((await fetch(`${base}/api/system/health/live`)).status).toBe(200);
      // First start: the app leaves the admin's one-time password where the installer said it would.
      const passwordFile = root.path('/var/lib/moxnas/initial-admin-password');
      const st = await waitFor('the app writes initial-admin-password', 30_000, async () => ((await exists(passwordFile)) ? fs.stat(passwordFile) : undefined));
      expect(st.mode & 0o777).toBe(0o600);
      expect((await fs.readFile(passwordFile, 'utf8')).trim().length).toBeGreaterThanOrEqual(12);
      // The appliance at rest fits the 512 MiB container moxnas-ct.sh makes: every process in the
      // root (API, PostgreSQL, Redis and the daemons the API started), PSS summed, after it settled.
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      const memory = await root.memory();
      const top = Object.entries(memory.byCommand).sort((a, b) => b[1] - a[1]).map(([c, k]) => `${c} ${(k / 1024).toFixed(1)}`);
      log(`idle memory: ${(memory.totalKiB / 1024).toFixed(1)} MiB PSS in all (MiB: ${top.join(', ')})`);
      expect(memory.byCommand).toHaveProperty('postgres');
      expect(memory.totalKiB / 1024).toBeLessThan(512);
    });
  }, 180_000);

  it('writes an nginx site that nginx -t accepts, with TLS, redirect and WebSocket upgrade', async () => {
    const r = await root.exec(['nginx', '-t']);
    expect(`${r.stdout}${r.stderr}`).toContain('test is successful');
    expect(r.code).toBe(0);
    const site = await fs.readFile(root.path('/etc/nginx/sites-available/moxnas'), 'utf8');
    expect(site).toContain(`server 127.0.0.1:${appPort};`);
    expect(site).toContain('return 301 https://$host$request_uri;');
    expect(site).toMatch(/location = \/api\/events \{/);
    expect(site).toContain('proxy_set_header Upgrade           $http_upgrade;');
    expect(site).toContain('client_max_body_size 64m;');
    expect(await exists(root.path('/etc/nginx/sites-enabled/default'))).toBe(false);
    const san = await root.exec(['openssl', 'x509', '-in', '/etc/moxnas/tls/moxnas.crt', '-noout', '-ext', 'subjectAltName']);
    expect(san.stdout).toContain('IP Address:127.0.0.1');
    expect(san.stdout).toMatch(/DNS:/);
  });

  it('re-runs as an in-place upgrade that keeps every secret', async () => {
    const certBefore = await fs.readFile(root.path('/etc/moxnas/tls/moxnas.crt'), 'utf8');
    const output = await install();
    expect(output).toContain('upgrading in place');
    expect(output).toContain('nothing to rebuild');
    expect(await fs.readFile(root.path('/etc/moxnas/moxnas.env'), 'utf8')).toBe(envAfterFirst);
    expect(await fs.readFile(root.path('/etc/moxnas/tls/moxnas.crt'), 'utf8')).toBe(certBefore);
    // The role still has the password from the env file.
    await startPostgres();
    try {
      const client = new Client({ connectionString: parseEnv(envAfterFirst)['DATABASE_URL'] });
      await client.connect();
      await client.end();
    } finally {
      await stopPostgres();
    }
  }, 10 * 60_000);

  const ADMIN_PASSWORD = 'Kept-across-upgrades-7';
  const ALICE_PASSWORD = 'Quiet-river-passphrase-7';
  const listOf = <T,>(body: T[] | { items: T[] }): T[] => (Array.isArray(body) ? body : body.items);

  it('upgrades to a new release with --upgrade, keeping users, shares and passwords', async () => {
    const initial = (await fs.readFile(root.path('/var/lib/moxnas/initial-admin-password'), 'utf8')).trim();
    // A pool is a mounted file system: inside a chroot only mounts made below it are visible, so
    // the pool is a bind mount of a host directory (unmounted with the root).
    await root.bind(await fs.mkdtemp(path.join(root.path('/var/tmp'), 'pool-')), '/srv/tank');
    await fs.mkdir(root.path('/srv/tank/media'), { recursive: true });
    await withApp(async (base) => {
      const first = await api<{ accessToken: string; user: { mustChangePassword: boolean } }>(base, 'POST', '/api/auth/login', { username: 'admin', password: initial });
      expect(first).toMatchObject({ status: 200, body: { user: { mustChangePassword: true } } });
      const changed = await api<{ accessToken: string }>(base, 'POST', '/api/auth/password', { currentPassword: initial, newPassword: ADMIN_PASSWORD }, first.body.accessToken);
      expect(changed).toMatchObject({ status: 200 });
      const token = changed.body.accessToken;
      // Whole answers, so that a refusal shows its field errors.
      const created = async (url: string, body: unknown) => {
        const res = await api(base, 'POST', url, body, token);
        return `${res.status} ${JSON.stringify(res.body).slice(0, 500)}`;
      };
      expect(await created('/api/users', { username: 'alice', password: ALICE_PASSWORD, role: 'viewer' })).toMatch(/^201 /);
      expect(await created('/api/storage/pools', { name: 'tank', path: '/srv/tank' })).toMatch(/^201 /);
      expect(await created('/api/shares/smb', { name: 'media', path: '/srv/tank/media', validUsers: ['alice'] })).toMatch(/^201 /);
    });
    const next = await repackArtifact(root, artifact, '9.0.0', '');
    const output = await install(['--upgrade', '--artifact', next]);
    expect(output).toContain('upgrading in place');
    expect(output).toContain('Backing up the database to /var/lib/moxnas/upgrade-backups/');
    expect(await fs.readFile(root.path('/opt/moxnas/RELEASE'), 'utf8')).toMatch(/^version=9\.0\.0$/m);
    expect(await fs.readFile(root.path('/etc/moxnas/moxnas.env'), 'utf8')).toBe(envAfterFirst);
    await withApp(async (base) => {
      // The admin's changed password, alice, her share and her Samba password all came through.
      const login = await api<{ accessToken: string; user: { mustChangePassword: boolean } }>(base, 'POST', '/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
      expect(login.status).toBe(200);
      expect(login.body.user.mustChangePassword).toBe(false);
      const users = await api<{ username: string }[] | { items: { username: string }[] }>(base, 'GET', '/api/users', undefined, login.body.accessToken);
      expect(listOf(users.body).map((u) => u.username)).toContain('alice');
      const shares = await api<{ name: string; validUsers: string[] }[] | { items: { name: string; validUsers: string[] }[] }>(base, 'GET', '/api/shares/smb', undefined, login.body.accessToken);
      expect(listOf(shares.body).find((s) => s.name === 'media')).toMatchObject({ validUsers: ['alice'] });
      expect((await api(base, 'POST', '/api/auth/login', { username: 'alice', password: ALICE_PASSWORD })).status).toBe(200);
    });
    expect(await fs.readFile(root.path('/etc/samba/smb.conf'), 'utf8')).toContain('[media]');
    const passdb = await root.exec(['pdbedit', '-L']);
    expect(passdb.stdout).toMatch(/^alice:/m);
  }, 12 * 60_000);

  it('rolls a failed upgrade back: the old release and its database serve again', async () => {
    // A deliberately broken release 9.9.9: its CLI changes the database, then fails `moxnas migrate`.
    // The rollback must undo both.
    const broken = [
      "const { Client } = require('pg');",
      '(async () => {',
      '  const c = new Client({ connectionString: process.env.DATABASE_URL });',
      '  await c.connect();',
      "  await c.query('CREATE TABLE upgrade_broke_this (x int)');",
      '  await c.end();',
      "  console.error('deliberately broken release: migrate fails');",
      '  process.exit(3);',
      '})();',
    ].join('\n');
    await fs.writeFile(root.path('/root/broken-main.js'), broken);
    const brokenArtifact = await repackArtifact(root, artifact, '9.9.9', 'cp /root/broken-main.js dist/cli/apps/cli/src/main.js');
    const releaseBefore = await fs.readFile(root.path('/opt/moxnas/RELEASE'), 'utf8');
    const stateBefore = await fs.readFile(root.path('/etc/moxnas/install.state'), 'utf8');

    const r = await root.exec(['bash', `${src}/scripts/install.sh`, '--upgrade', '--artifact', brokenArtifact], { env: installerEnv(), timeoutMs: remaining(10 * 60_000) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('moxnas migrate failed');
    expect(r.stderr).toContain('ROLLED BACK: 9.0.0 serves again with its database as it was before the upgrade; the failed release 9.9.9 is kept in /opt/moxnas.failed.');
    expect(await fs.readFile(root.path('/opt/moxnas/RELEASE'), 'utf8')).toBe(releaseBefore);
    expect(await fs.readFile(root.path('/opt/moxnas.failed/ARTIFACT'), 'utf8')).toContain('version=9.9.9');
    // The same keys and values (rewriting the state file may reorder its lines).
    const lines = (text: string) => text.split('\n').filter(Boolean).sort();
    expect(lines(await fs.readFile(root.path('/etc/moxnas/install.state'), 'utf8'))).toEqual(lines(stateBefore));
    // One dump per upgrade: before 9.0.0, and before 9.9.9 (the one restored).
    const backups = (await fs.readdir(root.path('/var/lib/moxnas/upgrade-backups'))).sort();
    expect(backups).toEqual([expect.stringMatching(/^\d{8}T\d{6}Z-0\.\d+\.\d+\.dump$/), expect.stringMatching(/^\d{8}T\d{6}Z-9\.0\.0\.dump$/)]);
    await startPostgres();
    try {
      // The broken release's change is gone: the database is the backup taken before the swap.
      expect(await psql("SELECT count(*) FROM pg_tables WHERE tablename = 'upgrade_broke_this'")).toBe('0');
      expect(Number(await psql('SELECT count(*) FROM moxnas_migrations'))).toBe(migrated);
      expect(await psql("SELECT count(*) FROM users WHERE username = 'admin'")).toBe('1');
    } finally {
      await stopPostgres();
    }
    // The old release serves again, its admin password unchanged.
    await withApp(async (base) => {
      expect((await api(base, 'POST', '/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD })).status).toBe(200);
    });
  }, 12 * 60_000);

  it('--uninstall removes the app but keeps data, secrets and the database', async () => {
    await install(['--uninstall']);
    for (const gone of ['/opt/moxnas', '/etc/systemd/system/moxnas.service', '/usr/local/bin/moxnas', '/etc/nginx/sites-enabled/moxnas', '/etc/nginx/sites-available/moxnas']) {
      expect(await exists(root.path(gone))).toBe(false);
    }
    expect(await fs.readFile(root.path('/etc/moxnas/moxnas.env'), 'utf8')).toBe(envAfterFirst);
    expect(await exists(root.path('/var/lib/moxnas'))).toBe(true);
    expect(await exists(root.path('/etc/nginx/sites-enabled/default'))).toBe(true);
    await startPostgres();
    try {
      expect(await psql("SELECT count(*) FROM pg_database WHERE datname = 'moxnas'")).toBe('1');
      expect(Number(await psql('SELECT count(*) FROM moxnas_migrations'))).toBe(migrated);
    } finally {
      await stopPostgres();
    }
  }, 5 * 60_000);

  // Ubuntu cannot be debootstrapped here (only Debian's mirror is reachable), so its branch of the
  // installer is checked from this root: the OS check by /etc/os-release, and the package preflight
  // that names the universe component (where Ubuntu keeps redis-server) when apt has no candidate.
  it('accepts Ubuntu 22.04/24.04 by os-release, refuses other releases, and says when universe is missing', async () => {
    const osRelease = root.path('/etc/os-release');
    const link = await fs.readlink(osRelease).catch(() => undefined);
    const original = link === undefined ? await fs.readFile(osRelease, 'utf8') : undefined;
    const pin = root.path('/etc/apt/preferences.d/moxnas-test-no-redis');
    const fakeOs = async (id: string, version: string, codename: string) => {
      // Replace the file (never write through Debian's symlink to usr/lib/os-release).
      await fs.rm(osRelease, { force: true });
      await fs.writeFile(osRelease, `NAME="Fake"\nID=${id}\nVERSION_ID="${version}"\nVERSION_CODENAME=${codename}\n`);
    };
    const run = async () => {
      const r = await root.exec(['bash', `${src}/scripts/install.sh`], { env: installerEnv(), timeoutMs: remaining(3 * 60_000) });
      return { code: r.code, output: `${r.stdout}\n${r.stderr}` };
    };
    try {
      await fakeOs('ubuntu', '20.04', 'focal');
      const old = await run();
      expect(old.output).toContain('ubuntu 20.04 is not supported: use Debian 12/13 or Ubuntu 22.04/24.04');
      expect(old.code).toBe(1);

      // As on an Ubuntu whose sources lack universe: apt has no redis-server to install.
      await root.exec(['apt-get', 'purge', '-y', '-q', 'redis-server'], { env: { DEBIAN_FRONTEND: 'noninteractive' }, timeoutMs: 120_000 });
      await fs.writeFile(pin, 'Package: redis-server\nPin: version *\nPin-Priority: -1\n');
      for (const [version, codename, sources] of [
        ['22.04', 'jammy', '/etc/apt/sources.list'],
        ['24.04', 'noble', '/etc/apt/sources.list.d/ubuntu.sources'],
      ]) {
        await fakeOs('ubuntu', version, codename);
        const r = await run();
        expect(r.output).toContain(`OS: ubuntu ${version}`);
        expect(r.output).toContain('apt has no candidate for: redis-server');
        expect(r.output).toContain('universe');
        expect(r.output).toContain(sources);
        expect(r.code).toBe(1);
      }
    } finally {
      await fs.rm(pin, { force: true });
      await fs.rm(osRelease, { force: true });
      if (link !== undefined) await fs.symlink(link, osRelease);
      else await fs.writeFile(osRelease, original ?? '');
    }
  }, 5 * 60_000);
}
