import { z } from 'zod';
import { IdParams, page, PageQuery } from './common';
import { endpoint } from './endpoint';

export const JobState = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
export type JobState = z.infer<typeof JobState>;

export const JobLogLine = z.object({
  at: z.string().describe('ISO-8601 time.'),
  level: z.enum(['info', 'warn', 'error']),
  message: z.string(),
});
export type JobLogLine = z.infer<typeof JobLogLine>;

export const Job = z.object({
  id: z.string().uuid(),
  type: z.string().describe('What the job does, for example `config.apply` or `snapshot.create`.'),
  state: JobState,
  progress: z.number().int().min(0).max(100),
  message: z.string().nullable().describe('The latest progress message.'),
  log: z.array(JobLogLine).describe('Log lines, oldest first (the last 500 are kept).'),
  result: z.unknown().nullable(),
  error: z.string().nullable(),
  actor: z.string().nullable().describe('Who started it (username), or null for the system.'),
  cancelRequested: z.boolean(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type Job = z.infer<typeof Job>;

export const JobListQuery = PageQuery.extend({
  state: JobState.optional(),
  type: z.string().max(100).optional(),
});

export const jobsApi = {
  list: endpoint({
    id: 'jobs.list',
    method: 'GET',
    path: '/api/system/jobs',
    tag: 'jobs',
    access: 'viewer',
    summary: 'Jobs, newest first',
    query: JobListQuery,
    response: page(Job),
  }),
  get: endpoint({
    id: 'jobs.get',
    method: 'GET',
    path: '/api/system/jobs/{id}',
    tag: 'jobs',
    access: 'viewer',
    summary: 'One job with its log',
    params: IdParams,
    response: Job,
  }),
  cancel: endpoint({
    id: 'jobs.cancel',
    method: 'POST',
    path: '/api/system/jobs/{id}/cancel',
    tag: 'jobs',
    access: 'operator',
    summary: 'Ask a queued or running job to stop; it ends as cancelled at its next checkpoint',
    params: IdParams,
    response: Job,
    errors: { 409: 'The job has already finished.' },
  }),
};

/** Messages on the `/api/events` WebSocket. */
export const EventMessage = z.object({
  type: z.string().describe('`job.progress`, `job.finished`, `service.status`, `alert.raised`, `alert.cleared`, `metrics.tick`, …'),
  at: z.string(),
  data: z.unknown(),
});
export type EventMessage = z.infer<typeof EventMessage>;
