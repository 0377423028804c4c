import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import { AuditContext, type AuditDetail } from './audit-context';
import { attachAuditDetail, isMutating } from './audit.service';

/**
 * Opens the audit record of a mutating request: services fill it through AuditContext while the
 * handler runs, and AuditService writes it when the response has been sent.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(private readonly context: AuditContext) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    if (!isMutating(req.method)) return next.handle();
    const detail: AuditDetail = {};
    attachAuditDetail(req, detail);
    // The handler runs inside the store, so everything it awaits sees the same record.
    return new Observable((subscriber) => this.context.run(detail, () => next.handle().subscribe(subscriber)));
  }
}
