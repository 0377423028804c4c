import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { startTestApp, type TestApp } from '../../../api/test/support/test-app';
import { adminToken, ADMIN_PASSWORD, uniqueName, USER_PASSWORD } from '../../../api/test/users/users-kit';
import { count } from './support/counts';
import { itOnHost } from '../../../api/test/support/host-gate';

/**
 * Load through a real socket: 100 concurrent SMB share creates and 100 concurrent user creates,
 * then 200 concurrent readers for RELIABILITY_READ_SECONDS (30) while writes go on. Users are
 * created with host accounts off (apps/api-e2e/src/users/accounts.e2e-spec.ts covers real accounts).
 */
const READ_SECONDS = Number(process.env['RELIABILITY_READ_SECONDS'] ?? 30);

describe('load', () => {
  let app: TestApp;
  let token: string;
  let poolDir: string;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  let sent = 0;
  const problems: string[] = [];

  function call(method: string, url: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    sent++;
    return new Promise((resolve) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request(
        `${app.url}${url}`,
        { method, agent, headers: { authorization: `Bearer ${token}`, ...(data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {}) } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d) => (text += d));
          res.on('end', () => {
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              /* keep text */
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.on('error', (err) => resolve({ status: 0, body: err.message }));
      req.end(data);
    });
  }

  beforeAll(async () => {
    app = await startTestApp({ listen: true, env: { MOXNAS_ADMIN_PASSWORD: ADMIN_PASSWORD, MOXNAS_HOST_ACCOUNTS: 'off', MOXNAS_TRUST_PROXY: '1' } });
    token = await adminToken(app);
    poolDir = path.join(app.root, 'pool');
    fs.mkdirSync(poolDir, { recursive: true });
    const pool = await call('POST', '/api/storage/pools', { name: 'load', path: poolDir });
    expect(pool.status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    count('requests', sent);
    count('failures', problems.length);
    agent.destroy();
    await app?.close();
  });

  itOnHost('100 concurrent SMB share creates and 100 concurrent user creates: no 5xx, each exactly once in the DB and in smb.conf, testparm clean', { binaries: ['/usr/bin/testparm'] }, async () => {
    const shares = Array.from({ length: 100 }, (_, i) => `load${i}`);
    const users = Array.from({ length: 100 }, () => uniqueName('ld'));
    const results = await Promise.all([
      ...shares.map((name) => call('POST', '/api/shares/smb', { name, path: path.join(poolDir, name), createDirectory: {} })),
      ...users.map((username) => call('POST', '/api/users', { username, password: USER_PASSWORD, role: 'none' })),
    ]);
    for (const r of results) if (r.status !== 201) problems.push(`create answered ${r.status}: ${JSON.stringify(r.body).slice(0, 200)}`);
    expect(results.filter((r) => r.status >= 500)).toEqual([]);
    expect(results.filter((r) => r.status !== 201).map((r) => r.status)).toEqual([]);

    const list = await call('GET', '/api/shares/smb?pageSize=500');
    const names: string[] = (list.body as { items: Array<{ name: string }> }).items.map((s: { name: string }) => s.name);
    expect(names.filter((n) => n.startsWith('load')).sort()).toEqual([...shares].sort());
    const userList = await call('GET', '/api/users?pageSize=500');
    const usernames: string[] = (Array.isArray(userList.body) ? (userList.body as Array<{ username: string }>) : (userList.body as { items: Array<{ username: string }> }).items).map((u: { username: string }) => u.username);
    for (const u of users) expect(usernames.filter((x) => x === u)).toHaveLength(1);

    const conf = fs.readFileSync(path.join(app.config.etcRoot, 'etc/samba/smb.conf'), 'utf8');
    for (const name of shares) expect(conf.split('\n').filter((l) => l.trim() === `[${name}]`)).toHaveLength(1);
    const tp = spawnSync('testparm', ['-s', '--suppress-prompt', path.join(app.config.etcRoot, 'etc/samba/smb.conf')], { encoding: 'utf8' });
    expect(tp.status).toBe(0);
    expect(tp.stderr).not.toMatch(/unknown parameter|error/i);
  }, 600_000);

  it(`200 concurrent readers for ${READ_SECONDS} s while writes continue: zero errors`, async () => {
    const deadline = Date.now() + READ_SECONDS * 1000;
    const reads = ['/api/shares/smb?pageSize=100', '/api/users', '/api/services', '/api/system/health/ready', '/api/storage/pools', '/api/shares'];
    let readCount = 0;
    let writeCount = 0;
    const errors: string[] = [];
    // The readiness probe is read too: it has a database connection of its own, so the readers
    // cannot starve it into a 503 (this suite found that it used to).
    const reader = async (i: number) => {
      for (let k = i; Date.now() < deadline; k++) {
        const url = reads[k % reads.length];
        const r = await call('GET', url);
        readCount++;
        if (r.status !== 200) errors.push(`GET ${url}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      }
    };
    const writer = async () => {
      for (let k = 0; Date.now() < deadline; k++) {
        const name = `rw${k}`;
        const created = await call('POST', '/api/shares/smb', { name, path: path.join(poolDir, name), createDirectory: {} });
        const user = await call('POST', '/api/users', { username: uniqueName('rw'), password: USER_PASSWORD, role: 'none' });
        writeCount += 2;
        if (created.status !== 201) errors.push(`create share: ${created.status} ${JSON.stringify(created.body).slice(0, 200)}`);
        if (user.status !== 201) errors.push(`create user: ${user.status} ${JSON.stringify(user.body).slice(0, 200)}`);
        if (created.status === 201) {
          const removed = await call('DELETE', `/api/shares/smb/${(created.body as { share: { id: string } }).share.id}`);
          writeCount++;
          if (removed.status !== 200) errors.push(`delete share: ${removed.status}`);
        }
      }
    };
    await Promise.all([...Array.from({ length: 200 }, (_, i) => reader(i)), writer()]);
    problems.push(...errors);
    process.stdout.write(`load: ${readCount} reads and ${writeCount} writes in ${READ_SECONDS} s, ${errors.length} errors\n`);
    expect(errors.slice(0, 20)).toEqual([]);
    expect(writeCount).toBeGreaterThan(0);
  }, (READ_SECONDS + 120) * 1000);
});
