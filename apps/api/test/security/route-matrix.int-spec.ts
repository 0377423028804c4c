import { randomUUID } from 'node:crypto';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { allows, type Access, type CreatedApiToken, type EndpointDef } from '@moxnas/contracts';
import { ENDPOINT_META, nestPath } from '../../src/core/http/route.decorator';
import type { TestApp } from '../support/test-app';
import { adminToken, createUser, login, startUsersApp, uniqueName, USER_PASSWORD } from '../users/users-kit';

/**
 * Every route the running app serves × every kind of caller. The expectation comes from the route's
 * contract (`access` + `allows()`), so a route registered without a contract fails this test, and
 * a guard that lets the wrong caller through (or keeps the right one out) fails it too.
 */

type Caller = 'anonymous' | 'none' | 'viewer' | 'operator' | 'admin' | 'viewer-token';
const CALLERS: Caller[] = ['anonymous', 'none', 'viewer', 'operator', 'admin', 'viewer-token'];
const ROLE_OF: Record<Caller, string | null> = { anonymous: null, none: 'none', viewer: 'viewer', operator: 'operator', admin: 'admin', 'viewer-token': 'viewer' };

/** Served by Fastify directly, not by a controller: the static dashboard and Swagger UI, public by design. */
const STATIC_ROUTES = [/^GET \/$/, /^GET \/\*$/, /^GET \/api\/docs.*$/, /^GET \/api\/openapi\.swagger\.(json|yaml)$/];

interface NestRoute {
  method: string;
  path: string;
  handler: string;
  def: EndpointDef | undefined;
}

/** Controllers' handlers as Nest registered them, with their contract (or none). */
function nestRoutes(app: TestApp): NestRoute[] {
  const routes: NestRoute[] = [];
  for (const mod of app.app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!type) continue;
      const prefix = (Reflect.getMetadata(PATH_METADATA, type) as string | undefined) ?? '';
      for (const name of Object.getOwnPropertyNames(type.prototype)) {
        const fn = (type.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof fn !== 'function') continue;
        const path = Reflect.getMetadata(PATH_METADATA, fn) as string | string[] | undefined;
        if (path === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, fn) as RequestMethod];
        for (const p of Array.isArray(path) ? path : [path]) {
          const full = `/${[prefix, p].map((s) => s.replace(/^\/|\/$/g, '')).filter(Boolean).join('/')}`;
          routes.push({ method, path: full, handler: `${type.name}.${name}`, def: Reflect.getMetadata(ENDPOINT_META, fn) as EndpointDef | undefined });
        }
      }
    }
  }
  return routes;
}

/** Every (method, url) Fastify serves, rebuilt from its route tree (one node per line, 4 columns per level). */
function fastifyRoutes(app: TestApp): string[] {
  const tree = app.app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1].length / 4;
    const full = (depth === 0 ? '' : stack[depth - 1]) + (depth === 1 && !m[2].startsWith('/') ? `/${m[2]}` : m[2]);
    stack[depth] = full.replace(/^\/\//, '/');
    for (const method of (m[3] ?? '').split(',').map((x) => x.trim()).filter(Boolean)) {
      if (method !== 'HEAD' && method !== 'OPTIONS') out.push(`${method} ${stack[depth]}`);
    }
  }
  return out;
}

