import type { DetailedHealth, MetricsSample, MetricsSnapshot } from '@moxnas/contracts';
import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { setAccessToken } from '../../lib/session';
import { stubWebSocket } from '../../testing/fake-websocket';
import { json, mockFetch } from '../../testing/fetch-mock';
import { adminUser, renderPage } from '../../testing/render';
import { DashboardPage } from './dashboard-page';

const health: DetailedHealth = {
  status: 'degraded',
  timestamp: '2025-01-01T12:00:00.000Z',
  checks: {
    database: { status: 'healthy', responseTimeMs: 3.2, backend: 'embedded', migrationsPending: 0 },
    cache: { status: 'healthy', responseTimeMs: 0.4, backend: 'memory' },
    services: { status: 'degraded', responseTimeMs: 12, services: { smb: 'running', nfs: 'unavailable' }, message: 'nfs is unavailable' },
    storage: { status: 'healthy', responseTimeMs: 1, pools: 0, degraded: 0 },
    system: { status: 'healthy', responseTimeMs: 0.2, loadAverage: [0.5, 0.4, 0.3], memoryUsedRatio: 0.42, uptimeSeconds: 90061 },
  },
};

const metrics: MetricsSnapshot = {
  at: '2025-01-01T12:00:05.000Z',
  intervalSeconds: 5,
  cpu: { usage: 0.25, cores: [0.2, 0.3] },
  memory: { totalBytes: 4 * 2 ** 30, usedBytes: 2 ** 30, availableBytes: 3 * 2 ** 30, freeBytes: 2 ** 30, buffersBytes: 0, cachedBytes: 0, usedRatio: 0.25 },
  swap: { totalBytes: 0, usedBytes: 0, freeBytes: 0 },
  loadAverage: [0.5, 0.4, 0.3],
  uptimeSeconds: 1000,
  network: [
    { interface: 'lo', rxBytes: 0, txBytes: 0, rxBytesPerSecond: 999_999, txBytesPerSecond: 999_999 },
    { interface: 'eth0', rxBytes: 0, txBytes: 0, rxBytesPerSecond: 2048, txBytesPerSecond: 1024 },
  ],
  disks: [],
  pools: [{ name: 'tank', sizeBytes: 100 * 2 ** 30, usedBytes: 85 * 2 ** 30, freeBytes: 15 * 2 ** 30, usedRatio: 0.85, healthy: true, status: null }],
  services: [{ id: 'smb', state: 'running', since: null }],
  shares: null,
  smb: { sessions: 2, reason: null },
  alerts: { info: 0, warning: 1, critical: 0 },
};
const sample = (at: string, cpu: number): MetricsSample => ({
  at, cpu, memoryUsedBytes: 2 ** 30, memoryTotalBytes: 4 * 2 ** 30, swapUsedBytes: 0, load1: 0.5,
  rxBytesPerSecond: 100, txBytesPerSecond: 50, diskReadBytesPerSecond: 0, diskWriteBytesPerSecond: 0, interfaces: {},
});
const liveRoutes = {
  'GET /api/system/metrics': () => json(200, metrics),
  'GET /api/system/metrics/history': () =>
    json(200, { intervalSeconds: 5, capacity: 720, samples: [sample('2025-01-01T11:59:55.000Z', 0.1), sample('2025-01-01T12:00:00.000Z', 0.2)] }),
  'GET /api/system/jobs': () => json(200, { items: [], total: 0, page: 1, pageSize: 5 }),
};

