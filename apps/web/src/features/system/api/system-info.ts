import { systemApi } from '@moxnas/contracts';
import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { call } from '../../../lib/api-client';

export const getSystemInfo = (signal?: AbortSignal) => call(systemApi.info, { signal });

export const systemInfoQueryOptions = () =>
  queryOptions({ queryKey: ['system', 'info'], queryFn: ({ signal }) => getSystemInfo(signal), refetchInterval: 30_000 });

export function useSystemInfo() {
  return useQuery(systemInfoQueryOptions());
}

export const getCapabilities = (refresh: boolean, signal?: AbortSignal) =>
  call(systemApi.capabilities, { query: refresh ? { refresh: 'true' } : {}, signal });

export const capabilitiesQueryOptions = () =>
  queryOptions({ queryKey: ['system', 'capabilities'], queryFn: ({ signal }) => getCapabilities(false, signal) });

export function useCapabilities() {
  return useQuery(capabilitiesQueryOptions());
}

/** Probes the host again (after installing a package or changing the container) and stores the answer. */
export function useReprobeCapabilities() {
  const queryClient = useQueryClient();
  const [state, setState] = useState<{ pending: boolean; error: unknown }>({ pending: false, error: null });
  const run = async () => {
    setState({ pending: true, error: null });
    try {
      queryClient.setQueryData(capabilitiesQueryOptions().queryKey, await getCapabilities(true));
      setState({ pending: false, error: null });
    } catch (error) {
      setState({ pending: false, error });
    }
  };
  return { run, ...state };
}
