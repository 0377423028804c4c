import {
  ftpSharesApi,
  groupsApi,
  nfsSharesApi,
  poolsApi,
  sharesApi,
  smbSharesApi,
  usersApi,
  type FtpShareCreate,
  type FtpShareListQuery,
  type FtpShareUpdate,
  type NfsShareCreate,
  type NfsShareListQuery,
  type NfsShareUpdate,
  type ShareImportRequest,
  type SmbShareCreate,
  type SmbShareListQuery,
  type SmbShareUpdate,
} from '@moxnas/contracts';
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { call } from '../../../lib/api-client';

/** What the list toolbars set; the contract's list queries take the same names. */
export interface SharesFilter {
  page: number;
  pageSize: number;
  search?: string;
  enabled?: 'true' | 'false';
  order: 'asc' | 'desc';
}
export type SmbSharesFilter = SharesFilter & { sort: SmbShareListQuery['sort'] };
export type NfsSharesFilter = SharesFilter & { sort: NfsShareListQuery['sort'] };
export type FtpSharesFilter = SharesFilter & { sort: FtpShareListQuery['sort'] };

export type SmbShareCreateInput = z.input<typeof SmbShareCreate>;
export type NfsShareCreateInput = z.input<typeof NfsShareCreate>;
export type FtpShareCreateInput = z.input<typeof FtpShareCreate>;
export type ShareImportInput = z.input<typeof ShareImportRequest>;

export const sharesKeys = {
  all: ['shares'] as const,
  summary: ['shares', 'summary'] as const,
  smb: (filter: SmbSharesFilter) => ['shares', 'smb', filter] as const,
  smbPresets: ['shares', 'smb-presets'] as const,
  nfs: (filter: NfsSharesFilter) => ['shares', 'nfs', filter] as const,
  ftp: (filter: FtpSharesFilter) => ['shares', 'ftp', filter] as const,
  pools: ['shares', 'pools'] as const,
  userNames: ['shares', 'user-names'] as const,
  groupNames: ['shares', 'group-names'] as const,
};

/** `?dryRun=true` answers the diff and changes nothing; without it the change is applied. */
const dryRunQuery = (dryRun: boolean) => ({ dryRun: dryRun ? ('true' as const) : ('false' as const) });

/** A share change touches the lists, the counts and the daemons' revisions. */
const invalidateShares = (queryClient: QueryClient) =>
  Promise.all([queryClient.invalidateQueries({ queryKey: sharesKeys.all }), queryClient.invalidateQueries({ queryKey: ['services'] })]);

/** Mutations run twice per change (preview, then apply); only a real apply refreshes the lists. */
function useShareMutation<V extends { dryRun: boolean }, R>(fn: (vars: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: (_, vars) => (vars.dryRun ? undefined : invalidateShares(queryClient)) });
}

// ---- summary and helpers for the forms ----

export const summaryQueryOptions = () => queryOptions({ queryKey: sharesKeys.summary, queryFn: ({ signal }) => call(sharesApi.summary, { signal }) });
export const useSharesSummary = () => useQuery(summaryQueryOptions());

export const poolsQueryOptions = () => queryOptions({ queryKey: sharesKeys.pools, queryFn: ({ signal }) => call(poolsApi.list, { signal }), staleTime: 60_000 });
export const usePools = () => useQuery(poolsQueryOptions());

/** Names for the user pickers (the contract lists user names, not ids). */
export const userNamesQueryOptions = () =>
  queryOptions({
    queryKey: sharesKeys.userNames,
    queryFn: async ({ signal }) => (await call(usersApi.list, { query: { page: 1, pageSize: 500 }, signal })).items.filter((u) => !u.builtIn).map((u) => u.username),
    staleTime: 60_000,
  });
export const useUserNames = () => useQuery(userNamesQueryOptions());

export const groupNamesQueryOptions = () =>
  queryOptions({
    queryKey: sharesKeys.groupNames,
    queryFn: async ({ signal }) => (await call(groupsApi.list, { query: { page: 1, pageSize: 500 }, signal })).items.map((g) => g.name),
    staleTime: 60_000,
  });
export const useGroupNames = () => useQuery(groupNamesQueryOptions());

// ---- SMB ----

