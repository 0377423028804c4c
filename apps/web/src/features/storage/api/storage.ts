import { datasetsApi, poolsApi, replicationTasksApi, snapshotsApi, snapshotTasksApi, type DatasetCreate, type ReplicationTaskCreate, type PoolCreate, type Retention, type SnapshotRestore, type SnapshotTaskCreate, type SnapshotTaskUpdate } from '@moxnas/contracts';
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { call } from '../../../lib/api-client';

export type PoolCreateInput = z.input<typeof PoolCreate>;
export type DatasetCreateInput = z.input<typeof DatasetCreate>;
export type SnapshotRestoreInput = z.input<typeof SnapshotRestore>;
export type SnapshotTaskInput = z.input<typeof SnapshotTaskCreate>;
export type SnapshotTaskPatch = z.input<typeof SnapshotTaskUpdate>;
export type ReplicationTaskInput = z.input<typeof ReplicationTaskCreate>;

export const storageKeys = {
  all: ['storage'] as const,
  pools: ['storage', 'pools'] as const,
  candidates: ['storage', 'pools', 'candidates'] as const,
  datasets: (poolId?: string) => ['storage', 'datasets', { poolId }] as const,
  snapshots: (filter: SnapshotsFilter) => ['storage', 'snapshots', filter] as const,
  tasks: ['storage', 'snapshot-tasks'] as const,
  retention: (id: string, rule: Partial<Retention>) => ['storage', 'snapshot-tasks', id, 'retention', rule] as const,
  replication: ['storage', 'replication-tasks'] as const,
  replicationRuns: (id: string) => ['storage', 'replication-tasks', id, 'runs'] as const,
  publicKey: ['storage', 'replication', 'public-key'] as const,
};

/** Pools, datasets and snapshots count each other (dataset counts, usage); a change refreshes all of storage. */
const invalidateStorage = (queryClient: QueryClient) =>
  Promise.all([
    queryClient.invalidateQueries({ queryKey: storageKeys.all }),
    queryClient.invalidateQueries({ queryKey: ['jobs'] }),
    queryClient.invalidateQueries({ queryKey: ['system', 'metrics'] }),
  ]);

// ---- pools ----

export const poolsQueryOptions = () =>
  queryOptions({ queryKey: storageKeys.pools, queryFn: ({ signal }) => call(poolsApi.list, { signal }), refetchInterval: 30_000 });
export const usePools = () => useQuery(poolsQueryOptions());

export const candidatesQueryOptions = () => queryOptions({ queryKey: storageKeys.candidates, queryFn: ({ signal }) => call(poolsApi.candidates, { signal }) });
export const useCandidates = (enabled: boolean) => useQuery({ ...candidatesQueryOptions(), enabled });

export function useCreatePool() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: (body: PoolCreateInput) => call(poolsApi.create, { body }), onSuccess: () => invalidateStorage(queryClient) });
}

export function useRemovePool() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: (id: string) => call(poolsApi.remove, { params: { id } }), onSuccess: () => invalidateStorage(queryClient) });
}

export function useRefreshPool() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: (id: string) => call(poolsApi.refresh, { params: { id } }), onSuccess: () => invalidateStorage(queryClient) });
}

// ---- datasets ----

export const datasetsQueryOptions = (poolId?: string) =>
  queryOptions({ queryKey: storageKeys.datasets(poolId), queryFn: ({ signal }) => call(datasetsApi.list, { query: poolId ? { poolId } : {}, signal }) });
export const useDatasets = (poolId?: string, enabled = true) => useQuery({ ...datasetsQueryOptions(poolId), enabled });

export function useCreateDataset() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: (body: DatasetCreateInput) => call(datasetsApi.create, { body }), onSuccess: () => invalidateStorage(queryClient) });
}

export function useRemoveDataset() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, keepData }: { id: string; keepData: boolean }) => call(datasetsApi.remove, { params: { id }, query: { keepData: keepData ? 'true' : 'false' } }),
    onSuccess: () => invalidateStorage(queryClient),
  });
}

export function useMeasureDataset() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: (id: string) => call(datasetsApi.measure, { params: { id } }), onSuccess: () => invalidateStorage(queryClient) });
}

// ---- snapshots ----

export interface SnapshotsFilter {
  page: number;
  pageSize: number;
  datasetId?: string;
}

export const snapshotsQueryOptions = (filter: SnapshotsFilter) =>
  queryOptions({
    queryKey: storageKeys.snapshots(filter),
    queryFn: ({ signal }) => call(snapshotsApi.list, { query: filter, signal }),
    placeholderData: keepPreviousData,
    // Snapshots being taken or deleted settle within seconds.
    refetchInterval: (query) => (query.state.data?.items.some((s) => s.state !== 'ready') ? 2_000 : 30_000),
  });