describe('DashboardPage', () => {
  it('shows each check with its status, response time and backend', async () => {
    mockFetch({ ...liveRoutes, 'GET /api/system/health/detailed': () => json(200, health) });
    renderPage(<DashboardPage />, { user: adminUser });
    const db = await screen.findByRole('region', { name: 'Database check' });
    expect(db.textContent).toContain('healthy');
    expect(db.textContent).toContain('3.2 ms');
    expect(db.textContent).toContain('Embedded PostgreSQL');
    expect(screen.getByRole('region', { name: 'Cache check' }).textContent).toContain('In-process memory');
    const services = screen.getByRole('region', { name: 'Services check' });
    expect(within(services).getByText('degraded')).toBeTruthy();
    expect(services.textContent).toContain('nfs is unavailable');
    expect(screen.getByRole('region', { name: 'System check' }).textContent).toContain('1d 1h 1m');
    expect(screen.getByRole('region', { name: 'Storage check' }).textContent).toContain('No storage pools are registered yet');
    expect(await screen.findByText(/No jobs yet/)).toBeTruthy();
  });

  it('shows the report of an unhealthy box, which the API answers with a 503', async () => {
    const unhealthy: DetailedHealth = {
      ...health,
      status: 'unhealthy',
      checks: { ...health.checks, services: { status: 'unhealthy', responseTimeMs: 5, services: { smb: 'failed' }, message: 'failed: smb' } },
    };
    mockFetch({ ...liveRoutes, 'GET /api/system/health/detailed': () => json(503, unhealthy) });
    renderPage(<DashboardPage />, { user: adminUser });
    const services = await screen.findByRole('region', { name: 'Services check' });
    expect(within(services).getByText('unhealthy')).toBeTruthy();
    expect(services.textContent).toContain('failed: smb');
  });

  it('charts the live figures from the history plus the latest snapshot, and shows pools, services and alerts', async () => {
    mockFetch({ ...liveRoutes, 'GET /api/system/health/detailed': () => json(200, health) });
    renderPage(<DashboardPage />, { user: adminUser });
    const cpu = await screen.findByRole('region', { name: 'CPU' });
    // Two history samples and the snapshot: the legend shows the newest value.
    expect(cpu.textContent).toContain('CPU: 25%');
    expect(within(cpu).getByRole('img', { name: 'CPU usage over the last hour' })).toBeTruthy();
    // Loopback is left out of the network total.
    expect(screen.getByRole('region', { name: 'Network' }).textContent).toContain('Received: 2.0 KiB/s');
    const pools = screen.getByRole('region', { name: 'Pools' });
    expect(pools.textContent).toContain('tank');
    expect(pools.textContent).toContain('85.0 GiB of 100 GiB');
    expect(screen.getByRole('region', { name: 'Services' }).textContent).toContain('2 open SMB sessions');
    expect(screen.getByRole('region', { name: 'Alerts' }).textContent).toContain('1 warning');
  });

  it('shows non-admins the public summary instead of the admin-only details', async () => {
    const api = mockFetch({
      ...liveRoutes,
      'GET /api/system/health': () => json(200, { status: 'healthy', timestamp: health.timestamp, uptimeSeconds: 120, version: '0.1.0' }),
    });
    renderPage(<DashboardPage />, { user: { ...adminUser, role: 'viewer' } });
    expect(await screen.findByText(/are shown to\s+administrators/)).toBeTruthy();
    expect(screen.getByText('health: healthy')).toBeTruthy();
    expect(api.to('GET', '/api/system/health/detailed')).toHaveLength(0);
  });

  it('appends metrics.tick samples from the event stream and says it is live', async () => {
    setAccessToken('access-live');
    const Ws = stubWebSocket();
    mockFetch({ ...liveRoutes, 'GET /api/system/health/detailed': () => json(200, health) });
    renderPage(<DashboardPage />, { user: adminUser });
    const cpu = await screen.findByRole('region', { name: 'CPU' });
    expect(cpu.textContent).toContain('CPU: 25%');

    const ws = Ws.latest();
    act(() => ws.open());
    expect(ws.sent).toEqual([{ type: 'auth', token: 'access-live' }]);
    act(() => ws.emit({ type: 'ready', at: '2025-01-01T12:00:06.000Z', data: {} }));
    expect(screen.getByTestId('feed-status').textContent).toBe('Live');

    act(() => ws.emit({ type: 'metrics.tick', at: '2025-01-01T12:00:10.000Z', data: sample('2025-01-01T12:00:10.000Z', 0.9) }));
    expect(screen.getByRole('region', { name: 'CPU' }).textContent).toContain('CPU: 90%');
    // An older or repeated sample does not move the chart back.
    act(() => ws.emit({ type: 'metrics.tick', at: '2025-01-01T12:00:00.000Z', data: sample('2025-01-01T12:00:00.000Z', 0.05) }));
    expect(screen.getByRole('region', { name: 'CPU' }).textContent).toContain('CPU: 90%');
    setAccessToken(null);
  });

  it('falls back to polling, and says so, when the event stream is down', async () => {
    setAccessToken('access-down');
    const Ws = stubWebSocket();
    mockFetch({ ...liveRoutes, 'GET /api/system/health/detailed': () => json(200, health) });
    renderPage(<DashboardPage />, { user: adminUser });
    await screen.findByRole('region', { name: 'CPU' });
    act(() => Ws.latest().drop(1006));
    expect(screen.getByTestId('feed-status').textContent).toBe('Polling every 5 s');
    setAccessToken(null);
  });
});
