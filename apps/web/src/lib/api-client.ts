import {
  authApi,
  type BodyInputOf,
  type EndpointDef,
  type ErrorCode,
  type FieldError,
  type HttpMethod,
  type ResponseOf,
  type TokenResponse,
} from '@moxnas/contracts';
import type { z } from 'zod';
import { clearSession, getAccessToken, setAccessToken } from './session';

/** Every API path starts here; the dev server proxies it and production serves it same-origin. */
export const API_BASE = '/api';

/** `NETWORK_ERROR` when no HTTP answer came back at all (API down, proxy unreachable, offline). */
export type ApiErrorCode = ErrorCode | 'NETWORK_ERROR';

/** A failed API call, carrying what the API's ErrorResponse said so the UI can show it. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  /** The API's request id (body, else the X-Request-ID header); null when no answer arrived. */
  readonly requestId: string | null;
  readonly fieldErrors: FieldError[];
  readonly details: Record<string, unknown> | undefined;

  constructor(init: {
    status: number;
    code: ApiErrorCode;
    message: string;
    requestId: string | null;
    fieldErrors?: FieldError[];
    details?: Record<string, unknown>;
  }) {
    super(init.message);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.fieldErrors = init.fieldErrors ?? [];
    this.details = init.details;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

export type QueryValue = string | number | boolean | null | undefined | readonly (string | number | boolean)[];

export interface RequestOptions {
  method?: HttpMethod;
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
  /**
   * false for calls where a 401 is the answer rather than an expired token (login, refresh,
   * logout): no refresh is attempted. The bearer token is sent whenever there is one, so that
   * logout also revokes the session it belongs to.
   */
  auth?: boolean;
  /** Statuses whose body is the answer, not an error: the health reports answer 503 when unhealthy. */
  acceptStatus?: readonly number[];
}

function defaultSessionExpired(): void {
  const { pathname, search } = window.location;
  if (pathname === '/login') return;
  window.location.assign(`/login?next=${encodeURIComponent(pathname + search)}`);
}

let sessionExpiredHandler: () => void = defaultSessionExpired;

/**
 * What happens when the session is gone for good (refresh failed). The app replaces the default
 * full-page redirect with a router navigation; returns a function that restores the default.
 */
export function setSessionExpiredHandler(handler: () => void): () => void {
  sessionExpiredHandler = handler;
  return () => {
    if (sessionExpiredHandler === handler) sessionExpiredHandler = defaultSessionExpired;
  };
}

let refreshing: Promise<TokenResponse | null> | null = null;

/**
 * Trades the refresh cookie for a new access token. Concurrent callers share one request, because
 * the refresh token rotates: a second parallel refresh would present a spent token and, by the
 * API's reuse detection, revoke the whole session.
 */
export function refreshSession(): Promise<TokenResponse | null> {
  if (!refreshing) {
    refreshing = doRefresh().finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

async function doRefresh(): Promise<TokenResponse | null> {
  try {
    const res = await send(apiPath(authApi.refresh.path), { method: 'POST' }, null);
    if (!res.ok) return null;
    const body = (await res.json()) as TokenResponse;
    setAccessToken(body.accessToken);
    return body;
  } catch {
    return null;
  }
}

/** One call to the API: JSON in and out, bearer token, one refresh-and-retry on 401. */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const useAuth = options.auth !== false;
  let res = await send(path, options, getAccessToken());
  if (res.status === 401 && useAuth) {
    const refreshed = await refreshSession();
    if (refreshed) res = await send(path, options, refreshed.accessToken);
    if (res.status === 401) {
      clearSession();
      sessionExpiredHandler();
    }
  }
  if (!res.ok && !options.acceptStatus?.includes(res.status)) throw await toApiError(res);
  return (await parseBody(res)) as T;
}

async function send(path: string, options: RequestOptions, token: string | null): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers['authorization'] = `Bearer ${token}`;
  let body: string | undefined;
  // No content-type without a body: Fastify rejects an empty application/json body.
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  try {
    return await fetch(`${API_BASE}${path}${toQueryString(options.query)}`, {
      method: options.method ?? 'GET',
      headers,
      body,
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({
      status: 0,
      code: 'NETWORK_ERROR',
      message: 'Cannot reach the MoxNAS API. Check that the service is running and that this device is online.',
      requestId: null,
    });
  }
}

async function parseBody(res: Response): Promise<unknown> {
  if (res.status === 204 || res.headers.get('content-length') === '0') return undefined;
  const text = await res.text();
  if (!text) return undefined;
  const type = res.headers.get('content-type') ?? '';
  return type.includes('json') ? (JSON.parse(text) as unknown) : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toFieldErrors(value: unknown): FieldError[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item): FieldError[] =>
    isRecord(item) && typeof item['message'] === 'string'
      ? [{ field: typeof item['field'] === 'string' ? item['field'] : '', message: item['message'] }]
      : [],
  );
}

/** Reads the ErrorResponse body; a proxy's HTML error page still becomes a readable message. */
export async function toApiError(res: Response): Promise<ApiError> {
  const headerId = res.headers.get('x-request-id');
  let body: unknown;
  try {
    body = await parseBody(res);
  } catch {
    body = undefined;
  }
  if (isRecord(body) && typeof body['message'] === 'string') {
    return new ApiError({
      status: res.status,
      code: (typeof body['code'] === 'string' ? body['code'] : 'INTERNAL') as ErrorCode,
      message: body['message'],
      requestId: typeof body['requestId'] === 'string' ? body['requestId'] : headerId,
      fieldErrors: toFieldErrors(body['errors']),
      details: isRecord(body['details']) ? body['details'] : undefined,
    });
  }
  return new ApiError({
    status: res.status,
    code: res.status >= 500 ? 'INTERNAL' : 'BAD_REQUEST',
    message: `The API answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''} without an error description.`,
    requestId: headerId,
  });
}

export function toQueryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const v of value) search.append(key, String(v));
    else search.append(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** `/api/users/{id}` → `/users/<id>` (relative to API_BASE), encoding each parameter. */
export function buildPath(template: string, params: Record<string, unknown> | undefined): string {
  const filled = template.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null || value === '') throw new Error(`Missing path parameter "${name}" for ${template}`);
    return encodeURIComponent(String(value));
  });
  return apiPath(filled);
}

