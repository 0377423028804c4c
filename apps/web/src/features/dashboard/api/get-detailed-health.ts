import { healthApi } from '@moxnas/contracts';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { call } from '../../../lib/api-client';

export const DETAILED_HEALTH_INTERVAL_MS = 15_000;

export const getDetailedHealth = (signal?: AbortSignal) => call(healthApi.detailed, { signal });

export const detailedHealthQueryOptions = () =>
  queryOptions({
    queryKey: ['health', 'detailed'],
    queryFn: ({ signal }) => getDetailedHealth(signal),
    refetchInterval: DETAILED_HEALTH_INTERVAL_MS,
  });

export function useDetailedHealth({ enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...detailedHealthQueryOptions(), enabled });
}
