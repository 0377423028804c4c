import { requestLogLevel, SLOW_PROBE_MS } from './logger';

describe('requestLogLevel', () => {
  it.each(['/api/system/health/live', '/api/system/health/ready', '/metrics', '/api/system/metrics/prometheus'])('logs a quick GET %s at debug', (route) => {
    expect(requestLogLevel('GET', route, 200, 1)).toBe('debug');
    expect(requestLogLevel('GET', route, 304, 1)).toBe('debug');
  });

  it('logs a failed or slow probe at warn', () => {
    expect(requestLogLevel('GET', '/api/system/health/ready', 503, 2)).toBe('warn');
    expect(requestLogLevel('GET', '/metrics', 200, SLOW_PROBE_MS)).toBe('warn');
  });

  it('logs every other request at info, whatever its status', () => {
    expect(requestLogLevel('GET', '/api/system/health', 200, 1)).toBe('info');
    expect(requestLogLevel('POST', '/metrics', 404, 1)).toBe('info');
    expect(requestLogLevel('GET', 'unmatched', 500, 5000)).toBe('info');
  });
});
