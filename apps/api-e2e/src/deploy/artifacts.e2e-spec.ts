/**
 * Static checks of the deployment files with the tools that consume them: docker compose validates
 * the production compose file (and refuses it without secrets), promtool validates the Prometheus
 * configs, shellcheck passes on every shell script, and the deployment templates render with
 * nunjucks like the app's other templates.
 */
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import nunjucks from 'nunjucks';
import { REPO_ROOT, describeWhen, run, which } from './support/deploy-env';

const COMPOSE = path.join(REPO_ROOT, 'docker-compose.production.yml');

/** `docker compose` (v2 plugin) when present, else the standalone docker-compose; undefined if neither. */
async function composeCommand(): Promise<string[] | undefined> {
  if (which('docker')) {
    const v2 = await run('docker', ['compose', 'version']).catch(() => undefined);
    if (v2?.code === 0) return ['docker', 'compose'];
  }
  if (which('docker-compose')) return ['docker-compose'];
  return undefined;
}

async function shellScripts(): Promise<string[]> {
  const found: string[] = [];
  async function walk(dir: string): Promise<void> {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') await walk(full);
      } else if (entry.isFile()) {
        const head = (await fs.readFile(full, 'utf8')).slice(0, 200);
        if (entry.name.endsWith('.sh') || /^#!.*\b(ba|da)?sh\b/.test(head)) found.push(path.relative(REPO_ROOT, full));
      }
    }
  }
  await walk(path.join(REPO_ROOT, 'scripts'));
  await walk(path.join(REPO_ROOT, 'docker'));
  return found.sort();
}

// Where the docker CLI looks for its compose plugin (a docker client alone cannot validate the file).
const COMPOSE_PLUGINS = ['/usr/libexec/docker/cli-plugins', '/usr/lib/docker/cli-plugins', '/usr/local/lib/docker/cli-plugins'].map((d) => path.join(d, 'docker-compose'));
const haveCompose = !!which('docker-compose') || (!!which('docker') && COMPOSE_PLUGINS.some((p) => existsSync(p)));

describeWhen('docker-compose.production.yml', haveCompose ? [] : ['docker-compose (Debian package docker-compose) or the docker compose plugin'], () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'moxnas-compose-'));
  });
  afterAll(async () => {
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('validates with the secrets from an env file, and refuses to render without them', async () => {
    const compose = await composeCommand();
    if (!compose) throw new Error('docker compose did not answer `version`, and docker-compose is missing');
    const [cmd, ...pre] = compose;
    const envFile = path.join(tmp, 'test.env');
    await fs.writeFile(envFile, 'POSTGRES_PASSWORD=0123456789abcdef0123456789abcdef\nREDIS_PASSWORD=fedcba9876543210fedcba9876543210\nMOXNAS_JWT_SECRET=' + 'ab'.repeat(24) + '\n');
    // An empty project dir keeps a developer's own .env out of the result.
    const base = [...pre, '--project-directory', REPO_ROOT, '-f', COMPOSE];
    const ok = await run(cmd, [...base, '--env-file', envFile, 'config'], { env: { PATH: process.env['PATH'] } });
    expect(ok.stderr).not.toMatch(/error/i);
    expect(ok.code).toBe(0);
    for (const service of ['app:', 'postgres:', 'redis:', 'prometheus:']) expect(ok.stdout).toContain(service);
    expect(ok.stdout).toContain('postgresql://moxnas:0123456789abcdef0123456789abcdef@postgres:5432/moxnas');
    expect(ok.stdout).toContain('/api/system/health/ready');

    const emptyEnv = path.join(tmp, 'empty.env');
    await fs.writeFile(emptyEnv, '');
    const refused = await run(cmd, [...base, '--env-file', emptyEnv, 'config'], { env: { PATH: process.env['PATH'] } });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('set POSTGRES_PASSWORD in .env');
  });

  it('documents in .env.example every variable the compose file requires', async () => {
    const compose = await fs.readFile(COMPOSE, 'utf8');
    const example = await fs.readFile(path.join(REPO_ROOT, '.env.example'), 'utf8');
    const required = [...new Set([...compose.matchAll(/\$\{([A-Z0-9_]+):\?/g)].map((m) => m[1]))];
    expect(required.sort()).toEqual(['MOXNAS_JWT_SECRET', 'POSTGRES_PASSWORD', 'REDIS_PASSWORD']);
    const used = [...new Set([...compose.matchAll(/\$\{([A-Z0-9_]+)[:}]/g)].map((m) => m[1]))];
    for (const name of used) expect(example).toMatch(new RegExp(`^${name}=`, 'm'));
    // No secret has a value in the example.
    for (const name of required) expect(example).toMatch(new RegExp(`^${name}=$`, 'm'));
  });

  it('copies only files that exist into the image', async () => {
    const dockerfile = await fs.readFile(path.join(REPO_ROOT, 'docker/Dockerfile'), 'utf8');
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(?:--\S+ )*(\S+) /gm)].map((m) => m[1]).filter((s) => s.startsWith('docker/'));
    expect(sources.length).toBeGreaterThan(0);
    for (const s of sources) await expect(fs.access(path.join(REPO_ROOT, s))).resolves.toBeUndefined();
  });

  it('is made of the release artifact of this version, checked, and builds nothing', async () => {
    const dockerfile = await fs.readFile(path.join(REPO_ROOT, 'docker/Dockerfile'), 'utf8');
    const { version } = JSON.parse(await fs.readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(dockerfile).toContain(`ARG MOXNAS_ARTIFACT=moxnas-${version}-linux-x64.tar.gz`);
    expect(dockerfile).toContain('COPY dist/release/${MOXNAS_ARTIFACT} dist/release/${MOXNAS_ARTIFACT}.sha256 ./');
    expect(dockerfile).toMatch(/sha256sum --strict -c "\$\{MOXNAS_ARTIFACT\}\.sha256"/);
    expect(dockerfile).toContain('sha256sum --quiet --strict -c MANIFEST.sha256');
    expect(dockerfile).not.toMatch(/npm (ci|install|run build)/);
    const ignore = await fs.readFile(path.join(REPO_ROOT, 'docker/Dockerfile.dockerignore'), 'utf8');
    expect(ignore.split('\n')).toEqual(expect.arrayContaining(['dist/*', '!dist/release']));
  });
});

