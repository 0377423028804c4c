import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

/**
 * Adds `Retry-After` to 423 and 429 answers whose body carries `details.retryAfterSeconds`, so
 * clients and proxies can back off without parsing the body.
 */
@Injectable()
export class RetryAfterHook implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    fastify.addHook('onSend', async (_req, reply, payload: unknown) => {
      if ((reply.statusCode === 423 || reply.statusCode === 429) && typeof payload === 'string' && !reply.hasHeader('retry-after')) {
        try {
          const seconds = (JSON.parse(payload) as { details?: { retryAfterSeconds?: unknown } }).details?.retryAfterSeconds;
          if (typeof seconds === 'number') void reply.header('retry-after', String(seconds));
        } catch {
          /* not JSON */
        }
      }
      return payload;
    });
  }
}
