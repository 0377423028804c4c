import type { EndpointDef } from './endpoint';
import { authApi, tokensApi } from './auth';
import { healthApi } from './health';
import { jobsApi } from './jobs';
import { servicesApi } from './services';
import { docsApi, metricsApi } from './metrics';
import { auditApi } from './audit';
import { groupsApi, usersApi } from './users';
import { systemApi } from './system';
import { alertChannelsApi, alertsApi } from './alerts';
import { networkApi } from './network';
import { datasetsApi, poolsApi } from './storage';
import { aclApi } from './acl';
import { accessApi } from './access';
import { snapshotsApi, snapshotTasksApi } from './snapshots';
import { replicationTasksApi } from './replication';
import { ftpSharesApi, nfsSharesApi, sharesApi, smbSharesApi } from './shares';
import { bulkApi } from './bulk';

export * from './endpoint';
export * from './access';
export * from './addresses';
export * from './auth';
export * from './audit';
export * from './common';
export * from './grammar';
export * from './health';
export * from './jobs';
export * from './services';
export * from './metrics';
export * from './openapi';
export * from './users';
export * from './system';
export * from './alerts';
export * from './network';
export * from './storage-names';
export * from './storage';
export * from './acl';
export * from './snapshots';
export * from './replication';
export * from './shares';
export * from './bulk';
export * from './unknown-fields';

/**
 * Every endpoint of the API. Each module's contract file adds its group here; the API refuses to
 * start when a route has no contract, and the OpenAPI document is built from this list.
 */
export const apiGroups = {
  health: healthApi,
  auth: authApi,
  users: usersApi,
  groups: groupsApi,
  tokens: tokensApi,
  audit: auditApi,
  jobs: jobsApi,
  services: servicesApi,
  metrics: metricsApi,
  system: systemApi,
  alerts: alertsApi,
  alertChannels: alertChannelsApi,
  network: networkApi,
  pools: poolsApi,
  datasets: datasetsApi,
  datasetAcl: aclApi,
  snapshots: snapshotsApi,
  snapshotTasks: snapshotTasksApi,
  replicationTasks: replicationTasksApi,
  shares: sharesApi,
  smbShares: smbSharesApi,
  nfsShares: nfsSharesApi,
  ftpShares: ftpSharesApi,
  access: accessApi,
  bulk: bulkApi,
  docs: docsApi,
} as const;

export const allEndpoints: EndpointDef[] = Object.values(apiGroups).flatMap(
  (group) => Object.values(group) as EndpointDef[],
);
