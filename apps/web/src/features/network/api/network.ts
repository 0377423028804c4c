import { networkApi, type UpdateDns, type UpdateHostname } from '@moxnas/contracts';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { call } from '../../../lib/api-client';

export const networkKeys = {
  interfaces: ['network', 'interfaces'] as const,
  dns: ['network', 'dns'] as const,
  hostname: ['network', 'hostname'] as const,
  bindings: ['network', 'bindings'] as const,
};

export const interfacesQueryOptions = () =>
  queryOptions({ queryKey: networkKeys.interfaces, queryFn: ({ signal }) => call(networkApi.interfaces, { signal }), refetchInterval: 5_000 });
export const useInterfaces = () => useQuery(interfacesQueryOptions());

export const dnsQueryOptions = () => queryOptions({ queryKey: networkKeys.dns, queryFn: ({ signal }) => call(networkApi.getDns, { signal }) });
export const useDns = () => useQuery(dnsQueryOptions());

export const hostnameQueryOptions = () => queryOptions({ queryKey: networkKeys.hostname, queryFn: ({ signal }) => call(networkApi.getHostname, { signal }) });
export const useHostname = () => useQuery(hostnameQueryOptions());

export const bindingsQueryOptions = () => queryOptions({ queryKey: networkKeys.bindings, queryFn: ({ signal }) => call(networkApi.bindings, { signal }) });
export const useBindings = () => useQuery(bindingsQueryOptions());

export type DnsInput = z.input<typeof UpdateDns>;

export function useUpdateDns() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: DnsInput) => call(networkApi.updateDns, { body }),
    onSuccess: (dns) => {
      queryClient.setQueryData(networkKeys.dns, dns);
      return queryClient.invalidateQueries({ queryKey: networkKeys.dns });
    },
  });
}

export function useUpdateHostname() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateHostname) => call(networkApi.updateHostname, { body }),
    onSuccess: (hostname) => {
      queryClient.setQueryData(networkKeys.hostname, hostname);
      // The system facts show the host name too.
      return Promise.all([queryClient.invalidateQueries({ queryKey: networkKeys.hostname }), queryClient.invalidateQueries({ queryKey: ['system', 'info'] })]);
    },
  });
}