function apiPath(contractPath: string): string {
  if (!contractPath.startsWith(`${API_BASE}/`)) throw new Error(`${contractPath} is not under ${API_BASE}`);
  return contractPath.slice(API_BASE.length);
}

// ---- typed calls from the contracts --------------------------------------------------------

type AnySchema = z.ZodType | undefined;
type Empty = Record<never, never>;
type ParamsInputOf<E> = E extends EndpointDef<AnySchema, AnySchema, infer P, AnySchema> ? (P extends z.ZodType ? z.input<P> : never) : never;
type QueryInputOf<E> = E extends EndpointDef<AnySchema, infer Q, AnySchema, AnySchema> ? (Q extends z.ZodType ? z.input<Q> : never) : never;
/** A slot the contract lacks cannot be passed; one whose fields are all optional may be left out. */
type Slot<K extends string, T> = [T] extends [never]
  ? { [P in K]?: never }
  : Empty extends T
    ? { [P in K]?: T }
    : { [P in K]: T };

export type CallOptions<E> = Slot<'params', ParamsInputOf<E>> &
  Slot<'query', QueryInputOf<E>> &
  Slot<'body', BodyInputOf<E>> & { signal?: AbortSignal; auth?: boolean };

type CallArgs<E> = Empty extends CallOptions<E> ? [options?: CallOptions<E>] : [options: CallOptions<E>];

/**
 * Calls the endpoint a contract describes: path from its `{id}` placeholders, method from the
 * contract, response typed with ResponseOf. `call(usersApi.get, { params: { id } })`.
 */
export function call<E extends EndpointDef>(contract: E, ...args: CallArgs<E>): Promise<ResponseOf<E>> {
  const options = (args[0] ?? {}) as {
    params?: Record<string, unknown>;
    query?: Record<string, QueryValue>;
    body?: unknown;
    signal?: AbortSignal;
    auth?: boolean;
  };
  return apiRequest<ResponseOf<E>>(buildPath(contract.path, options.params), {
    method: contract.method,
    query: options.query,
    body: options.body,
    signal: options.signal,
    auth: options.auth ?? contract.access !== 'public',
  });
}
