import { jobsApi } from '@moxnas/contracts';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { call } from '../../../lib/api-client';

export const getJob = (id: string, signal?: AbortSignal) => call(jobsApi.get, { params: { id }, signal });

export const jobQueryOptions = (id: string) =>
  queryOptions({
    queryKey: ['jobs', 'detail', id],
    queryFn: ({ signal }) => getJob(id, signal),
    refetchInterval: (query) => (query.state.data && ['queued', 'running'].includes(query.state.data.state) ? 1_000 : false),
  });

export function useJob(id: string | null) {
  return useQuery({ ...jobQueryOptions(id ?? ''), enabled: id !== null });
}
