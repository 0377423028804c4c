import { vi } from 'vitest';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Headers;
  body: unknown;
}

type Handler = (req: RecordedRequest) => Response | Promise<Response>;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

/** The API's ErrorResponse, as the exception filter builds it. */
export function apiError(
  statusCode: number,
  code: string,
  message: string,
  extra: { requestId?: string; errors?: { field: string; message: string }[]; details?: Record<string, unknown> } = {},
): Response {
  const requestId = extra.requestId ?? 'req-test-1';
  return json(statusCode, { statusCode, code, message, requestId, ...extra }, { 'x-request-id': requestId });
}

/**
 * Replaces global fetch with a table of `"METHOD /path"` handlers. A handler may be a list: each
 * call takes the next one (the last one repeats). Unknown routes answer 404 like the API does.
 */
export function mockFetch(routes: Record<string, Handler | Handler[]>) {
  const calls: RecordedRequest[] = [];
  const counters = new Map<string, number>();
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, 'http://localhost');
    const method = (init.method ?? 'GET').toUpperCase();
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    const req: RecordedRequest = { method, path: url.pathname + url.search, headers: new Headers(init.headers), body };
    calls.push(req);
    const key = `${method} ${url.pathname}`;
    const route = routes[key];
    if (!route) return apiError(404, 'NOT_FOUND', `No route for ${key}`);
    if (Array.isArray(route)) {
      const n = counters.get(key) ?? 0;
      counters.set(key, n + 1);
      return route[Math.min(n, route.length - 1)](req);
    }
    return route(req);
  });
  vi.stubGlobal('fetch', fetchMock);
  return {
    calls,
    /** Requests to one route, in order. */
    to: (method: string, pathname: string) => calls.filter((c) => c.method === method && c.path.split('?')[0] === pathname),
  };
}
