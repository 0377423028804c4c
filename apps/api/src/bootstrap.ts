import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import { NotFoundException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { fastify as createFastify, LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import { AppModule } from './app.module';
import type { AppConfig } from './core/config/config';
import { DataDirLock } from './core/database/data-dir-lock';
import { AllExceptionsFilter } from './core/errors/exception.filter';
import { registerListEtags } from './core/http/etag';
import { createLogger, PinoNestLogger, requestIdFrom, requestLogLevel, type Logger } from './core/logging/logger';
import { MetricsService } from './core/metrics/metrics.service';
import { openApiDocument } from './core/openapi/openapi';

/**
 * Builds the configured application (not yet listening). main.ts, the CLI and the tests all start
 * the API through here, so they run the same stack.
 */
export async function createApp(config: AppConfig, logger: Logger = createLogger(config.logLevel)): Promise<NestFastifyApplication> {
  // First, before the embedded database or any daemon state is touched: one server per data dir.
  const lock = config.role === 'server' ? await DataDirLock.acquire(config.dataDir) : null;
  try {
    const app = await buildApp(config, logger);
    // onClose runs after the shutdown hooks (the embedded database is closed by then).
    if (lock) app.getHttpAdapter().getInstance().addHook('onClose', () => lock.release());
    return app;
  } catch (err) {
    await lock?.release();
    throw err;
  }
}

async function buildApp(config: AppConfig, logger: Logger): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => requestIdFrom(req.headers['x-request-id'], randomUUID),
    routerOptions: { ignoreTrailingSlash: true },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
    // JSON only: Nest would add a form-urlencoded parser, Fastify has a text/plain one. The API takes
    // JSON bodies, so anything else is a 415 rather than a string or a form reaching a contract.
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeContentTypeParser(['text/plain']);
  const filter = new AllExceptionsFilter();
  const metrics = app.get(MetricsService);

  const security = await securityHeaders();
  fastify.addHook('onRequest', async (req, reply) => {
    void reply.header('x-request-id', req.id);
    // Where and how helmet itself sets them: on the raw response, before anything else runs.
    for (const [name, value] of security) reply.raw.setHeader(name, value);
  });
  fastify.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    metrics.observeRequest(req.method, route, reply.statusCode, seconds);
    const level = requestLogLevel(req.method, route, reply.statusCode, reply.elapsedTime);
    // Checked first: a probe at info costs no object and no serialisation.
    if (logger.isLevelEnabled(level)) {
      req.log[level]({ method: req.method, route, url: req.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100 }, 'request');
    }
  });

  registerListEtags(fastify);

  await app.register(fastifyCookie);
  app.enableCors({ origin: config.corsOrigins.length ? config.corsOrigins : false, credentials: true });

  if (config.swagger) {
    // A factory: the document is built on the first request for it, not at boot.
    SwaggerModule.setup('api/docs', app, () => openApiDocument(config.version) as unknown as OpenAPIObject, {
      jsonDocumentUrl: 'api/openapi.swagger.json',
      yamlDocumentUrl: 'api/openapi.swagger.yaml',
    });
  }

  await serveDashboard(app, config, filter);
  app.enableShutdownHooks();
  return app;
}

const HELMET_OPTIONS = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'", 'ws:', 'wss:'],
      frameAncestors: ["'none'"],
      // Plain-HTTP installs must keep working; TLS is nginx's job.
      upgradeInsecureRequests: null,
    },
  },
};

/**
 * The headers helmet sets, worked out once at boot. @fastify/helmet builds a new helmet middleware
 * (parsing the CSP directives again) on every request, a tenth of the CPU of a cheap request; with
 * one global configuration, no nonces and no per-route options every response gets the same
 * headers. So helmet answers one request on a throwaway instance, and its headers (everything a
 * bare instance does not send) are what the onRequest hook sets.
 */
async function securityHeaders(): Promise<Array<[string, string]>> {
  const answer = async (withHelmet: boolean) => {
    const probe = createFastify({ logger: false });
    if (withHelmet) await probe.register(fastifyHelmet, HELMET_OPTIONS);
    probe.get('/', async () => 'ok');
    const res = await probe.inject({ method: 'GET', url: '/' });
    await probe.close();
    return res.headers;
  };
  const bare = await answer(false);
  const helmeted = await answer(true);
  return Object.entries(helmeted)
    .filter(([name]) => !(name in bare))
    .map(([name, value]) => [name, String(value)]);
}

/** The built dashboard at `/`: hashed assets cached long, client routes fall back to index.html. */
async function serveDashboard(app: NestFastifyApplication, config: AppConfig, filter: AllExceptionsFilter): Promise<void> {
  const index = path.join(config.webRoot, 'index.html');
  const hasWeb = fs.existsSync(index);
  if (hasWeb) {
    await app.register(fastifyStatic, {
      root: config.webRoot,
      prefix: '/',
      wildcard: false,
      index: false,
      setHeaders: (res, file) => {
        res.header(
          'cache-control',
          file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }
  const fastify = app.getHttpAdapter().getInstance();
  const fallback = async (req: FastifyRequest, reply: FastifyReply) => {
    const isApi = req.url.startsWith('/api/') || req.url === '/api' || req.url.startsWith('/api?');
    if (isApi || !hasWeb) {
      const message = isApi ? `No route for ${req.method} ${req.url.split('?')[0]}` : 'The dashboard is not built; run npm run build.';
      return reply.status(404).send(filter.toBody(new NotFoundException(message), String(req.id)));
    }
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(fs.createReadStream(index));
  };
  fastify.get('/', fallback);
  fastify.get('/*', fallback);
}
