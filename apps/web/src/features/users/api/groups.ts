import { groupsApi, type CreateGroupRequest, type PageQuery } from '@moxnas/contracts';
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { call } from '../../../lib/api-client';

export type GroupsFilter = Pick<PageQuery, 'page' | 'pageSize' | 'search'>;
export type CreateGroupInput = z.input<typeof CreateGroupRequest>;

export const groupsKeys = {
  all: ['groups'] as const,
  list: (filter: GroupsFilter) => ['groups', 'list', filter] as const,
};

const invalidateAccounts = (queryClient: ReturnType<typeof useQueryClient>) =>
  Promise.all([queryClient.invalidateQueries({ queryKey: groupsKeys.all }), queryClient.invalidateQueries({ queryKey: ['users'] })]);

export const getGroups = (filter: GroupsFilter, signal?: AbortSignal) => call(groupsApi.list, { query: filter, signal });

export const groupsQueryOptions = (filter: GroupsFilter) =>
  queryOptions({ queryKey: groupsKeys.list(filter), queryFn: ({ signal }) => getGroups(filter, signal), placeholderData: keepPreviousData });

export function useGroups(filter: GroupsFilter, { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...groupsQueryOptions(filter), enabled });
}

export const createGroup = (body: CreateGroupInput) => call(groupsApi.create, { body });

export function useCreateGroup() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: createGroup, onSuccess: () => invalidateAccounts(queryClient) });
}

export const deleteGroup = (id: string) => call(groupsApi.delete, { params: { id } });

export function useDeleteGroup() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: deleteGroup, onSuccess: () => invalidateAccounts(queryClient) });
}
