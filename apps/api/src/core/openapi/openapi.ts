import { allEndpoints, buildOpenApi } from '@moxnas/contracts';

/** The served document; `npm run openapi` writes the same object to the committed file. */
export function openApiDocument(version: string): Record<string, unknown> {
  return buildOpenApi(allEndpoints, { version });
}
