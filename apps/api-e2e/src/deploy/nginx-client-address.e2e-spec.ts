/**
 * Issue 14, defect 9: behind the shipped nginx a client chose its own address. The site appended to
 * the client's X-Forwarded-For and the API (MOXNAS_TRUST_PROXY=1) believed every hop, so 40 failed
 * logins with made-up addresses were 40×401 and never reached the per-address limit. Here the real
 * nginx, with the site rendered from templates/nginx/moxnas.conf.njk, sits in front of the real API.
 */
import fs from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import nunjucks from 'nunjucks';
import { startTestApp, type TestApp } from '../../../api/test/support/test-app';
import { background, describeWhen, freePort, REPO_ROOT, run, waitFor, which, type Background } from './support/deploy-env';

const missing = [...(which('nginx') ? [] : ['nginx binary']), ...(which('openssl') ? [] : ['openssl binary']), ...(process.getuid?.() === 0 ? [] : ['root'])];

/** One POST over TLS to the proxy; resolves with the status. */
function post(port: number, url: string, body: unknown, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = https.request(
      { host: '127.0.0.1', port, path: url, method: 'POST', rejectUnauthorized: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describeWhen('the shipped nginx site in front of the API', missing, () => {
  let app: TestApp;
  let dir: string;
  let nginx: Background;
  let httpsPort: number;

  beforeAll(async () => {
    app = await startTestApp({ listen: true, env: { MOXNAS_HOST_ACCOUNTS: 'off', MOXNAS_ADMIN_PASSWORD: 'Nginx-test-passphrase-1', MOXNAS_TRUST_PROXY: '1' } });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'moxnas-nginx-'));
    const cert = path.join(dir, 'moxnas.crt');
    const key = path.join(dir, 'moxnas.key');
    const tls = await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', key, '-out', cert]);
    expect(tls.code).toBe(0);

    const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(path.join(REPO_ROOT, 'templates')), { autoescape: false, throwOnUndefined: true });
    const site = env.render('nginx/moxnas.conf.njk', {
      app_port: new URL(app.url).port,
      tls_cert: cert,
      tls_key: key,
      client_max_body_size: '64m',
      listen_v6_http: '',
      listen_v6_https: '',
    });
    // The same site, on free loopback ports and with its logs here instead of /var/log/nginx.
    httpsPort = await freePort();
    const httpPort = await freePort();
    const local = site
      .replace('listen 80 default_server;', `listen 127.0.0.1:${httpPort};`)
      .replace('listen 443 ssl default_server;', `listen 127.0.0.1:${httpsPort} ssl;`)
      .replace(/\/var\/log\/nginx\//g, `${dir}/`);
    expect(local).toContain(`listen 127.0.0.1:${httpsPort} ssl;`);
    await fs.writeFile(path.join(dir, 'site.conf'), local);
    await fs.writeFile(
      path.join(dir, 'nginx.conf'),
      [
        `pid ${dir}/nginx.pid;`,
        `error_log ${dir}/error.log;`,
        'events {}',
        'http {',
        `  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;`,
        `  include ${dir}/site.conf;`,
        '}',
        '',
      ].join('\n'),
    );
    const check = await run(which('nginx')!, ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf')]);
    expect({ code: check.code, out: check.stderr }).toMatchObject({ code: 0 });
    nginx = background(which('nginx')!, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], process.env);
    await waitFor('nginx answering', 20_000, async () => ((await post(httpsPort, '/api/auth/refresh', {}, {})) > 0 ? true : undefined));
  });

  afterAll(async () => {
    await nginx?.stop();
    await app?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('rate-limits 40 failed logins that each claim another address in X-Forwarded-For', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const spoofed = `203.0.113.${i + 1}`;
      statuses.push(await post(httpsPort, '/api/auth/login', { username: `spoof${i}`, password: 'not the password' }, { 'x-forwarded-for': spoofed }));
    }
    expect(statuses.slice(0, 30)).toEqual(Array(30).fill(401));
    expect(statuses.slice(30)).toEqual(Array(10).fill(429));
  });
});