export const smbSharesQueryOptions = (filter: SmbSharesFilter) =>
  queryOptions({ queryKey: sharesKeys.smb(filter), queryFn: ({ signal }) => call(smbSharesApi.list, { query: filter, signal }), placeholderData: keepPreviousData });
export const useSmbShares = (filter: SmbSharesFilter) => useQuery(smbSharesQueryOptions(filter));

export const smbPresetsQueryOptions = () => queryOptions({ queryKey: sharesKeys.smbPresets, queryFn: ({ signal }) => call(smbSharesApi.presets, { signal }), staleTime: Infinity });
export const useSmbPresets = () => useQuery(smbPresetsQueryOptions());

export const createSmbShare = ({ body, dryRun }: { body: SmbShareCreateInput; dryRun: boolean }) => call(smbSharesApi.create, { body, query: dryRunQuery(dryRun) });
export const useCreateSmbShare = () => useShareMutation(createSmbShare);

export const updateSmbShare = ({ id, body, dryRun }: { id: string; body: SmbShareUpdate; dryRun: boolean }) =>
  call(smbSharesApi.update, { params: { id }, body, query: dryRunQuery(dryRun) });
export const useUpdateSmbShare = () => useShareMutation(updateSmbShare);

export const removeSmbShare = ({ id, dryRun }: { id: string; dryRun: boolean }) => call(smbSharesApi.remove, { params: { id }, query: dryRunQuery(dryRun) });
export const useRemoveSmbShare = () => useShareMutation(removeSmbShare);

// ---- NFS ----

export const nfsSharesQueryOptions = (filter: NfsSharesFilter) =>
  queryOptions({ queryKey: sharesKeys.nfs(filter), queryFn: ({ signal }) => call(nfsSharesApi.list, { query: filter, signal }), placeholderData: keepPreviousData });
export const useNfsShares = (filter: NfsSharesFilter) => useQuery(nfsSharesQueryOptions(filter));

export const createNfsShare = ({ body, dryRun }: { body: NfsShareCreateInput; dryRun: boolean }) => call(nfsSharesApi.create, { body, query: dryRunQuery(dryRun) });
export const useCreateNfsShare = () => useShareMutation(createNfsShare);

export const updateNfsShare = ({ id, body, dryRun }: { id: string; body: NfsShareUpdate; dryRun: boolean }) =>
  call(nfsSharesApi.update, { params: { id }, body, query: dryRunQuery(dryRun) });
export const useUpdateNfsShare = () => useShareMutation(updateNfsShare);

export const removeNfsShare = ({ id, dryRun }: { id: string; dryRun: boolean }) => call(nfsSharesApi.remove, { params: { id }, query: dryRunQuery(dryRun) });
export const useRemoveNfsShare = () => useShareMutation(removeNfsShare);

// ---- FTP ----

export const ftpSharesQueryOptions = (filter: FtpSharesFilter) =>
  queryOptions({ queryKey: sharesKeys.ftp(filter), queryFn: ({ signal }) => call(ftpSharesApi.list, { query: filter, signal }), placeholderData: keepPreviousData });
export const useFtpShares = (filter: FtpSharesFilter) => useQuery(ftpSharesQueryOptions(filter));

export const createFtpShare = ({ body, dryRun }: { body: FtpShareCreateInput; dryRun: boolean }) => call(ftpSharesApi.create, { body, query: dryRunQuery(dryRun) });
export const useCreateFtpShare = () => useShareMutation(createFtpShare);

export const updateFtpShare = ({ id, body, dryRun }: { id: string; body: FtpShareUpdate; dryRun: boolean }) =>
  call(ftpSharesApi.update, { params: { id }, body, query: dryRunQuery(dryRun) });
export const useUpdateFtpShare = () => useShareMutation(updateFtpShare);

export const removeFtpShare = ({ id, dryRun }: { id: string; dryRun: boolean }) => call(ftpSharesApi.remove, { params: { id }, query: dryRunQuery(dryRun) });
export const useRemoveFtpShare = () => useShareMutation(removeFtpShare);

// ---- import ----

export const importShares = ({ body, dryRun }: { body: ShareImportInput; dryRun: boolean }) => call(sharesApi.import, { body, query: dryRunQuery(dryRun) });
export const useImportShares = () => useShareMutation(importShares);
