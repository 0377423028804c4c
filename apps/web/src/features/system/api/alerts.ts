import { alertsApi, type AlertListQuery } from '@moxnas/contracts';
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from '../../../lib/api-client';

export type AlertsFilter = Pick<AlertListQuery, 'page' | 'pageSize' | 'state' | 'severity'>;

export const getAlerts = (filter: AlertsFilter, signal?: AbortSignal) => call(alertsApi.list, { query: filter, signal });

export const alertsQueryOptions = (filter: AlertsFilter) =>
  queryOptions({ queryKey: ['alerts', 'list', filter], queryFn: ({ signal }) => getAlerts(filter, signal), placeholderData: keepPreviousData, refetchInterval: 30_000 });

export function useAlerts(filter: AlertsFilter) {
  return useQuery(alertsQueryOptions(filter));
}

export const acknowledgeAlert = (id: string) => call(alertsApi.acknowledge, { params: { id } });

export function useAcknowledgeAlert() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: acknowledgeAlert,
    // The dashboard's alert counts come with the metrics.
    onSuccess: () => Promise.all([queryClient.invalidateQueries({ queryKey: ['alerts'] }), queryClient.invalidateQueries({ queryKey: ['system', 'metrics'] })]),
  });
}