export const useSnapshots = (filter: SnapshotsFilter) => useQuery(snapshotsQueryOptions(filter));

export function useCreateSnapshot() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: (datasetId: string) => call(snapshotsApi.create, { body: { datasetId } }), onSuccess: () => invalidateStorage(queryClient) });
}

export function useRemoveSnapshot() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: (id: string) => call(snapshotsApi.remove, { params: { id } }), onSuccess: () => invalidateStorage(queryClient) });
}

export function useRestoreSnapshot() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: SnapshotRestoreInput }) => call(snapshotsApi.restore, { params: { id }, body }),
    onSuccess: () => invalidateStorage(queryClient),
  });
}

// ---- snapshot tasks ----

export const tasksQueryOptions = () => queryOptions({ queryKey: storageKeys.tasks, queryFn: ({ signal }) => call(snapshotTasksApi.list, { signal }), refetchInterval: 30_000 });
export const useSnapshotTasks = () => useQuery(tasksQueryOptions());

export function useRunTask() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: (id: string) => call(snapshotTasksApi.run, { params: { id } }), onSuccess: () => invalidateStorage(queryClient) });
}

export function useRemoveTask() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: (id: string) => call(snapshotTasksApi.remove, { params: { id } }), onSuccess: () => invalidateStorage(queryClient) });
}

export function useSetTaskEnabled() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, enabled }: { id: string; enabled: boolean }) => call(snapshotTasksApi.update, { params: { id }, body: { enabled } }),
    onSuccess: () => invalidateStorage(queryClient),
  });
}

export function useCreateTask() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: (body: SnapshotTaskInput) => call(snapshotTasksApi.create, { body }), onSuccess: () => invalidateStorage(queryClient) });
}

export function useUpdateTask() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: SnapshotTaskPatch }) => call(snapshotTasksApi.update, { params: { id }, body }),
    onSuccess: () => invalidateStorage(queryClient),
  });
}

/** What the task's rule — or `rule`, for values not saved yet — would keep and delete now. */
export const retentionPreviewQueryOptions = (id: string, rule: Partial<Retention> = {}) =>
  queryOptions({
    queryKey: storageKeys.retention(id, rule),
    queryFn: ({ signal }) => call(snapshotTasksApi.retentionPreview, { params: { id }, query: rule, signal }),
    placeholderData: keepPreviousData,
  });
export const useRetentionPreview = (id: string | null, rule: Partial<Retention> = {}) => useQuery({ ...retentionPreviewQueryOptions(id ?? '', rule), enabled: id !== null });

// ---- replication tasks ----

export const replicationTasksQueryOptions = () =>
  queryOptions({ queryKey: storageKeys.replication, queryFn: ({ signal }) => call(replicationTasksApi.list, { signal }), refetchInterval: 10_000 });
export const useReplicationTasks = () => useQuery(replicationTasksQueryOptions());

export const replicationRunsQueryOptions = (id: string) =>
  queryOptions({ queryKey: storageKeys.replicationRuns(id), queryFn: ({ signal }) => call(replicationTasksApi.runs, { params: { id }, query: { pageSize: 20 }, signal }), refetchInterval: 5_000 });
export const useReplicationRuns = (id: string) => useQuery(replicationRunsQueryOptions(id));

/** The key pair is made on first use, so only admins (who may make it) ask for it. */
export const publicKeyQueryOptions = () => queryOptions({ queryKey: storageKeys.publicKey, queryFn: ({ signal }) => call(replicationTasksApi.publicKey, { signal }), staleTime: Infinity });
export const usePublicKey = (enabled: boolean) => useQuery({ ...publicKeyQueryOptions(), enabled });

export function useCreateReplicationTask() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: (body: ReplicationTaskInput) => call(replicationTasksApi.create, { body }), onSuccess: () => invalidateStorage(queryClient) });
}

export function useUpdateReplicationTask() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: ReplicationTaskInput }) => call(replicationTasksApi.update, { params: { id }, body }),
    onSuccess: () => invalidateStorage(queryClient),
  });
}

export function useRunReplicationTask() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: (id: string) => call(replicationTasksApi.run, { params: { id } }), onSuccess: () => invalidateStorage(queryClient) });
}

export function useRemoveReplicationTask() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: (id: string) => call(replicationTasksApi.remove, { params: { id } }), onSuccess: () => invalidateStorage(queryClient) });
}

export function useForgetHostKey() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: (id: string) => call(replicationTasksApi.forgetHostKey, { params: { id } }), onSuccess: () => invalidateStorage(queryClient) });
}
