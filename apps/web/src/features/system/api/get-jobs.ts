import { jobsApi, type JobState } from '@moxnas/contracts';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { call } from '../../../lib/api-client';

export interface JobsFilter {
  page: number;
  pageSize: number;
  state?: JobState;
}

export const getJobs = (filter: JobsFilter, signal?: AbortSignal) => call(jobsApi.list, { query: filter, signal });

export const jobsQueryOptions = (filter: JobsFilter) =>
  queryOptions({
    queryKey: ['jobs', 'list', filter],
    queryFn: ({ signal }) => getJobs(filter, signal),
    placeholderData: keepPreviousData,
    // Progress bars move while something runs; otherwise a slow poll is enough.
    refetchInterval: (query) =>
      query.state.data?.items.some((j) => j.state === 'queued' || j.state === 'running') ? 2_000 : 30_000,
  });

export function useJobs(filter: JobsFilter) {
  return useQuery(jobsQueryOptions(filter));
}
