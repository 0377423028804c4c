import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { allEndpoints, type EndpointDef } from '@moxnas/contracts';
import type { z } from 'zod';
import { startTestApp, type TestApp } from '../../../api/test/support/test-app';
import { adminToken, ADMIN_PASSWORD, freshIp } from '../../../api/test/users/users-kit';
import { count } from './support/counts';
import { deepJson, hostileNumbers, hostileStrings, leaves, MARK, plain, setAt, wrongTypes } from './support/hostile';

/**
 * Corpus-driven fuzz over every mutating endpoint of the contracts: each string and number field
 * of each body gets every hostile value (one field at a time, the others plain), each path
 * parameter gets hostile strings. Only 4xx may come back, never a 5xx; a rejected request leaves
 * every managed config file byte-identical, and an accepted one never injects a line or section.
 *
 * network.updateHostname / updateDns are left out: an accepted value there changes the machine's
 * own hostname and resolver (shared with other work), and their grammars have unit tests.
 */
const EXCLUDED = new Set(['network.updateHostname', 'network.updateDns']);
/**
 * Defects this suite found that are not fixed yet (counted as failures found); empty since the NUL /
 * lone-surrogate login 500 was fixed. Any other 5xx fails the suite.
 */
const KNOWN_DEFECTS: RegExp[] = [];
const MAX_LEAVES = 40;

function walk(dir: string, out: Map<string, string> = new Map()): Map<string, string> {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.set(p, createHash('sha256').update(fs.readFileSync(p)).digest('hex'));
  }
  return out;
}

const injected = (text: string) =>
  text.split('\n').some((line) => {
    const l = line.trim();
    return l.startsWith(MARK) || l.startsWith(`[${MARK}`) || /^include\s*=/.test(l) || /^local_root=\/MOXFUZZ/.test(l);
  });

function fill(p: string, params: Record<string, unknown>): string {
  // A lone surrogate cannot be percent-encoded as UTF-8; send the raw bytes of its WTF-8 form instead.
  const enc = (v: string) => v.split(/([\uD800-\uDFFF])/).map((part) => (/^[\uD800-\uDFFF]$/.test(part) ? '%ED%A0%80' : encodeURIComponent(part))).join('');
  return p.replace(/\{(\w+)\}/g, (_, k: string) => enc(String(params[k])));
}