describeWhen('Prometheus configuration', which('promtool') ? [] : ['promtool binary'], () => {
  it('docker/prometheus.yml passes promtool check config', async () => {
    const r = await run('promtool', ['check', 'config', path.join(REPO_ROOT, 'docker/prometheus.yml')]);
    expect(`${r.stdout}${r.stderr}`).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  it('the installer template renders to a config promtool accepts', async () => {
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'moxnas-prom-'));
    try {
      const ca = path.join(tmp, 'moxnas.crt');
      const cert = await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=nas1', '-keyout', path.join(tmp, 'k'), '-out', ca]);
      expect(cert.code).toBe(0);
      const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(path.join(REPO_ROOT, 'templates')), { autoescape: false, throwOnUndefined: true });
      const text = env.render('prometheus/prometheus.yml.njk', { tls_cert: '/etc/moxnas/tls/moxnas.crt', ca_file: ca, server_name: 'nas1', target: '192.0.2.10:443' });
      const file = path.join(tmp, 'prometheus.yml');
      await fs.writeFile(file, text);
      const r = await run('promtool', ['check', 'config', file]);
      expect(`${r.stdout}${r.stderr}`).toContain('SUCCESS');
      expect(r.code).toBe(0);
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  });
});

describe('deployment templates', () => {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(path.join(REPO_ROOT, 'templates')), { autoescape: false, throwOnUndefined: true });

  it('render with nunjucks from the variables install.sh passes', () => {
    // The same names scripts/install.sh gives its renderer: the templates stay valid nunjucks.
    const unit = env.render('systemd/moxnas.service.njk', { app_dir: '/opt/moxnas', env_file: '/etc/moxnas/moxnas.env', node: '/usr/bin/node' });
    expect(unit).toContain('ExecStart=/usr/bin/node --max-semi-space-size=4 /opt/moxnas/dist/api/apps/api/src/main.js');
    const site = env.render('nginx/moxnas.conf.njk', {
      app_port: 8000,
      tls_cert: '/etc/moxnas/tls/moxnas.crt',
      tls_key: '/etc/moxnas/tls/moxnas.key',
      client_max_body_size: '64m',
      listen_v6_http: '    listen [::]:80 default_server;',
      listen_v6_https: '',
    });
    expect(site).toContain('server 127.0.0.1:8000;');
    expect(site).not.toMatch(/\{\{|\{%/);
  });

  it('install.sh passes exactly the variables each template uses', async () => {
    const script = await fs.readFile(path.join(REPO_ROOT, 'scripts/install.sh'), 'utf8');
    // The render call, with its backslash-continued lines.
    const renderCall = (template: string): string => {
      const lines = script.split('\n');
      const start = lines.findIndex((l) => l.includes(`render "$APP_DIR/templates/${template}"`));
      expect(start).toBeGreaterThanOrEqual(0);
      let end = start;
      while (lines[end].trimEnd().endsWith('\\')) end++;
      return lines.slice(start, end + 1).join('\n');
    };
    for (const template of ['systemd/moxnas.service.njk', 'nginx/moxnas.conf.njk', 'prometheus/prometheus.yml.njk']) {
      const text = await fs.readFile(path.join(REPO_ROOT, 'templates', template), 'utf8');
      const wanted = [...new Set([...text.matchAll(/\{\{ *([a-z_]+) *\}\}/g)].map((m) => m[1]))].sort();
      const given = [...new Set([...renderCall(template).matchAll(/\s([a-z_]+)=/g)].map((m) => m[1]))].sort();
      expect({ template, given }).toEqual({ template, given: wanted });
    }
  });
});

describeWhen('shell scripts', which('shellcheck') ? [] : ['shellcheck binary'], () => {
  it('pass shellcheck (every script under scripts/ and docker/)', async () => {
    const scripts = await shellScripts();
    expect(scripts).toEqual(expect.arrayContaining(['scripts/install.sh', 'scripts/pve/moxnas-ct.sh', 'docker/entrypoint.sh']));
    const r = await run('shellcheck', ['-x', ...scripts], { cwd: REPO_ROOT });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.code).toBe(0);
  });

  it('bash -n accepts them', async () => {
    for (const script of await shellScripts()) {
      const r = await run('bash', ['-n', path.join(REPO_ROOT, script)]);
      expect({ script, stderr: r.stderr }).toEqual({ script, stderr: '' });
    }
  });
});
