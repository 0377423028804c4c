import { healthApi, type DetailedHealth } from '@moxnas/contracts';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest, buildPath } from '../../../lib/api-client';

export const DETAILED_HEALTH_INTERVAL_MS = 15_000;

// An unhealthy box answers 503 with the full report: that report is what the dashboard shows.
export const getDetailedHealth = (signal?: AbortSignal) => apiRequest<DetailedHealth>(buildPath(healthApi.detailed.path, undefined), { signal, acceptStatus: [503] });

export const detailedHealthQueryOptions = () =>
  queryOptions({
    queryKey: ['health', 'detailed'],
    queryFn: ({ signal }) => getDetailedHealth(signal),
    refetchInterval: DETAILED_HEALTH_INTERVAL_MS,
  });

export function useDetailedHealth({ enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...detailedHealthQueryOptions(), enabled });
}
