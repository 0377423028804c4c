import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DetailedHealth, MetricsHistory, MetricsSample, MetricsSnapshot } from '@moxnas/contracts';
import type { CommandRunner } from '@moxnas/host';
import { COMMAND_RUNNER } from '../../src/core/host/host.module';
import { AlertsService } from '../../src/modules/system/alerts/alerts.service';
import { EventsService, type AppEvent } from '../../src/modules/system/events/events.service';
import { MetricsCollector } from '../../src/modules/system/metrics/metrics-collector.service';
import { SystemRegistry, type PoolFigures } from '../../src/modules/system/metrics/system-registry';
import { startTestApp, type TestApp } from '../support/test-app';
import { waitFor } from '../support/tcp-proxy';

const ADMIN_PASSWORD = 'metrics-test-Admin-pass-1';
const promtool = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((p) => fs.existsSync(p));
const required = process.env.MOXNAS_REQUIRE_HOST_TESTS === '1';

interface DocumentedMetric {
  name: string;
  type: string;
  labels: string[];
  owner: string;
}

/** The Prometheus table of docs/metrics.md: the test keeps the docs and the exposition in step. */
function documentedMetrics(): DocumentedMetric[] {
  const text = fs.readFileSync(path.resolve(__dirname, '../../../../docs/metrics.md'), 'utf8');
  const rows: DocumentedMetric[] = [];
  for (const line of text.split('\n')) {
    const m = /^\| `(moxnas_[a-z_]+)` \| (gauge|counter|histogram) \| ([^|]*)\| (\w+) \|/.exec(line);
    if (m) rows.push({ name: m[1], type: m[2], labels: m[3].split(',').map((l) => l.trim()).filter(Boolean), owner: m[4] });
  }
  return rows;
}

