import { z } from 'zod';
import { endpoint } from './endpoint';

export const CheckStatus = z.enum(['healthy', 'degraded', 'unhealthy']);
export type CheckStatus = z.infer<typeof CheckStatus>;

export const ProbeResponse = z.object({
  status: z.enum(['ok', 'error']),
  checks: z
    .record(z.string(), z.object({ status: z.enum(['ok', 'error']), message: z.string().optional() }))
    .optional()
    .describe('Per-dependency result; the failing check is named here.'),
});
export type ProbeResponse = z.infer<typeof ProbeResponse>;

export const HealthSummary = z.object({
  status: CheckStatus,
  timestamp: z.string().describe('ISO-8601 time of the check.'),
  uptimeSeconds: z.number().describe('Seconds since the API process started.'),
  version: z.string(),
});
export type HealthSummary = z.infer<typeof HealthSummary>;

const Check = z.object({
  status: CheckStatus,
  responseTimeMs: z.number().describe('How long this check took.'),
  message: z.string().optional(),
});

export const DetailedHealth = z.object({
  status: CheckStatus,
  timestamp: z.string(),
  checks: z.object({
    database: Check.extend({ backend: z.enum(['postgres', 'embedded']), migrationsPending: z.number().int() }),
    cache: Check.extend({ backend: z.enum(['redis', 'memory']) }),
    services: Check.extend({ services: z.record(z.string(), z.string()).describe('Service id → state.') }),
    storage: Check.extend({ pools: z.number().int(), degraded: z.number().int() }),
    system: Check.extend({
      loadAverage: z.array(z.number()),
      memoryUsedRatio: z.number(),
      uptimeSeconds: z.number(),
    }),
  }),
});
export type DetailedHealth = z.infer<typeof DetailedHealth>;

export const healthApi = {
  summary: endpoint({
    id: 'health.summary',
    method: 'GET',
    path: '/api/system/health',
    tag: 'health',
    access: 'public',
    summary: 'Quick health summary: 200 while healthy or degraded, 503 when unhealthy',
    response: HealthSummary,
    errors: { 503: 'Unhealthy; the body is the same summary.' },
  }),
  live: endpoint({
    id: 'health.live',
    method: 'GET',
    path: '/api/system/health/live',
    tag: 'health',
    access: 'public',
    summary: 'Liveness probe: 200 while the process runs; depends on nothing else',
    response: ProbeResponse,
  }),
  ready: endpoint({
    id: 'health.ready',
    method: 'GET',
    path: '/api/system/health/ready',
    tag: 'health',
    access: 'public',
    summary:
      'Readiness probe: 503 naming the failing check until the database answers on the path the data routes use, migrations are applied and the start-up reconcile has made the host match the database; an optional Redis that is down does not make the box unready',
    response: ProbeResponse,
    errors: { 503: 'Not ready; `checks` names what failed.' },
  }),
  detailed: endpoint({
    id: 'health.detailed',
    method: 'GET',
    path: '/api/system/health/detailed',
    tag: 'health',
    access: 'admin',
    summary: 'Per-check status with response times: 200 while healthy or degraded, 503 when unhealthy',
    response: DetailedHealth,
    errors: { 503: 'Unhealthy; the body is the same per-check report.' },
  }),
};