describe('route × role matrix', () => {
  let app: TestApp;
  const credentials: Partial<Record<Caller, string>> = {};

  beforeAll(async () => {
    app = await startUsersApp();
    const admin = await adminToken(app);
    credentials.admin = admin;
    for (const role of ['viewer', 'operator'] as const) {
      const user = await createUser(app, admin, { username: uniqueName(role.slice(0, 3)), role });
      credentials[role] = (await login(app, user.username, USER_PASSWORD)).accessToken;
    }
    const scoped = await app.request<CreatedApiToken>({ method: 'POST', url: '/api/tokens', token: admin, body: { name: 'matrix viewer', role: 'viewer' } });
    credentials['viewer-token'] = scoped.body.token;

    // Role "none" cannot log in, so the only credential such a user can hold is an API token made
    // before its role was taken away: it authenticates, with role none.
    const demoted = await createUser(app, admin, { username: uniqueName('non'), role: 'viewer' });
    const demotedSession = (await login(app, demoted.username, USER_PASSWORD)).accessToken;
    const noneToken = await app.request<CreatedApiToken>({ method: 'POST', url: '/api/tokens', token: demotedSession, body: { name: 'kept', role: 'viewer' } });
    await app.request({ method: 'PATCH', url: `/api/users/${demoted.id}`, token: admin, body: { role: 'none' } });
    credentials.none = noneToken.body.token;
    expect((await login(app, demoted.username, USER_PASSWORD)).res.status).toBe(403);
  });
  afterAll(() => app?.close());

  it('gives every controller route a contract', () => {
    const routes = nestRoutes(app);
    expect(routes.length).toBeGreaterThan(20);
    const missing = routes.filter((r) => !r.def).map((r) => `${r.method} ${r.path} (${r.handler})`);
    // When this fails: declare the route in libs/contracts and use @Route(contract) on the handler.
    expect(missing).toEqual([]);
    for (const r of routes) expect(`${r.method} ${r.path}`).toBe(`${r.def!.method} ${nestPath(r.def!.path)}`);
  });

  it('serves nothing but controller routes and the known static ones', () => {
    const nest = new Set(nestRoutes(app).map((r) => `${r.method} ${r.path}`));
    const stray = fastifyRoutes(app).filter((r) => !nest.has(r) && !STATIC_ROUTES.some((re) => re.test(r)));
    expect(stray).toEqual([]);
    // The tree parser itself works: it finds the routes Nest registered.
    expect(fastifyRoutes(app)).toEqual(expect.arrayContaining(['POST /api/auth/login', 'GET /api/users/:id']));
  });

  it('allows and denies every route for every caller exactly as its contract says', async () => {
    const routes = nestRoutes(app).filter((r): r is NestRoute & { def: EndpointDef } => !!r.def);
    // Logging out ends the caller's session, so it goes last.
    routes.sort((a, b) => Number(a.def.id === 'auth.logout') - Number(b.def.id === 'auth.logout'));
    const mismatches: string[] = [];
    for (const caller of CALLERS) {
      for (const route of routes) {
        const access: Access = route.def.access;
        const allowed = access === 'public' || (caller !== 'anonymous' && allows(access, ROLE_OF[caller]));
        const url = route.path.replace(/:[A-Za-z0-9_]+/g, () => randomUUID());
        const token = credentials[caller];
        const res = await app.request<{ details?: { access?: unknown } }>({ method: route.method as 'GET', url, ...(token ? { token } : {}) });
        const guardDenied = (res.status === 401 || res.status === 403) && res.body?.details?.access !== undefined;
        const expected = allowed ? 'allowed' : caller === 'anonymous' ? '401' : '403';
        const actual = !guardDenied ? 'allowed' : String(res.status);
        if (expected !== actual) mismatches.push(`${caller} ${route.method} ${route.path} [${access}]: expected ${expected}, got ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('refuses a route that has no contract', async () => {
    const { AccessGuard } = await import('../../src/modules/users/auth/access.guard');
    const { JwtStrategy } = await import('../../src/modules/users/auth/jwt.strategy');
    const { ApiTokenStrategy } = await import('../../src/modules/users/auth/api-token.strategy');
    const guard = new AccessGuard(new Reflector(), app.app.get(JwtStrategy), app.app.get(ApiTokenStrategy));
    const handler = () => undefined;
    const context = {
      getType: () => 'http',
      getHandler: () => handler,
      getClass: () => Object,
      switchToHttp: () => ({ getRequest: () => ({ headers: {}, method: 'GET', url: '/x' }), getResponse: () => ({}) }),
    };
    await expect(guard.canActivate(context as never)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
