import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestApp, type TestApp } from '../support/test-app';
import { itOnHost } from '../support/host-gate';

const promtool = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((p) => fs.existsSync(p));

describe('Prometheus exposition', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.close());

  it('counts requests by route template, not raw URL', async () => {
    await app.request({ url: '/api/system/health/live' });
    await app.request({ url: '/api/does-not-exist/12345' });
    const res = await app.request({ url: '/metrics' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/system\/health\/live",status_code="200"\} \d+/);
    expect(res.text).not.toContain('12345');
    const api = await app.request({ url: '/api/system/metrics/prometheus' });
    expect(api.text).toContain('# TYPE http_request_duration_seconds histogram');
  });

  itOnHost('passes `promtool check metrics` with no findings after some requests', promtool ? [] : ['promtool (Debian: prometheus)'], async () => {
    if (!promtool) throw new Error('unreachable: gated on promtool');
    for (let i = 0; i < 5; i++) {
      await app.request({ url: '/api/system/health' });
      await app.request({ url: '/api/openapi.json' });
      await app.request({ url: '/nope' });
    }
    const scrape = (await app.request({ url: '/metrics' })).text;
    const file = path.join(os.tmpdir(), `moxnas-scrape-${process.pid}.txt`);
    fs.writeFileSync(file, scrape);
    const res = spawnSync(promtool, ['check', 'metrics'], { input: scrape, encoding: 'utf8' });
    fs.rmSync(file, { force: true });
    expect({ status: res.status, findings: `${res.stdout}${res.stderr}`.trim() }).toEqual({ status: 0, findings: '' });
  });
});
