import { jobsApi } from '@moxnas/contracts';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { call } from '../../../lib/api-client';

const RECENT = { page: 1, pageSize: 5 } as const;

export const getRecentJobs = (signal?: AbortSignal) => call(jobsApi.list, { query: RECENT, signal });

export const recentJobsQueryKey = ['jobs', 'list', RECENT] as const;

export const recentJobsQueryOptions = () =>
  queryOptions({
    queryKey: recentJobsQueryKey,
    queryFn: ({ signal }) => getRecentJobs(signal),
    // Poll quickly only while something is in progress.
    refetchInterval: (query) =>
      query.state.data?.items.some((j) => j.state === 'queued' || j.state === 'running') ? 2_000 : 30_000,
  });

/** With `live`, job events keep the list current and a slow poll only catches new jobs. */
export function useRecentJobs({ enabled = true, live = false }: { enabled?: boolean; live?: boolean } = {}) {
  const options = recentJobsQueryOptions();
  return useQuery({ ...options, enabled, refetchInterval: live ? 30_000 : options.refetchInterval });
}
