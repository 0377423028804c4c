import { z } from 'zod';
import { ErrorResponse } from './common';
import type { EndpointDef } from './endpoint';

type JsonObject = Record<string, unknown>;

/**
 * A request body is strict at every depth (the API answers 422 "unknown field", see
 * `unknownFields`), so its objects say `additionalProperties: false` even where the zod object
 * itself is a plain one; objects with a catch-all (records) keep theirs.
 */
const strictObjects = (ctx: { zodSchema: unknown; jsonSchema: JsonObject }) => {
  const def = (ctx.zodSchema as { _zod: { def: { type: string } } })._zod.def;
  if (def.type === 'object' && ctx.jsonSchema['additionalProperties'] === undefined) ctx.jsonSchema['additionalProperties'] = false;
};

function schemaOf(type: z.ZodType, io: 'input' | 'output', strict = false): JsonObject {
  const json = z.toJSONSchema(type, { target: 'draft-2020-12', io, unrepresentable: 'any', ...(strict ? { override: strictObjects } : {}) }) as JsonObject;
  delete json['$schema'];
  return json;
}

const COMMON_ERRORS: Record<number, string> = {
  400: 'Malformed request (bad JSON, wrong types).',
  422: 'Input failed validation; `errors` lists each field.',
  500: 'Unexpected failure; the body carries only the request id.',
};
const AUTH_ERRORS: Record<number, string> = {
  401: 'Missing, expired or invalid credentials.',
  403: 'The caller’s role does not allow this operation.',
};

/** Builds the OpenAPI 3.1 document from the endpoint contracts. Pure: same input, same output. */
export function buildOpenApi(endpoints: readonly EndpointDef[], info: { version: string }): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const e of endpoints) {
    const parameters: JsonObject[] = [];
    for (const [where, type] of [
      ['path', e.params],
      ['query', e.query],
    ] as const) {
      if (!type) continue;
      const json = schemaOf(type, 'input');
      const props = (json['properties'] ?? {}) as Record<string, JsonObject>;
      const required = new Set((json['required'] as string[] | undefined) ?? []);
      for (const [name, prop] of Object.entries(props)) {
        parameters.push({
          name,
          in: where,
          required: where === 'path' || required.has(name),
          description: prop['description'],
          schema: prop,
        });
      }
    }
    const status = String(e.status ?? 200);
    const ok: JsonObject = { description: e.summary };
    if (e.response) {
      ok['content'] = { [e.produces ?? 'application/json']: { schema: schemaOf(e.response, 'output') } };
    }
    const errors = { ...COMMON_ERRORS, ...(e.access === 'public' ? {} : AUTH_ERRORS), ...(e.errors ?? {}) };
    const responses: JsonObject = { [status]: ok };
    for (const [code, text] of Object.entries(errors)) {
      responses[code] = { description: text, content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } } };
    }
    const op: JsonObject = {
      operationId: e.id,
      tags: [e.tag],
      summary: e.summary,
      description: [e.description, `Access: ${e.access}.`].filter(Boolean).join('\n\n'),
      parameters,
      responses,
    };
    if (e.access !== 'public') op['security'] = [{ bearer: [] }];
    if (e.body) {
      op['requestBody'] = { required: true, content: { 'application/json': { schema: schemaOf(e.body, 'input', true) } } };
    }
    (paths[e.path] ??= {})[e.method.toLowerCase()] = op;
  }
  const sortedPaths = Object.fromEntries(Object.keys(paths).sort().map((p) => [p, paths[p]]));
  return {
    openapi: '3.1.0',
    info: {
      title: 'MoxNAS API',
      version: info.version,
      description: 'Manage storage, users, SMB/NFS/FTP shares, services, network and health of a MoxNAS box.',
    },
    servers: [{ url: '/' }],
    paths: sortedPaths,
    components: {
      schemas: { ErrorResponse: schemaOf(ErrorResponse, 'output') },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT or API token' } },
    },
  };
}
