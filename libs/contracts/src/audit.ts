import { z } from 'zod';
import { page, PageQuery } from './common';
import { endpoint } from './endpoint';

/** The audit log: one entry per mutating request (and every failed login), answered newest first. */

export const AuditResult = z.enum(['success', 'failure', 'denied']).describe('denied: refused by authentication or role; failure: any other error.');

export const AuditEntry = z.object({
  id: z.string().uuid(),
  at: z.string().describe('ISO-8601 time the request finished.'),
  actorId: z.string().uuid().nullable(),
  actor: z.string().nullable().describe('Username of the caller (or the name tried, for a failed login).'),
  authMethod: z.enum(['session', 'token', 'anonymous', 'cli']).describe('cli: done on the box with the moxnas command.'),
  sessionId: z.string().uuid().nullable(),
  tokenId: z.string().uuid().nullable(),
  sourceIp: z.string().nullable(),
  requestId: z.string(),
  action: z.string().describe('The operation id of the contract, for example `users.create`.'),
  method: z.string(),
  path: z.string(),
  target: z.string().nullable().describe('What was acted on, for example `user:alice`.'),
  before: z.unknown().nullable().describe('State before the change (null for a create), secrets redacted. A U+0000 in any text is shown as ␀.'),
  after: z.unknown().nullable().describe('State after the change: what the service recorded, else the response; the input when it failed. Fields the contracts mark secret are "[redacted]".'),
  result: AuditResult,
  status: z.number().int().describe('HTTP status of the response.'),
  dryRun: z.boolean().describe('A `?dryRun=true` request: it showed what would change and changed nothing.'),
  message: z.string().nullable().describe('The error message, when it failed.'),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

const IsoTime = z.string().datetime({ offset: true, message: 'must be an ISO-8601 time such as 2025-01-31T12:00:00Z' });

export const AuditQuery = z.object({
  page: PageQuery.shape.page,
  pageSize: PageQuery.shape.pageSize,
  actor: z.string().max(64).optional().describe('Username of the caller.'),
  action: z.string().max(100).regex(/^[A-Za-z0-9_.-]+$/, 'an operation id such as users.create or a prefix such as users.').optional().describe('Operation id; a value ending in "." matches every operation under it.'),
  from: IsoTime.optional().describe('Entries at or after this time.'),
  to: IsoTime.optional().describe('Entries before this time.'),
  result: AuditResult.optional(),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export const auditApi = {
  list: endpoint({
    id: 'audit.list',
    method: 'GET',
    path: '/api/system/audit',
    tag: 'audit',
    access: 'admin',
    summary: 'The audit log: every mutating request, newest first',
    query: AuditQuery,
    response: page(AuditEntry),
  }),
};
