import { usersApi, type CreateUserRequest, type UpdateUserRequest, type UserListQuery } from '@moxnas/contracts';
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { call } from '../../../lib/api-client';

export type UsersFilter = Pick<UserListQuery, 'page' | 'pageSize' | 'search' | 'role'>;
export type CreateUserInput = z.input<typeof CreateUserRequest>;

export const usersKeys = {
  all: ['users'] as const,
  list: (filter: UsersFilter) => ['users', 'list', filter] as const,
};

/** Users and groups reference each other (members, primary group): a change to one refreshes both. */
const invalidateAccounts = (queryClient: ReturnType<typeof useQueryClient>) =>
  Promise.all([queryClient.invalidateQueries({ queryKey: usersKeys.all }), queryClient.invalidateQueries({ queryKey: ['groups'] })]);

export const getUsers = (filter: UsersFilter, signal?: AbortSignal) => call(usersApi.list, { query: filter, signal });

export const usersQueryOptions = (filter: UsersFilter) =>
  queryOptions({ queryKey: usersKeys.list(filter), queryFn: ({ signal }) => getUsers(filter, signal), placeholderData: keepPreviousData });

export function useUsers(filter: UsersFilter, { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...usersQueryOptions(filter), enabled });
}

export const createUser = (body: CreateUserInput) => call(usersApi.create, { body });

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: createUser, onSuccess: () => invalidateAccounts(queryClient) });
}

export const updateUser = ({ id, body }: { id: string; body: UpdateUserRequest }) => call(usersApi.update, { params: { id }, body });

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: updateUser, onSuccess: () => invalidateAccounts(queryClient) });
}

export const deleteUser = ({ id, keepFiles }: { id: string; keepFiles: boolean }) =>
  call(usersApi.delete, { params: { id }, query: { keepFiles: keepFiles ? 'true' : 'false' } });

export function useDeleteUser() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: deleteUser, onSuccess: () => invalidateAccounts(queryClient) });
}
