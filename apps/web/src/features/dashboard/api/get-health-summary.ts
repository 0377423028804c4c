import { healthApi, type HealthSummary } from '@moxnas/contracts';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest, buildPath } from '../../../lib/api-client';

// An unhealthy box answers 503 with the full report: that report is what the dashboard shows.
export const getHealthSummary = (signal?: AbortSignal) => apiRequest<HealthSummary>(buildPath(healthApi.summary.path, undefined), { signal, acceptStatus: [503], auth: false });

export const healthSummaryQueryOptions = () =>
  queryOptions({ queryKey: ['health', 'summary'], queryFn: ({ signal }) => getHealthSummary(signal), refetchInterval: 30_000 });

export function useHealthSummary({ enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...healthSummaryQueryOptions(), enabled });
}
