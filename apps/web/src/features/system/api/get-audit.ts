import { auditApi, type AuditQuery } from '@moxnas/contracts';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { call } from '../../../lib/api-client';

export type AuditFilter = Pick<AuditQuery, 'page' | 'pageSize' | 'actor' | 'action' | 'result'>;

export const getAudit = (filter: AuditFilter, signal?: AbortSignal) => call(auditApi.list, { query: filter, signal });

export const auditQueryOptions = (filter: AuditFilter) =>
  queryOptions({ queryKey: ['audit', 'list', filter], queryFn: ({ signal }) => getAudit(filter, signal), placeholderData: keepPreviousData });

export function useAudit(filter: AuditFilter, { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...auditQueryOptions(filter), enabled });
}
