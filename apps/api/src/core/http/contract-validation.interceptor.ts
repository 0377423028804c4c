import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { EndpointDef, FieldError } from '@moxnas/contracts';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import type { z } from 'zod';
import { DomainError } from '../errors/domain-error';
import { fieldErrors, unstorableStrings } from './validation';
import { ENDPOINT_META } from './route.decorator';

/**
 * Validates params, query and body against the route's contract before the handler runs and hands
 * the handler the parsed values (defaults applied, unknown keys stripped). Every problem of every
 * part is reported together.
 */
@Injectable()
export class ContractValidationInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const def = this.reflector.get<EndpointDef | undefined>(ENDPOINT_META, context.getHandler());
    if (def && context.getType() === 'http') {
      const req = context.switchToHttp().getRequest<FastifyRequest>();
      const errors: FieldError[] = [];
      const parse = (schema: z.ZodType | undefined, value: unknown, prefix: string): unknown => {
        if (!schema) return value;
        const result = schema.safeParse(value ?? (prefix === 'body' ? undefined : {}));
        if (result.success) return result.data;
        errors.push(...fieldErrors(result.error, prefix === 'body' ? '' : prefix));
        return value;
      };
      const params = parse(def.params, req.params, 'params');
      const query = parse(def.query, req.query, 'query');
      const body = parse(def.body, req.body, 'body');
      // Values nothing downstream can hold are refused even where a field's grammar is lax; they
      // replace that field's contract message, other fields' errors still come along.
      const unstorable = [...unstorableStrings(req.params, 'params'), ...unstorableStrings(req.query, 'query'), ...unstorableStrings(req.body, '')];
      if (unstorable.length) {
        const taken = new Set(unstorable.map((e) => e.field));
        errors.splice(0, errors.length, ...unstorable, ...errors.filter((e) => !taken.has(e.field)));
      }
      if (errors.length) {
        // A 404 is truer than a 422 for a malformed id in the path.
        if (errors.every((e) => e.field.startsWith('params'))) throw DomainError.notFound('The requested object');
        throw DomainError.validation(errors);
      }
      (req as { params: unknown }).params = params;
      (req as { query: unknown }).query = query;
      (req as { body: unknown }).body = body;
    }
    return next.handle();
  }
}
