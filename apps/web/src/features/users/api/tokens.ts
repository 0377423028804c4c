import { tokensApi, type CreateApiTokenRequest } from '@moxnas/contracts';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { call } from '../../../lib/api-client';

export type CreateTokenInput = z.input<typeof CreateApiTokenRequest>;

export const tokensKeys = {
  all: ['tokens'] as const,
  list: (all: boolean) => ['tokens', 'list', { all }] as const,
};

export const getTokens = (all: boolean, signal?: AbortSignal) => call(tokensApi.list, { query: all ? { all: 'true' } : {}, signal });

export const tokensQueryOptions = (all: boolean) => queryOptions({ queryKey: tokensKeys.list(all), queryFn: ({ signal }) => getTokens(all, signal) });

export function useTokens(all: boolean) {
  return useQuery(tokensQueryOptions(all));
}

export const createToken = (body: CreateTokenInput) => call(tokensApi.create, { body });

export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: createToken, onSuccess: () => queryClient.invalidateQueries({ queryKey: tokensKeys.all }) });
}

export const revokeToken = (id: string) => call(tokensApi.revoke, { params: { id } });

export function useRevokeToken() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: revokeToken, onSuccess: () => queryClient.invalidateQueries({ queryKey: tokensKeys.all }) });
}
