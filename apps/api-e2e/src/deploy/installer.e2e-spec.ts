/**
 * scripts/install.sh in real Debian roots, one per release in MOXNAS_INSTALLER_SUITES (default
 * "bookworm trixie": Debian 12 and 13): apt packages, PostgreSQL and Redis set up with random
 * secrets, the app built from this checkout, migrated, served, re-run as an upgrade, uninstalled.
 * Debian 12's nodejs is too old, so that root gets this host's Node.js as MOXNAS_NODE; Debian 13's
 * root gets none and the installer must install the distribution's nodejs and npm.
 *
 * Slow (a few minutes per release on 2 cores: apt, npm ci and the build run for real), so it runs
 * only with MOXNAS_DEPLOY_TESTS=1 or MOXNAS_REQUIRE_HOST_TESTS=1, as root with debootstrap
 * installed, and needs network access to the Debian mirror and the npm registry. The releases run
 * one after the other; within one, the steps share one root and run in order, each asserting what
 * the previous ones left.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';
import Redis from 'ioredis';
import { CACHE_DIR, DebianRoot, KNOWN_SUITES, cachedRootTarball, installerSuites, stageHostNode, stageSource, type DebianSuite } from './support/debian-root';
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

  const installerEnv = () => ({
    ...(suite.hostNode ? { MOXNAS_NODE: node } : {}),
    MOXNAS_PG_PORT: String(pgPort),
    MOXNAS_REDIS_PORT: String(redisPort),
    MOXNAS_APP_PORT: String(appPort),
    // The host's network settings that matter in a sandbox (registry, TLS-inspecting proxy CA) carry over.
    ...(process.env['npm_config_registry'] ? { npm_config_registry: process.env['npm_config_registry'] } : {}),
    ...(process.env['NODE_EXTRA_CA_CERTS'] ? { NODE_EXTRA_CA_CERTS: EXTRA_CA } : {}),
  });

  async function install(args: string[] = []): Promise<string> {
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
    // A shared npm cache makes repeated runs on one machine much faster; it holds only public packages.
    await root.bind(path.join(CACHE_DIR, 'npm'), '/root/.npm');
    src = await stageSource(root);
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
  }, 16 * 60_000);

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
      // No MOXNAS_NODE: the distribution's nodejs and npm, installed by the installer.
      expect(firstRun).toContain("Installing the distribution's nodejs");
      expect(node).toBe('/usr/bin/node');
      const nodePkgs = await root.exec(['dpkg-query', '-W', '-f=${Package} ${db:Status-Status}\\n', 'nodejs', 'npm']);
      expect(nodePkgs.stdout.trim().split('\n').sort()).toEqual(['nodejs installed', 'npm installed']);
      expect(firstRun).toMatch(/Node\.js 2\d\.\d+\.\d+ at \/usr\/bin\/node, npm \d+\.\d+\.\d+ \(\/usr\/share\/nodejs\/npm\/bin\/npm-cli\.js\)/);
    }
    // This kernel has no nfsd (and a chroot is not a container that could get it): NFS is skipped, and said so.
    const hasNfsd = (await fs.readFile('/proc/filesystems', 'utf8')).split('\n').some((l) => l.trim().endsWith('nfsd'));
    if (!hasNfsd) expect(firstRun).toContain('skipping nfs-kernel-server');

    for (const f of ['dist/api/apps/api/src/main.js', 'dist/cli/apps/cli/src/main.js', 'dist/web/index.html', 'templates/nginx/moxnas.conf.njk']) {
      expect(await exists(root.path(`/opt/moxnas/${f}`))).toBe(true);
    }
    // Dev dependencies were pruned after the build.
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

  it('starts the app with the process driver and answers ready', async () => {
    let app: Background | undefined;
    const env = await readEnv();
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

      // As the unit would: node with the env file, no systemd, so the app supervises daemons itself.
      app = background('chroot', root.chrootArgs([node, '--env-file=/etc/moxnas/moxnas.env', '/opt/moxnas/dist/api/apps/api/src/main.js']), {
        PATH: process.env['PATH'],
      });
      const url = `http://127.0.0.1:${appPort}/api/system/health/ready`;
      const body = await waitFor(`the app answers 200 on ${url}`, 90_000, async () => {
        const res = await fetch(url);
        return res.status === 200 ? ((await res.json()) as { status: string; checks: Record<string, { status: string }> }) : undefined;
      }).catch((err: Error) => {
        throw new Error(`${err.message}\n--- app output ---\n${app?.output().slice(-5000)}`);
      });
      expect(body.status).toBe('ok');
      // Ready waits for the start-up reconcile, not for the optional Redis (docs/deployment.md, probes).
      expect(Object.keys(body.checks).sort()).toEqual(['database', 'migrations', 'reconcile']);
      const live = await fetch(`http://127.0.0.1:${appPort}/api/system/health/live`);
      expect(live.status).toBe(200);
      // First start: the app leaves the admin's one-time password where the installer said it would.
      const passwordFile = root.path('/var/lib/moxnas/initial-admin-password');
      const st = await waitFor('the app writes initial-admin-password', 30_000, async () => ((await exists(passwordFile)) ? fs.stat(passwordFile) : undefined));
      expect(st.mode & 0o777).toBe(0o600);
      expect((await fs.readFile(passwordFile, 'utf8')).trim().length).toBeGreaterThanOrEqual(12);
    } finally {
      await app?.stop();
      await root.exec(['sh', '-c', 'REDISCLI_AUTH="$1" redis-cli -p "$2" shutdown nosave', 'sh', new URL(env['REDIS_URL']).password, String(redisPort)]);
      await stopPostgres();
    }
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

  it('rolls a failed upgrade back: the old release and its database serve again', async () => {
    // A deliberately broken release 9.9.9, as an artifact made from the installed one: its CLI
    // changes the database, then fails `moxnas migrate`. The rollback must undo both.
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
    await fs.mkdir(root.path('/root/broken'), { recursive: true });
    await fs.writeFile(root.path('/root/broken-main.js'), broken);
    const pack = await root.exec(['sh', '-ec', [
      'cp -a /opt/moxnas /root/broken/moxnas-9.9.9',
      'cd /root/broken/moxnas-9.9.9',
      'cp /root/broken-main.js dist/cli/apps/cli/src/main.js',
      "printf 'version=9.9.9\\ncommit=broken\\n' > ARTIFACT",
      'rm -f MANIFEST.sha256 && find . -type f -printf "%P\\n" | LC_ALL=C sort | xargs -d "\\n" sha256sum > /root/MANIFEST.sha256 && mv /root/MANIFEST.sha256 .',
      'cd /root/broken && tar -czf /root/moxnas-9.9.9-linux-x64.tar.gz moxnas-9.9.9',
      'sha256sum /root/moxnas-9.9.9-linux-x64.tar.gz | sed "s#/root/##" > /root/moxnas-9.9.9-linux-x64.tar.gz.sha256',
    ].join('\n')], { timeoutMs: 5 * 60_000 });
    expect(`${pack.code} ${pack.stderr}`).toBe('0 ');
    const releaseBefore = await fs.readFile(root.path('/opt/moxnas/RELEASE'), 'utf8');
    const stateBefore = await fs.readFile(root.path('/etc/moxnas/install.state'), 'utf8');

    const r = await root.exec(['bash', `${src}/scripts/install.sh`, '--upgrade', '--artifact', '/root/moxnas-9.9.9-linux-x64.tar.gz'], { env: installerEnv(), timeoutMs: remaining(10 * 60_000) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('moxnas migrate failed');
    expect(r.stderr).toMatch(/ROLLED BACK: \S+ serves again with its database as it was before the upgrade; the failed release 9\.9\.9 is kept in \/opt\/moxnas\.failed/);
    expect(await fs.readFile(root.path('/opt/moxnas/RELEASE'), 'utf8')).toBe(releaseBefore);
    expect(await fs.readFile(root.path('/opt/moxnas.failed/ARTIFACT'), 'utf8')).toContain('version=9.9.9');
    expect(await fs.readFile(root.path('/etc/moxnas/install.state'), 'utf8')).toBe(stateBefore);
    const backups = await fs.readdir(root.path('/var/lib/moxnas/upgrade-backups'));
    expect(backups).toEqual([expect.stringMatching(/^\d{8}T\d{6}Z-.+\.dump$/)]);
    await startPostgres();
    try {
      // The broken release's change is gone: the database is the backup taken before the swap.
      expect(await psql("SELECT count(*) FROM pg_tables WHERE tablename = 'upgrade_broke_this'")).toBe('0');
      expect(Number(await psql('SELECT count(*) FROM moxnas_migrations'))).toBe(migrated);
      expect(await psql("SELECT count(*) FROM users WHERE username = 'admin'")).toBe('1');
    } finally {
      await stopPostgres();
    }
    // The old release's CLI answers again (it reads the restored database).
    const cli = await root.exec(['/usr/local/bin/moxnas', 'help']);
    expect(cli.code).toBe(0);
    await fs.rm(root.path('/root/broken'), { recursive: true, force: true });
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
