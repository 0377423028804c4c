import { createParamDecorator, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FieldError } from '@moxnas/contracts';
import { DomainError } from '../../core/errors/domain-error';
import { sentBody } from '../../core/http/contract-validation.guard';

/** Options every share mutation takes besides its body. */
export interface MutationOptions {
  dryRun: boolean;
  actor: string | null;
}

export function throwIfInvalid(errors: FieldError[], message = 'The share is not valid.'): void {
  if (errors.length) throw DomainError.validation(errors, message);
}

export { likeContaining as likeTerm } from '../../core/database/like';

/** Octal text as stored and shown: at least four digits (`0775`, `2775` → `02775`). */
export function normalizeOctal(mode: string): string {
  return `0${parseInt(mode, 8).toString(8).padStart(3, '0')}`;
}

const SENT_KEYS = Symbol('moxnas:sent-keys');

/**
 * Remembers which top-level body fields the client really sent, not the parsed body the contract
 * validation guard of `@Route` hands the handler (defaults filled in), whichever of the two guards
 * runs first. Never refuses. A preset fills only the fields the body left out, and without this the
 * service could not tell "left out" from "sent the default".
 */
@Injectable()
export class RememberSentFields implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<{ body?: unknown; [SENT_KEYS]?: string[] }>();
    const body = sentBody(req);
    req[SENT_KEYS] = body && typeof body === 'object' && !Array.isArray(body) ? Object.keys(body) : [];
    return true;
  }
}

/** The top-level fields the body carried (with RememberSentFields on the handler). */
export const SentFields = createParamDecorator((_: unknown, ctx: ExecutionContext): Set<string> => {
  const req = ctx.switchToHttp().getRequest<{ [SENT_KEYS]?: string[] }>();
  return new Set(req[SENT_KEYS] ?? []);
});

export type { Page } from '../../core/http/page';
