import { jobsApi } from '@moxnas/contracts';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { call } from '../../../lib/api-client';

const RECENT = { page: 1, pageSize: 5 } as const;

export const getRecentJobs = (signal?: AbortSignal) => call(jobsApi.list, { query: RECENT, signal });

export const recentJobsQueryOptions = () =>
  queryOptions({
    queryKey: ['jobs', 'list', RECENT],
    queryFn: ({ signal }) => getRecentJobs(signal),
    // Poll quickly only while something is in progress.
    refetchInterval: (query) =>
      query.state.data?.items.some((j) => j.state === 'queued' || j.state === 'running') ? 2_000 : 30_000,
  });

export function useRecentJobs({ enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...recentJobsQueryOptions(), enabled });
}
