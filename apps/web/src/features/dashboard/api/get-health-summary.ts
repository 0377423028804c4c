import { healthApi } from '@moxnas/contracts';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { call } from '../../../lib/api-client';

export const getHealthSummary = (signal?: AbortSignal) => call(healthApi.summary, { signal });

export const healthSummaryQueryOptions = () =>
  queryOptions({ queryKey: ['health', 'summary'], queryFn: ({ signal }) => getHealthSummary(signal), refetchInterval: 30_000 });

export function useHealthSummary({ enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...healthSummaryQueryOptions(), enabled });
}
