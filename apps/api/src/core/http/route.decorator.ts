import { applyDecorators, HttpCode, RequestMapping, RequestMethod, SetMetadata, UseGuards } from '@nestjs/common';
import type { EndpointDef } from '@moxnas/contracts';
import { ContractValidationGuard } from './contract-validation.guard';

export const ENDPOINT_META = 'moxnas:endpoint';

const METHODS: Record<EndpointDef['method'], RequestMethod> = {
  GET: RequestMethod.GET,
  POST: RequestMethod.POST,
  PUT: RequestMethod.PUT,
  PATCH: RequestMethod.PATCH,
  DELETE: RequestMethod.DELETE,
};

/** `/api/shares/smb/{id}` → `/api/shares/smb/:id` */
export function nestPath(contractPath: string): string {
  return contractPath.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
}

/**
 * Binds a handler to its contract: path, method, success status, access policy and the schemas the
 * contract validation guard applies (after the global AccessGuard). Controllers use no other routing
 * decorator, so every route has a policy, validation and a place in the OpenAPI document.
 */
export function Route(def: EndpointDef): MethodDecorator {
  return applyDecorators(
    RequestMapping({ path: nestPath(def.path), method: METHODS[def.method] }),
    HttpCode(def.status ?? 200),
    SetMetadata(ENDPOINT_META, def),
    UseGuards(new ContractValidationGuard(def)),
  );
}