/** Label names of every sample of `name` in an exposition. */
function sampleLabels(exposition: string, name: string): string[][] {
  const out: string[][] = [];
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = new RegExp(`^${name}(?:\\{([^}]*)\\})? `).exec(line);
    if (!m) continue;
    out.push(m[1] ? [...m[1].matchAll(/([a-z_]+)="/g)].map((x) => x[1]).sort() : []);
  }
  return out;
}

describe('system metrics', () => {
  let app: TestApp;
  let token: string;
  let collector: MetricsCollector;
  let storageCalls = 0;
  let sharesCalls = 0;
  let pools: PoolFigures[] = [];

  beforeAll(async () => {
    app = await startTestApp({ env: { MOXNAS_ADMIN_PASSWORD: ADMIN_PASSWORD, MOXNAS_HOST_ACCOUNTS: 'off' } });
    const login = await app.request<{ accessToken: string }>({ method: 'POST', url: '/api/auth/login', body: { username: 'admin', password: ADMIN_PASSWORD } });
    expect(login.status).toBe(200);
    token = login.body.accessToken;
    collector = app.app.get(MetricsCollector);
  });
  afterAll(() => app?.close());

  it('serves the current figures of this machine as JSON', async () => {
    await collector.collectNow();
    await collector.collectNow();
    const res = await app.request<MetricsSnapshot>({ url: '/api/system/metrics', token });
    expect(res.status).toBe(200);
    const m = res.body;
    expect(m.intervalSeconds).toBe(5);
    expect(m.cpu.cores.length).toBe(os.cpus().length);
    expect(m.cpu.usage).toBeGreaterThanOrEqual(0);
    expect(m.cpu.usage).toBeLessThanOrEqual(1);
    expect(m.memory.totalBytes).toBe(os.totalmem());
    expect(m.loadAverage).toHaveLength(3);
    const lo = m.network.find((n) => n.interface === 'lo');
    expect(lo).toBeDefined();
    expect(lo!.rxBytes).toBeGreaterThan(0);
    // Null until a storage / shares module contributes (they may already, in the whole app).
    if (!app.app.get(SystemRegistry).storage) expect(m.pools).toBeNull();
    if (!app.app.get(SystemRegistry).shares) expect(m.shares).toBeNull();
    // Whatever other modules raised at start (a failed reconcile, say), counted from the alerts service.
    expect(m.alerts).toEqual(app.app.get(AlertsService).counts());
    expect((await app.request({ url: '/api/system/metrics' })).status).toBe(401);
    // The services module reports every daemon's real state, so the health check never says "none yet".
    const health = await app.request<DetailedHealth>({ url: '/api/system/health/detailed', token });
    expect(Object.keys(health.body.checks.services.services ?? {}).sort()).toEqual(['ftp', 'nfs', 'smb']);
    expect(health.body.checks.services.message ?? '').not.toMatch(/no daemon/);
  });

  it('keeps an hour of samples and announces each collection as metrics.tick', async () => {
    const ticks: AppEvent[] = [];
    const off = app.app.get(EventsService).subscribe((e) => e.type === 'metrics.tick' && ticks.push(e));
    const before = collector.historyView().samples.length;
    await collector.collectNow();
    await waitFor(async () => ticks.length, (n) => n >= 1, 5000);
    off();
    const res = await app.request<MetricsHistory>({ url: '/api/system/metrics/history', token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ intervalSeconds: 5, capacity: 720 });
    expect(res.body.samples.length).toBe(before + 1);
    const last = res.body.samples[res.body.samples.length - 1];
    expect(ticks[0].data as MetricsSample).toEqual(last);
    expect(last.interfaces['lo']).toBeDefined();
    const times = res.body.samples.map((s) => Date.parse(s.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('exports every documented moxnas_* metric with its labels, and promtool finds nothing', async () => {
    // What the storage, shares and services modules contribute, at the scale the design names.
    pools = Array.from({ length: 50 }, (_, i) => ({
      name: `pool${i}`,
      sizeBytes: 1e12,
      usedBytes: 1e11 + i,
      freeBytes: 9e11 - i,
      healthy: i !== 7,
      status: i === 7 ? 'not mounted' : null,
      // pool3 has not been measured yet: it has no age to export.
      refreshedAt: i === 3 ? null : new Date(Date.UTC(2026, 0, 1, 12, 0, i)),
      datasets: Array.from({ length: 20 }, (_, j) => ({ name: `pool${i}/share${j}`, usedBytes: j * 1000 })),
    }));
    const registry = app.app.get(SystemRegistry);
    registry.contributeStorage({
      pools: async () => {
        storageCalls++;
        return pools;
      },
    });
    registry.contributeShares({
      counts: async () => {
        sharesCalls++;
        return { smb: 600, nfs: 300, ftp: 100 };
      },
    });
    // The services module contributes the daemons' states (replaced here, like storage and shares).
    registry.contributeServices({
      statuses: async () => [
        { id: 'smb', state: 'running', enabled: true },
        { id: 'ftp', state: 'failed', enabled: true },
        { id: 'nfs', state: 'unavailable', enabled: false },
      ],
    });
    const events = app.app.get(EventsService);
    events.publish({ type: 'service.drift', access: 'operator', data: { service: 'smb', drifted: false, files: [] } });
    // ftp failed → a critical service.down alert; pool7 unhealthy → a critical pool.degraded alert.
    await waitFor(async () => (await collector.collectNow()).alerts.critical, (n) => n >= 2, 10_000);

    const scrape = (await app.request({ url: '/metrics' })).text;
    const missing: string[] = [];
    for (const doc of documentedMetrics()) {
      if (!scrape.includes(`# TYPE ${doc.name} ${doc.type}`)) {
        missing.push(`${doc.name}: no "# TYPE ${doc.name} ${doc.type}"`);
        continue;
      }
      // Metrics of other modules may have no samples until they do something (no apply yet).
      const samples = sampleLabels(scrape, doc.type === 'histogram' ? `${doc.name}_count` : doc.name);
      if (doc.owner !== 'system' && samples.length === 0) continue;
      if (!samples.some((labels) => JSON.stringify(labels) === JSON.stringify([...doc.labels].sort()))) {
        missing.push(`${doc.name}: no sample with labels {${doc.labels.join(',')}} (got ${JSON.stringify(samples.slice(0, 2))})`);
      }
    }
    expect(missing).toEqual([]);
    expect(documentedMetrics().length).toBeGreaterThanOrEqual(15);
    // And the other way round: no module registers a moxnas_* name the table does not document
    // (the storage module once exported moxnas_pool_*_bytes beside moxnas_pool_bytes{kind}).
    const documented = new Set(documentedMetrics().map((d) => d.name));
    const exported = [...scrape.matchAll(/^# TYPE (moxnas_[a-z_]+) /gm)].map((m) => m[1]);
    expect(exported.filter((name) => !documented.has(name))).toEqual([]);

    expect(scrape).toContain('moxnas_service_up{service="smb"} 1');
    expect(scrape).toContain('moxnas_service_up{service="ftp"} 0');
    expect(scrape).not.toContain('moxnas_service_up{service="nfs"}');
    expect(scrape).toContain('moxnas_shares{protocol="smb"} 600');
    expect(scrape).toContain('moxnas_pool_bytes{pool="pool3",kind="size"} 1000000000000');
    expect(scrape).toContain('moxnas_pool_healthy{pool="pool7"} 0');
    // Each figure's age: pools as the storage module measured them, and the collection itself.
    expect(scrape).toContain(`moxnas_pool_refreshed_timestamp_seconds{pool="pool5"} ${Date.UTC(2026, 0, 1, 12, 0, 5) / 1000}`);
    expect(scrape).not.toContain('moxnas_pool_refreshed_timestamp_seconds{pool="pool3"}');
    const collectedAt = Number(/^moxnas_collector_last_run_timestamp_seconds\{collector="system"\} (\S+)$/m.exec(scrape)?.[1]);
    expect(Date.now() / 1000 - collectedAt).toBeGreaterThanOrEqual(0);
    expect(Date.now() / 1000 - collectedAt).toBeLessThan(60);
    expect(scrape).toContain('moxnas_dataset_bytes{dataset="pool49/share19"} 19000');
    expect(scrape).toMatch(/moxnas_alerts_active\{severity="critical"\} [2-9]/);
    expect(scrape).toMatch(/moxnas_network_bytes_total\{interface="lo",direction="rx"\} \d+/);
    expect(scrape).toContain('moxnas_config_drift{service="smb"} 0');

    if (promtool || required) {
      if (!promtool) throw new Error('promtool is missing: apt-get install prometheus');
      const res = spawnSync(promtool, ['check', 'metrics'], { input: scrape, encoding: 'utf8' });
      expect({ status: res.status, findings: `${res.stdout}${res.stderr}`.trim() }).toEqual({ status: 0, findings: '' });
    }
  });

  it('feeds the detailed health check from the same figures', async () => {
    const res = await app.request<DetailedHealth>({ url: '/api/system/health/detailed', token });
    // A failed daemon makes the box unhealthy, and an unhealthy answer is a 503 (docs/services.md).
    expect(res.status).toBe(503);
    expect(res.body.status).toBe('unhealthy');
    expect(res.body.checks.services).toMatchObject({ status: 'unhealthy', services: { smb: 'running', ftp: 'failed', nfs: 'unavailable' }, message: 'failed: ftp' });
    expect(res.body.checks.storage).toMatchObject({ status: 'degraded', pools: 50, degraded: 1, message: 'pool7: not mounted' });
  });

  it('keeps scrapes cheap: a scrape never calls a contributor or reads the host', async () => {
    const storage = storageCalls;
    const shares = sharesCalls;
    for (let i = 0; i < 20; i++) expect((await app.request({ url: '/metrics' })).status).toBe(200);
    // 50 pools × 20 datasets and 1,000 shares: serialising memory. Its speed is measured in the bench, (d).
    expect({ storage: storageCalls, shares: sharesCalls }).toEqual({ storage, shares });
  });

  it('runs no command at a scrape with 50 pools, and says how old the figures are', async () => {
    const runner = app.app.get<CommandRunner>(COMMAND_RUNNER);
    const run = jest.spyOn(runner, 'run');
    const has = jest.spyOn(runner, 'has');
    try {
      const scrapes = await Promise.all(Array.from({ length: 5 }, () => app.request({ url: '/metrics' })));
      expect({ run: run.mock.calls, has: has.mock.calls }).toEqual({ run: [], has: [] });
      const scrape = scrapes[0].text;
      const lastRun = /^moxnas_collector_last_run_timestamp_seconds\{collector="system"\} ([0-9.e+]+)$/m.exec(scrape);
      expect(lastRun).not.toBeNull();
      expect(Number(lastRun?.[1]) * 1000).toBeLessThanOrEqual(Date.now());
      expect(Number(lastRun?.[1])).toBeGreaterThan(1_700_000_000);
      expect(scrape).toContain(`moxnas_pool_refreshed_timestamp_seconds{pool="pool5"} ${Date.UTC(2026, 0, 1, 12, 0, 5) / 1000}`);
    } finally {
      run.mockRestore();
      has.mockRestore();
    }
  });

  it('drops the series of a pool that went away at the next collection', async () => {
    pools = pools.filter((p) => p.name !== 'pool3');
    await collector.collectNow();
    const scrape = (await app.request({ url: '/metrics' })).text;
    expect(scrape).not.toContain('pool="pool3"');
    expect(scrape).not.toContain('moxnas_pool_refreshed_timestamp_seconds{pool="pool3"}');
    expect(scrape).toContain('pool="pool4"');
    const json = await app.request<MetricsSnapshot>({ url: '/api/system/metrics', token });
    expect(json.body.pools).toHaveLength(49);
    expect(json.body.shares).toEqual({ smb: 600, nfs: 300, ftp: 100 });
  });
});
