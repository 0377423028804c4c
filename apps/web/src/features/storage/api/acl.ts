import { aclApi, type AclDryRun, type AclSet, type Job, type PathAcl } from '@moxnas/contracts';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { call } from '../../../lib/api-client';
import { storageKeys } from './storage';

export type AclSetInput = z.input<typeof AclSet>;

export const aclKeys = {
  all: ['storage', 'acl'] as const,
  path: (datasetId: string, path: string) => ['storage', 'acl', datasetId, path] as const,
};

export const aclQueryOptions = (datasetId: string, path: string) =>
  queryOptions({ queryKey: aclKeys.path(datasetId, path), queryFn: ({ signal }) => call(aclApi.get, { params: { id: datasetId }, query: { path }, signal }) });

/** The access and default ACL of `path` (relative to the dataset root; '' for the root). */
export const useDatasetAcl = (datasetId: string, path: string) => useQuery(aclQueryOptions(datasetId, path));

export interface AclSetVars {
  datasetId: string;
  path: string;
  recursive: boolean;
  body: AclSetInput;
}

const query = ({ path, recursive }: AclSetVars, dryRun: boolean) => ({ path, recursive: recursive ? ('true' as const) : undefined, dryRun: dryRun ? ('true' as const) : undefined });

/** What the PUT would change: the entries of the path itself and, for recursive, what lies below. */
export const previewAcl = (vars: AclSetVars) => call(aclApi.set, { params: { id: vars.datasetId }, query: query(vars, true), body: vars.body }) as Promise<AclDryRun>;

/** The new ACL of the path, or for a recursive change the job that rewrites everything below. */
export type AclApplied = { kind: 'acl'; acl: PathAcl } | { kind: 'job'; job: Job };

export async function applyAcl(vars: AclSetVars): Promise<AclApplied> {
  const result = await call(aclApi.set, { params: { id: vars.datasetId }, query: query(vars, false), body: vars.body });
  if ('dryRun' in result) throw new Error('The API answered a dry run to a real change.');
  return 'access' in result ? { kind: 'acl', acl: result } : { kind: 'job', job: result };
}

export const usePreviewAcl = () => useMutation({ mutationFn: previewAcl });

export function useApplyAcl() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: applyAcl,
    // The dataset list counts ACL entries; a recursive change is a job.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: aclKeys.all }),
        queryClient.invalidateQueries({ queryKey: [...storageKeys.all, 'datasets'] }),
        queryClient.invalidateQueries({ queryKey: ['jobs'] }),
      ]),
  });
}
