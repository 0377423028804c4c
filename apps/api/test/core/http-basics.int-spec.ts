import fs from 'node:fs';
import path from 'node:path';
import { startTestApp, type TestApp } from '../support/test-app';

describe('HTTP basics', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.close());

  it('serves the OpenAPI document that is committed in the repo', async () => {
    const res = await app.request<Record<string, unknown>>({ url: '/api/openapi.json' });
    expect(res.status).toBe(200);
    const committed = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../../openapi/moxnas.openapi.json'), 'utf8'));
    // When this fails: run `npm run openapi` and commit the result if the change was intended.
    expect(res.body).toEqual(committed);
  });

  it('serves Swagger UI at /api/docs', async () => {
    const res = await app.request({ url: '/api/docs' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('swagger');
  });

  it('sets security headers and keeps CORS closed by default', async () => {
    const res = await app.request({ url: '/api/system/health/live', headers: { origin: 'https://evil.example' } });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers malformed JSON with a 400 in the error shape', async () => {
    const res = await app.request<{ code: string; message: string }>({
      method: 'POST',
      url: '/api/auth/login',
      body: '{"username": "admin", "password": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('BAD_REQUEST');
    expect(res.body.message).toMatch(/JSON/);
  });

  it('answers a body that is not JSON with 415', async () => {
    const res = await app.request<{ code: string }>({
      method: 'POST',
      url: '/api/auth/login',
      body: '<login><username>admin</username></login>',
      headers: { 'content-type': 'application/xml' },
    });
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('takes JSON only: form and plain-text bodies are 415 (no cross-site form posts)', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'text/plain']) {
      const res = await app.request({ method: 'POST', url: '/api/auth/login', body: 'username=admin&password=x', headers: { 'content-type': type } });
      expect({ type, status: res.status }).toEqual({ type, status: 415 });
    }
  });

  it('refuses NUL and lone surrogates in any string with a 422 on the field, never a 500', async () => {
    for (const username of ['a\u0000b', '\uD800x']) {
      const res = await app.request<{ code: string; errors: Array<{ field: string }> }>({ method: 'POST', url: '/api/auth/login', body: JSON.stringify({ username, password: 'x' }), headers: { 'content-type': 'application/json' } });
      expect({ status: res.status, fields: res.body.errors?.map((e) => e.field) }).toEqual({ status: 422, fields: ['username'] });
    }
  });

  it('answers a body over the limit with 413', async () => {
    const res = await app.request<{ code: string }>({
      method: 'POST',
      url: '/api/auth/login',
      body: JSON.stringify({ username: 'admin', password: 'x'.repeat(app.config.bodyLimit + 1) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers unknown API routes with a JSON 404 in the error shape', async () => {
    const res = await app.request<{ code: string; requestId: string; statusCode: number }>({ url: '/api/does-not-exist' });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
  });
});
