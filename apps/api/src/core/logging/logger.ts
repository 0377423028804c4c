import type { LoggerService } from '@nestjs/common';
import { healthApi, metricsApi } from '@moxnas/contracts';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout (or `destination`); secrets that may appear in request logs are redacted at the source. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { app: 'moxnas' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'password', '*.password', 'token', '*.token'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Routes a probe or a scraper calls every few seconds: logged at debug, not at info. */
const PROBE_ROUTES = new Set([healthApi.live, healthApi.ready, metricsApi.prometheus, metricsApi.prometheusRoot].map((e) => e.path));
/** A probe slower than this is worth a warning: the orchestrator may be about to give up on it. */
export const SLOW_PROBE_MS = 1000;

/**
 * The level of a request's log line. Probes and scrapes are debug unless they failed (5xx) or were
 * slow, which is warn; every other request is info.
 */
export function requestLogLevel(method: string, route: string, status: number, ms: number): 'debug' | 'info' | 'warn' {
  if (method !== 'GET' || !PROBE_ROUTES.has(route)) return 'info';
  return status >= 500 || ms >= SLOW_PROBE_MS ? 'warn' : 'debug';
}

/** Routes Nest's own logging into pino so every line is JSON. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace', message: unknown, rest: unknown[]): void {
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    if (message !== null && typeof message === 'object') {
      const obj = message as Record<string, unknown>;
      const msg = typeof rest[0] === 'string' && rest.length > 1 ? (rest[0] as string) : undefined;
      this.logger[level]({ context, ...obj }, msg);
    } else {
      const stack = level === 'error' && rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : undefined;
      this.logger[level]({ context, ...(stack ? { stack } : {}) }, String(message));
    }
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Takes the caller's X-Request-ID when it is sane, otherwise makes one. */
export function requestIdFrom(header: string | string[] | undefined, next: () => string): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && REQUEST_ID.test(value) ? value : next();
}
