import { z } from 'zod';
import { endpoint } from './endpoint';

export const metricsApi = {
  prometheus: endpoint({
    id: 'metrics.prometheus',
    method: 'GET',
    path: '/api/system/metrics/prometheus',
    tag: 'metrics',
    access: 'public',
    summary: 'Prometheus text exposition (also served at `/metrics`)',
    description:
      'Open like the probes so Prometheus can scrape it without a token; it carries figures, never secrets or names of users.',
    response: z.string(),
    produces: 'text/plain; version=0.0.4; charset=utf-8',
  }),
  prometheusRoot: endpoint({
    id: 'metrics.prometheusRoot',
    method: 'GET',
    path: '/metrics',
    tag: 'metrics',
    access: 'public',
    summary: 'Prometheus text exposition at the conventional path',
    response: z.string(),
    produces: 'text/plain; version=0.0.4; charset=utf-8',
  }),
};

export const docsApi = {
  openapi: endpoint({
    id: 'docs.openapi',
    method: 'GET',
    path: '/api/openapi.json',
    tag: 'docs',
    access: 'public',
    summary: 'This API’s OpenAPI 3.1 document (Swagger UI at /api/docs)',
    response: z.record(z.string(), z.unknown()),
  }),
};
