import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { ErrorCode, ErrorResponse } from '@moxnas/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { DomainError, httpStatusOf } from './domain-error';

const HTTP_CODES: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'VALIDATION_FAILED',
  423: 'LOCKED',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

/** Connection-level failures of the database: the dependency is down, not the request bad. */
function isDatabaseDown(err: unknown): boolean {
  const e = err as { code?: string; message?: string; driverError?: { code?: string } };
  const code = e?.driverError?.code ?? e?.code ?? '';
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ENOENT', 'ETIMEDOUT', 'EPIPE', '57P01', '57P03', '08006', '08001', '08003'].includes(code) ||
    /Connection terminated|connection timeout|Client has encountered a connection error|not yet connected/i.test(e?.message ?? '')
  );
}

/**
 * The one place errors become HTTP responses. A 500 never leaks internals: it carries only the
 * request id, and the details go to the log.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly log = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const request = ctx.getRequest<FastifyRequest>();
    const body = this.toBody(exception, String(request.id));
    if (body.statusCode >= 500) {
      this.log.error({ err: exception, requestId: request.id, url: request.url }, 'request failed');
    }
    void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  toBody(exception: unknown, requestId: string): ErrorResponse {
    if (exception instanceof DomainError) {
      const statusCode = httpStatusOf(exception.code);
      return {
        statusCode,
        code: exception.code,
        message: exception.message,
        requestId,
        ...(exception.fieldErrors ? { errors: exception.fieldErrors } : {}),
        ...(exception.details ? { details: exception.details } : {}),
      };
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const res = exception.getResponse();
      const message =
        typeof res === 'string' ? res : String((res as { message?: unknown }).message ?? exception.message);
      return { statusCode, code: HTTP_CODES[statusCode] ?? (statusCode >= 500 ? 'INTERNAL' : 'BAD_REQUEST'), message, requestId };
    }
    // Fastify's own errors (bad JSON, body too large, unsupported media type) carry a statusCode.
    const fastifyErr = exception as { statusCode?: number; code?: string; message?: string };
    if (typeof fastifyErr?.statusCode === 'number' && fastifyErr.statusCode >= 400 && fastifyErr.statusCode < 500) {
      const statusCode = fastifyErr.statusCode;
      const message =
        statusCode === 413
          ? 'The request body is larger than the limit.'
          : statusCode === 415
            ? 'Unsupported content type; send application/json.'
            : fastifyErr.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || /JSON/i.test(fastifyErr.message ?? '')
              ? 'The request body is not valid JSON.'
              : (fastifyErr.message ?? 'Bad request.');
      return { statusCode, code: HTTP_CODES[statusCode] ?? 'BAD_REQUEST', message, requestId };
    }
    if (isDatabaseDown(exception) || (exception instanceof QueryFailedError && isDatabaseDown(exception.driverError))) {
      return { statusCode: 503, code: 'UNAVAILABLE', message: 'The database is not reachable; try again shortly.', requestId };
    }
    return { statusCode: 500, code: 'INTERNAL', message: 'Internal error; quote the request id when reporting it.', requestId };
  }
}
