import { systemApi } from '@moxnas/contracts';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { call } from '../../../lib/api-client';

/** The API collects every 5 seconds; polling faster would only repeat the same figures. */
export const METRICS_INTERVAL_MS = 5_000;

export const getMetrics = (signal?: AbortSignal) => call(systemApi.metrics, { signal });

export const metricsQueryOptions = () =>
  queryOptions({ queryKey: ['system', 'metrics'], queryFn: ({ signal }) => getMetrics(signal), refetchInterval: METRICS_INTERVAL_MS });

/** While the event stream is live the charts get `metrics.tick`; the snapshot (pools, services, alerts) is read less often. */
export const METRICS_LIVE_INTERVAL_MS = 30_000;

export function useMetrics({ enabled = true, live = false }: { enabled?: boolean; live?: boolean } = {}) {
  return useQuery({ ...metricsQueryOptions(), enabled, refetchInterval: live ? METRICS_LIVE_INTERVAL_MS : METRICS_INTERVAL_MS });
}

export const getMetricsHistory = (signal?: AbortSignal) => call(systemApi.metricsHistory, { signal });

/** The last hour, loaded once so the charts start full; new points come from the polled snapshot. */
export const metricsHistoryQueryOptions = () =>
  queryOptions({ queryKey: ['system', 'metrics', 'history'], queryFn: ({ signal }) => getMetricsHistory(signal), staleTime: Infinity, refetchOnWindowFocus: false });

export function useMetricsHistory({ enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...metricsHistoryQueryOptions(), enabled });
}
