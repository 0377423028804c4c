import { allEndpoints, buildOpenApi } from '@moxnas/contracts';

let built: { version: string; document: Record<string, unknown> } | undefined;

/**
 * The served document; `npm run openapi` writes the same object to the committed file. Built once
 * per version and shared (Swagger UI and GET /api/openapi.json both serve it): building it walks
 * every contract's zod schemas, 30 ms of CPU and a heap of garbage at boot.
 */
export function openApiDocument(version: string): Record<string, unknown> {
  if (built?.version !== version) built = { version, document: buildOpenApi(allEndpoints, { version }) };
  return built.document;
}
