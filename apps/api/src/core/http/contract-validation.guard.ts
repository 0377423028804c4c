import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { UNKNOWN_FIELD, type EndpointDef, type FieldError } from '@moxnas/contracts';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { DomainError } from '../errors/domain-error';
import { fieldErrors, unknownFieldErrors, unstorableStrings } from './validation';

const SENT_BODY = Symbol('moxnas:sent-body');

type ValidatedRequest = FastifyRequest & { [SENT_BODY]?: unknown };

/**
 * The body as the client sent it, before contract validation replaced it with the parsed one
 * (defaults filled in); the current body while validation has not run.
 */
export function sentBody(req: object): unknown {
  const validated = req as ValidatedRequest;
  return SENT_BODY in validated ? validated[SENT_BODY] : validated.body;
}

/**
 * Validates params, query and body against the route's contract before the handler runs and hands
 * the handler the parsed values (defaults applied). Every problem of every part is reported
 * together.
 *
 * Every body is strict: a key the contract has no field for, at any depth, is a 422 "unknown field"
 * naming it, never silently dropped (a mistyped `readonly` or an NFS `options` string would
 * otherwise create a share without what the admin asked for). A route without a body contract
 * takes no body fields at all. Queries are strict the same way: an unknown query key is a 422
 * naming it (`query.dryrun`), and a route without a query contract takes no query keys.
 *
 * A guard that `@Route` attaches to each handler, not a global interceptor: Nest runs global guards
 * (the AccessGuard, so a caller without credentials gets 401 before any 422) and then the method's,
 * and a guard costs a plain call where every interceptor costs an rxjs pipeline per request.
 */
export class ContractValidationGuard implements CanActivate {
  constructor(private readonly def: EndpointDef) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const def = this.def;
    const req = context.switchToHttp().getRequest<ValidatedRequest>();
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
    errors.push(...unknownKeys(def.body, req.body, ''), ...unknownKeys(def.query, req.query, 'query'));
    // Values nothing downstream can hold are refused even where a field's grammar is lax; they
    // replace that field's contract message, other fields' errors still come along.
    const unstorable = [...unstorableStrings(req.params, 'params'), ...unstorableStrings(req.query, 'query'), ...unstorableStrings(req.body, '')];
    if (unstorable.length) {
      const taken = new Set(unstorable.map((e) => e.field));
      errors.splice(0, errors.length, ...unstorable, ...errors.filter((e) => !taken.has(e.field)));
    }
    if (errors.length) {
      dedupe(errors);
      // A 404 is truer than a 422 for a malformed id in the path.
      if (errors.every((e) => e.field.startsWith('params'))) throw DomainError.notFound('The requested object');
      throw DomainError.validation(errors);
    }
    // Guards that run after this one (a method's own @UseGuards) can still see what was sent.
    req[SENT_BODY] = req.body;
    (req as { params: unknown }).params = params;
    (req as { query: unknown }).query = query;
    (req as { body: unknown }).body = body;
    return true;
  }
}

/**
 * The keys of a body or query its contract does not know; with no contract for that part, every key
 * of the object sent. (A mistyped `?dryrun=true` would otherwise be dropped and the change applied
 * for real.)
 */
function unknownKeys(schema: z.ZodType | undefined, value: unknown, prefix: string): FieldError[] {
  if (schema) return unknownFieldErrors(schema, value, prefix);
  if (!value || typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value)) return [];
  return Object.keys(value).map((key) => ({ field: prefix ? `${prefix}.${key}` : key, message: UNKNOWN_FIELD }));
}

/** A strict object's own "unknown field" and the walk's name the same key once. */
function dedupe(errors: FieldError[]): void {
  const seen = new Set<string>();
  const unique = errors.filter((e) => {
    const key = `${e.field}\u0000${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  errors.splice(0, errors.length, ...unique);
}
