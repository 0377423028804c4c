import { startTestApp, type TestApp } from '../support/test-app';

/** What the request log writes at info, through the real app: probes and scrapes stay out of it. */
describe('request logging at info', () => {
  let app: TestApp;
  const lines: Array<Record<string, unknown>> = [];
  const requestLines = (url: string) => lines.filter((l) => l['msg'] === 'request' && l['url'] === url);

  beforeAll(async () => {
    app = await startTestApp({
      env: { MOXNAS_LOG_LEVEL: 'info' },
      logTo: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    });
  });

  afterAll(async () => {
    await app?.close();
  });

  it.each(['/api/system/health/live', '/api/system/health/ready', '/metrics', '/api/system/metrics/prometheus'])(
    'GET %s answers and writes no request line',
    async (url) => {
      const res = await app.request({ url });
      expect(res.status).toBe(200);
      expect(requestLines(url)).toEqual([]);
    },
  );

  it('writes one info line for a normal request, with its route and status', async () => {
    const res = await app.request({ url: '/api/system/health' });
    expect(res.status).toBeLessThan(600);
    const written = requestLines('/api/system/health');
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ level: 30, method: 'GET', route: '/api/system/health', status: res.status });
  });

  it('writes an info line for a request no route matched', async () => {
    const res = await app.request({ url: '/api/no-such-thing' });
    expect(res.status).toBe(404);
    expect(requestLines('/api/no-such-thing')).toEqual([expect.objectContaining({ level: 30, status: 404 })]);
  });
});
