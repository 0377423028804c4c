import { servicesApi, type ServiceId, type ServiceStatus } from '@moxnas/contracts';
import { queryOptions, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { call } from '../../../lib/api-client';

export const servicesKeys = {
  all: ['services'] as const,
  list: () => ['services', 'list'] as const,
  revisions: (id: ServiceId) => ['services', 'revisions', id] as const,
  diff: (id: ServiceId, from: string, to: string) => ['services', 'diff', id, from, to] as const,
  settings: (id: ServiceId) => ['services', 'settings', id] as const,
};

export const getServices = (signal?: AbortSignal) => call(servicesApi.list, { signal });

export const servicesQueryOptions = () =>
  queryOptions({
    queryKey: servicesKeys.list(),
    queryFn: ({ signal }) => getServices(signal),
    // A daemon that is starting settles within seconds; otherwise a slow poll keeps the page honest.
    refetchInterval: (query) => (query.state.data?.some((s) => s.state === 'starting') ? 2_000 : 15_000),
  });

export function useServices() {
  return useQuery(servicesQueryOptions());
}

export type ServiceAction = 'start' | 'stop' | 'restart' | 'reload' | 'enable' | 'disable';

const ACTIONS = {
  start: servicesApi.start,
  stop: servicesApi.stop,
  restart: servicesApi.restart,
  reload: servicesApi.reload,
  enable: servicesApi.enable,
  disable: servicesApi.disable,
} as const;

export const actionContract = (action: ServiceAction) => ACTIONS[action];

export const controlService = ({ id, action }: { id: ServiceId; action: ServiceAction }) => call(ACTIONS[action], { params: { id } });

export function useControlService() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: controlService,
    onSuccess: (status: ServiceStatus) => {
      queryClient.setQueryData<ServiceStatus[]>(servicesKeys.list(), (list) => list?.map((s) => (s.id === status.id ? status : s)));
      return Promise.all([queryClient.invalidateQueries({ queryKey: servicesKeys.all }), queryClient.invalidateQueries({ queryKey: ['health'] })]);
    },
  });
}

export const getRevisions = (id: ServiceId, signal?: AbortSignal) => call(servicesApi.revisions, { params: { id }, signal });

export function useRevisions(id: ServiceId | null) {
  return useQuery({
    queryKey: servicesKeys.revisions(id ?? 'smb'),
    queryFn: ({ signal }) => getRevisions(id ?? 'smb', signal),
    enabled: id !== null,
  });
}

export const getDiff = (id: ServiceId, from: string, to: string, signal?: AbortSignal) => call(servicesApi.diff, { params: { id }, query: { from, to }, signal });

export const diffQueryOptions = (id: ServiceId, from: string, to: string) =>
  queryOptions({ queryKey: servicesKeys.diff(id, from, to), queryFn: ({ signal }) => getDiff(id, from, to, signal), staleTime: Infinity });

export function useDiff(args: { id: ServiceId; from: string; to: string } | null) {
  return useQuery({ ...diffQueryOptions(args?.id ?? 'smb', args?.from ?? '', args?.to ?? ''), enabled: args !== null });
}

// ---- settings, apply, rollback ----

export const settingsQueryOptions = (id: ServiceId) =>
  queryOptions({ queryKey: servicesKeys.settings(id), queryFn: ({ signal }) => call(servicesApi.getSettings, { params: { id }, signal }) });

export function useServiceSettings(id: ServiceId | null) {
  return useQuery({ ...settingsQueryOptions(id ?? 'smb'), enabled: id !== null });
}

/** After a real apply: status (revision, drift), revisions and the stored settings all changed. */
const invalidateService = (queryClient: QueryClient) =>
  Promise.all([queryClient.invalidateQueries({ queryKey: servicesKeys.all }), queryClient.invalidateQueries({ queryKey: ['jobs'] })]);

/**
 * PUT the changed settings. With `dryRun` nothing is written and the answer carries the unified
 * diff of each file the service owns.
 */
export function useUpdateSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body, dryRun }: { id: ServiceId; body: Record<string, unknown>; dryRun: boolean }) =>
      call(servicesApi.updateSettings, { params: { id }, query: { dryRun: dryRun ? 'true' : 'false' }, body }),
    onSuccess: (_res, { dryRun }) => (dryRun ? undefined : invalidateService(queryClient)),
  });
}

/** Returns to the settings a revision was made from (preview first with `dryRun`). */
export function useRollback() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, revisionId, dryRun }: { id: ServiceId; revisionId: string; dryRun: boolean }) =>
      call(servicesApi.rollback, { params: { id, revisionId }, query: { dryRun: dryRun ? 'true' : 'false' } }),
    onSuccess: (_res, { dryRun }) => (dryRun ? undefined : invalidateService(queryClient)),
  });
}

/** A rollback's dry run writes nothing, so it is read like data: what the files would become. */
export function useRollbackPreview(id: ServiceId, revisionId: string) {
  return useQuery({
    // Outside the 'services' key: applying invalidates that, and this dry run must not run again.
    queryKey: ['service-rollback-preview', id, revisionId],
    queryFn: ({ signal }) => call(servicesApi.rollback, { params: { id, revisionId }, query: { dryRun: 'true' }, signal }),
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });
}
