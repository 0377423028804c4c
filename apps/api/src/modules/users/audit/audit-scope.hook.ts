import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { AuditContext, type AuditDetail } from './audit-context';
import { attachAuditDetail, isMutating } from './audit.service';

/**
 * Opens the audit record of a mutating request: services fill it through AuditContext while the
 * handler runs, and AuditService writes it when the response has been sent.
 *
 * A Fastify preHandler hook rather than a global Nest interceptor, so reads pay nothing for it:
 * every global interceptor costs an rxjs pipeline and an AsyncResource per request, and GET/HEAD
 * have no record to fill.
 */
@Injectable()
export class AuditScopeHook implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly context: AuditContext,
  ) {}

  onModuleInit(): void {
    // Absent in the CLI's application context: there are no requests to audit there.
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    // preHandler runs after the body has been read and then calls the route (Nest's guards, pipes
    // and handler) from `done`, so everything the handler awaits sees the same record. A callback
    // hook: an async one could not run the rest of the request inside the store.
    fastify.addHook('preHandler', (req, _reply, done) => {
      if (!isMutating(req.method)) {
        done();
        return;
      }
      const detail: AuditDetail = {};
      attachAuditDetail(req, detail);
      this.context.run(detail, done);
    });
  }
}
