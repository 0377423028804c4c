import { createHash } from 'node:crypto';
import { allEndpoints, type EndpointDef } from '@moxnas/contracts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { nestPath } from './route.decorator';

/** A list: an array, or the contracts' `page(item)` object (`items`, `total`, `page`, `pageSize`). */
function isList(response: EndpointDef['response']): boolean {
  if (response instanceof z.ZodArray) return true;
  if (!(response instanceof z.ZodObject)) return false;
  const shape = response.shape as Record<string, unknown>;
  return shape['items'] instanceof z.ZodArray && 'total' in shape && 'pageSize' in shape;
}

/** Route templates (Fastify form) of the GET endpoints that answer a list. */
export function listRoutes(endpoints: readonly EndpointDef[] = allEndpoints): Set<string> {
  return new Set(endpoints.filter((e) => e.method === 'GET' && isList(e.response)).map((e) => nestPath(e.path)));
}

/** A weak validator from the body: equal bodies, equal tags; any change in the body, a new tag. */
export function weakEtag(body: string | Buffer): string {
  return `W/"${createHash('sha1').update(body).digest('base64url')}"`;
}

/** RFC 9110 §13.1.2: `*` or any listed tag matching by weak comparison (the `W/` prefix ignored). */
export function noneMatch(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const want = opaque(etag);
  const tags = (Array.isArray(header) ? header.join(',') : header).split(',');
  return tags.some((t) => t.trim() === '*' || opaque(t) === want);
}

/**
 * ETag / 304 for the list endpoints the dashboard polls. The tag is the hash of the serialised body
 * (after the handler, guards and serialisation ran, so it is per caller and always current); a
 * request whose If-None-Match names it gets 304 with no body. Every response is revalidated
 * (`no-cache`) and kept out of shared caches (`private`), as it depends on the session.
 */
export function registerListEtags(fastify: FastifyInstance, routes: Set<string> = listRoutes()): void {
  fastify.addHook('onSend', async (req, reply, payload) => {
    if (req.method !== 'GET' || reply.statusCode !== 200 || !routes.has(req.routeOptions.url ?? '')) return payload;
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    const etag = weakEtag(payload);
    void reply.header('etag', etag).header('cache-control', 'private, no-cache');
    if (!noneMatch(req.headers['if-none-match'], etag)) return payload;
    void reply.code(304).removeHeader('content-type').removeHeader('content-length');
    return '';
  });
}
