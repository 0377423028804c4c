import type { z } from 'zod';

/** Who may call an endpoint. Roles are ordered: admin > operator > viewer. */
export type Access = 'public' | 'viewer' | 'operator' | 'admin';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One HTTP operation of the MoxNAS API. The API routes, validates and authorises from this
 * definition, the OpenAPI document is generated from it and the web client types its calls with it.
 */
export interface EndpointDef<
  B extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  P extends z.ZodType | undefined = z.ZodType | undefined,
  R extends z.ZodType | undefined = z.ZodType | undefined,
> {
  /** Unique operation id, `<tag>.<verb>` (for example `shares.smb.create`). */
  id: string;
  method: HttpMethod;
  /** Path in OpenAPI form: `/api/shares/smb/{id}`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  access: Access;
  body?: B;
  query?: Q;
  params?: P;
  /** Success body; undefined for 204 or non-JSON bodies. */
  response?: R;
  /** Success status (default 200). */
  status?: number;
  /** Media type of a non-JSON success body (for example `text/plain` for Prometheus). */
  produces?: string;
  /** Documented non-success statuses, beyond the common ones every operation may return. */
  errors?: Record<number, string>;
}

export function endpoint<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
  R extends z.ZodType | undefined = undefined,
>(def: EndpointDef<B, Q, P, R>): EndpointDef<B, Q, P, R> {
  return def;
}

export type BodyOf<E> = E extends EndpointDef<infer B, z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>
  ? B extends z.ZodType ? z.infer<B> : never
  : never;
export type QueryOf<E> = E extends EndpointDef<z.ZodType | undefined, infer Q, z.ZodType | undefined, z.ZodType | undefined>
  ? Q extends z.ZodType ? z.infer<Q> : never
  : never;
export type ParamsOf<E> = E extends EndpointDef<z.ZodType | undefined, z.ZodType | undefined, infer P, z.ZodType | undefined>
  ? P extends z.ZodType ? z.infer<P> : never
  : never;
export type ResponseOf<E> = E extends EndpointDef<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined, infer R>
  ? R extends z.ZodType ? z.infer<R> : void
  : never;
/** Input type of a body schema (before defaults are applied): what a form or client sends. */
export type BodyInputOf<E> = E extends EndpointDef<infer B, z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>
  ? B extends z.ZodType ? z.input<B> : never
  : never;

const ROLE_RANK: Record<Exclude<Access, 'public'>, number> = { viewer: 1, operator: 2, admin: 3 };

/** True when a caller with `role` may use an endpoint guarded by `access`. */
export function allows(access: Access, role: string | null | undefined): boolean {
  if (access === 'public') return true;
  if (role !== 'viewer' && role !== 'operator' && role !== 'admin') return false;
  return ROLE_RANK[role] >= ROLE_RANK[access];
}
