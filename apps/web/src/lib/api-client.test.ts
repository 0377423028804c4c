import { authApi, usersApi } from '@moxnas/contracts';
import { describe, expect, it, vi } from 'vitest';
import { apiError, json, mockFetch } from '../testing/fetch-mock';
import { ApiError, apiRequest, call, setSessionExpiredHandler } from './api-client';
import { getAccessToken, setAccessToken } from './session';

const me = { id: '00000000-0000-4000-8000-000000000001', username: 'admin', fullName: null, role: 'admin', mustChangePassword: false, totpEnabled: false, authMethod: 'session' };
const tokenResponse = (accessToken: string) => json(200, { accessToken, expiresIn: 900, user: me });

describe('api client', () => {
  it('sends the bearer token and same-origin credentials', async () => {
    setAccessToken('t1');
    const api = mockFetch({ 'GET /api/auth/me': () => json(200, me) });
    await expect(call(authApi.me)).resolves.toEqual(me);
    expect(api.calls[0].headers.get('authorization')).toBe('Bearer t1');
    const init = vi.mocked(fetch).mock.calls[0][1];
    expect(init?.credentials).toBe('same-origin');
  });

  it('on a 401 refreshes once, then retries with the new token', async () => {
    setAccessToken('expired');
    const api = mockFetch({
      'GET /api/auth/me': [(req) => (req.headers.get('authorization') === 'Bearer fresh' ? json(200, me) : apiError(401, 'UNAUTHORIZED', 'Token expired.'))],
      'POST /api/auth/refresh': () => tokenResponse('fresh'),
    });
    await expect(call(authApi.me)).resolves.toEqual(me);
    expect(api.to('POST', '/api/auth/refresh')).toHaveLength(1);
    expect(api.to('GET', '/api/auth/me').map((c) => c.headers.get('authorization'))).toEqual(['Bearer expired', 'Bearer fresh']);
    expect(getAccessToken()).toBe('fresh');
    expect(sessionStorage.getItem('moxnas.accessToken')).toBe('fresh');
  });

  it('does not loop: a second 401 after the refresh ends the session', async () => {
    setAccessToken('expired');
    const expired = vi.fn();
    const restore = setSessionExpiredHandler(expired);
    const api = mockFetch({
      'GET /api/auth/me': () => apiError(401, 'UNAUTHORIZED', 'Session revoked.', { requestId: 'req-401' }),
      'POST /api/auth/refresh': () => tokenResponse('fresh'),
    });
    const error = await call(authApi.me).catch((e: unknown) => e);
    restore();
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401, requestId: 'req-401', message: 'Session revoked.' });
    expect(api.to('POST', '/api/auth/refresh')).toHaveLength(1);
    expect(api.to('GET', '/api/auth/me')).toHaveLength(2);
    expect(getAccessToken()).toBeNull();
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it('when the refresh fails, clears the session and hands over to the expiry handler', async () => {
    setAccessToken('expired');
    const expired = vi.fn();
    const restore = setSessionExpiredHandler(expired);
    const api = mockFetch({
      'GET /api/auth/me': () => apiError(401, 'UNAUTHORIZED', 'Token expired.'),
      'POST /api/auth/refresh': () => apiError(401, 'UNAUTHORIZED', 'Refresh token reused.'),
    });
    await expect(call(authApi.me)).rejects.toMatchObject({ status: 401 });
    restore();
    expect(api.to('GET', '/api/auth/me')).toHaveLength(1);
    expect(getAccessToken()).toBeNull();
    expect(sessionStorage.getItem('moxnas.accessToken')).toBeNull();
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it('parallel 401s share one refresh (the refresh token rotates)', async () => {
    setAccessToken('expired');
    let refreshes = 0;
    mockFetch({
      'GET /api/auth/me': (req) => (req.headers.get('authorization') === 'Bearer fresh' ? json(200, me) : apiError(401, 'UNAUTHORIZED', 'expired')),
      'POST /api/auth/refresh': async () => {
        refreshes++;
        await new Promise((r) => setTimeout(r, 10));
        return tokenResponse('fresh');
      },
    });
    await Promise.all([call(authApi.me), call(authApi.me), call(authApi.me)]);
    expect(refreshes).toBe(1);
  });

  it('sends the token with logout, so the API revokes that session too', async () => {
    setAccessToken('t-logout');
    const api = mockFetch({ 'POST /api/auth/logout': () => new Response(null, { status: 204 }) });
    await call(authApi.logout);
    expect(api.calls[0].headers.get('authorization')).toBe('Bearer t-logout');
    // No body: Fastify refuses an empty JSON body, so no content-type either.
    expect(api.calls[0].headers.get('content-type')).toBeNull();
  });

  it('never refreshes for public calls such as login: their 401 is the answer', async () => {
    const api = mockFetch({
      'POST /api/auth/login': () => apiError(401, 'UNAUTHORIZED', 'Wrong username or password.'),
      'POST /api/auth/refresh': () => tokenResponse('fresh'),
    });
    await expect(call(authApi.login, { body: { username: 'a', password: 'b' } })).rejects.toMatchObject({ status: 401 });
    expect(api.to('POST', '/api/auth/refresh')).toHaveLength(0);
    expect(api.calls[0].headers.get('content-type')).toBe('application/json');
    expect(api.calls[0].body).toEqual({ username: 'a', password: 'b' });
  });

  it('builds the path from the contract placeholders and the query string', async () => {
    setAccessToken('t');
    const id = '11111111-2222-4333-8444-555555555555';
    const api = mockFetch({ [`DELETE /api/users/${id}`]: () => json(200, { id, provisioning: { status: 'not-needed', message: 'ok' } }) });
    await call(usersApi.delete, { params: { id }, query: { keepFiles: 'false' } });
    expect(api.calls[0].path).toBe(`/api/users/${id}?keepFiles=false`);
    expect(api.calls[0].method).toBe('DELETE');
  });

  it('turns a 422 body into an ApiError with its field errors and request id', async () => {
    setAccessToken('t');
    mockFetch({
      'POST /api/users': () =>
        apiError(422, 'VALIDATION_FAILED', 'Input failed validation.', { requestId: 'req-422', errors: [{ field: 'username', message: 'is reserved' }] }),
    });
    const error = await apiRequest('/users', { method: 'POST', body: {} }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 422, code: 'VALIDATION_FAILED', requestId: 'req-422', fieldErrors: [{ field: 'username', message: 'is reserved' }] });
  });

  it('reports a network failure without a request id', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))));
    await expect(apiRequest('/system/health', { auth: false })).rejects.toMatchObject({ status: 0, code: 'NETWORK_ERROR', requestId: null });
  });

  it('keeps the request id of a non-JSON error page from the header', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway', headers: { 'x-request-id': 'req-502', 'content-type': 'text/html' } })));
    await expect(apiRequest('/system/health', { auth: false })).rejects.toMatchObject({ status: 502, requestId: 'req-502' });
  });
});