describe('hostile input: only 4xx, never 5xx, configs untouched', () => {
  let app: TestApp;
  let token: string;
  let files: Map<string, string>;
  const failures: string[] = [];
  let sent = 0;
  let inputs = 0;

  beforeAll(async () => {
    app = await startTestApp({ env: { MOXNAS_ADMIN_PASSWORD: ADMIN_PASSWORD, MOXNAS_HOST_ACCOUNTS: 'off', MOXNAS_TRUST_PROXY: '1' } });
    token = await adminToken(app);
    files = walk(app.config.etcRoot);
  });

  afterAll(async () => {
    count('requests', sent);
    count('inputs', inputs);
    count('failures', failures.length);
    await app?.close();
  });

  async function send(label: string, e: EndpointDef, url: string, payload: string | undefined, headers: Record<string, string> = {}): Promise<number> {
    sent++;
    inputs++;
    const res = await app.app.getHttpAdapter().getInstance().inject({
      method: e.method,
      url,
      headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': freshIp(), ...(payload !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(payload !== undefined ? { payload } : {}),
    });
    const status = res.statusCode;
    const now = walk(app.config.etcRoot);
    if (status >= 500) failures.push(`${e.id} ${label}: ${status} ${res.body.slice(0, 200)}`);
    else if (status >= 200 && status < 300) {
      // Accepted: allowed, as long as no config file gained an injected line.
      for (const [file] of now) if (injected(fs.readFileSync(file, 'utf8'))) failures.push(`${e.id} ${label}: injected into ${file}`);
    } else {
      const same = now.size === files.size && [...now].every(([f, h]) => files.get(f) === h);
      if (!same) failures.push(`${e.id} ${label}: answered ${status} but a config file changed`);
    }
    files = now;
    return status;
  }

  it('every string and number field of every mutating endpoint, and every path parameter', async () => {
    const endpoints = allEndpoints.filter((e) => e.method !== 'GET' && !EXCLUDED.has(e.id));
    expect(endpoints.length).toBeGreaterThan(30);
    for (const e of endpoints) {
      const params = e.params ? (plain(e.params as z.ZodType) as Record<string, unknown>) : {};
      if (e.body) {
        const body = e.body as z.ZodType;
        const base = plain(body);
        const fields = leaves(body).slice(0, MAX_LEAVES);
        for (const leaf of fields) {
          const corpus = leaf.kind === 'string' ? [...hostileStrings, ...wrongTypes] : leaf.kind === 'number' ? [...hostileNumbers, ...wrongTypes] : wrongTypes;
          for (const [label, value] of corpus) {
            await send(`${leaf.path.join('.')}=${label}`, e, fill(e.path, params), JSON.stringify(setAt(base, leaf.path, value)));
          }
        }
        for (const [label, value] of wrongTypes) await send(`body=${label}`, e, fill(e.path, params), JSON.stringify(value));
      }
      for (const key of Object.keys(params)) {
        for (const [label, value] of hostileStrings.filter(([, v]) => v.length < 1000 && v.trim() !== '')) {
          await send(`param ${key}=${label}`, e, fill(e.path, { ...params, [key]: value }), e.body ? JSON.stringify(plain(e.body as z.ZodType)) : undefined);
        }
      }
      if (e.query) await send('query dryRun=hostile', e, `${fill(e.path, params)}?dryRun=${encodeURIComponent(`1\n${MARK}`)}`, e.body ? JSON.stringify(plain(e.body as z.ZodType)) : undefined);
    }
    expect(failures.filter((f) => !KNOWN_DEFECTS.some((k) => k.test(f)))).toEqual([]);
  }, 900_000);

  // Found by this suite: a login name with NUL or a lone UTF-16 surrogate used to reach
  // PostgreSQL, which refuses the bytes (500). Such strings are now refused for every field.
  it('answers login names with NUL or a lone surrogate with a 4xx', async () => {
    const login = allEndpoints.find((e) => e.id === 'auth.login')!;
    for (const username of [`a\u0000b`, `\uD800x`]) {
      const status = await send(`login username ${JSON.stringify(username)}`, login, login.path, JSON.stringify({ username, password: 'x' }));
      expect(status).toBeLessThan(500);
    }
  });

  describe('bodies', () => {
    const withBody = () => allEndpoints.filter((e) => e.body && !EXCLUDED.has(e.id) && e.id !== 'auth.login');
    const target = () => withBody().find((e) => e.id === 'groups.create')!;

    it('answers malformed JSON with 400', async () => {
      for (const bad of ['{"name":', '{name: 1}', '[', 'nul', '{"a":1}}', '\u0000']) {
        expect(await send(`malformed ${JSON.stringify(bad)}`, target(), target().path, bad)).toBe(400);
      }
    });

    it('answers bodies over the limit with 413', async () => {
      for (const e of withBody()) {
        const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) });
        expect({ id: e.id, status: await send('1 MiB body', e, fill(e.path, e.params ? (plain(e.params as z.ZodType) as Record<string, unknown>) : {}), big) }).toEqual({ id: e.id, status: 413 });
      }
    });

    it('answers very deep JSON with a 4xx and keeps serving', async () => {
      for (const levels of [1000, 100_000]) {
        const status = await send(`deep JSON ${levels}`, target(), target().path, deepJson(levels));
        expect(status).toBeGreaterThanOrEqual(400);
        expect(status).toBeLessThan(500);
      }
      expect((await app.request({ url: '/api/system/health/live' })).status).toBe(200);
    });

    it('answers non-JSON content types with 415', async () => {
      for (const type of ['application/xml', 'multipart/form-data; boundary=x', 'application/octet-stream', 'image/png']) {
        expect({ type, status: await send(`content-type ${type}`, target(), target().path, '<name>x</name>', { 'content-type': type }) }).toEqual({ type, status: 415 });
      }
    });

    // Found by this suite: form-urlencoded and text/plain bodies used to be parsed, so a
    // cross-site HTML form could POST here without a CORS preflight.
    it('answers form-urlencoded and text/plain bodies with 415', async () => {
      const statuses: number[] = [];
      for (const type of ['application/x-www-form-urlencoded', 'text/plain']) {
        statuses.push(await send(`content-type ${type}`, target(), target().path, `name=${type.length}x`, { 'content-type': type }));
      }
      if (statuses.some((s) => s !== 415)) count('failures', 1);
      expect(statuses).toEqual([415, 415]);
    });
  });
});
