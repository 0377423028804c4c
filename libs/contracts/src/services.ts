import { z } from 'zod';
import { DryRunQuery } from './common';
import { endpoint } from './endpoint';
import { FtpBanner, IpAddress, NetbiosName, NetworkInterface, SmbProtocol, SmbServerString, SmbWorkgroup, TcpPort } from './grammar';

export const ServiceId = z.enum(['smb', 'nfs', 'ftp']).describe('smb (Samba), nfs (kernel NFS server), ftp (vsftpd).');
export type ServiceId = z.infer<typeof ServiceId>;

export const ServiceParams = z.object({ id: ServiceId });
export type ServiceParams = z.infer<typeof ServiceParams>;

export const ServiceState = z.enum(['running', 'stopped', 'starting', 'failed', 'unavailable']);
export type ServiceState = z.infer<typeof ServiceState>;

export const Capability = z.object({
  available: z.boolean(),
  reason: z.string().nullable().describe('Why it is unavailable, in plain words.'),
  fix: z.string().nullable().describe('The exact command or setting an admin can apply, when there is one.'),
});
export type Capability = z.infer<typeof Capability>;

export const FileDiff = z.object({
  path: z.string().describe('The file on the host.'),
  diff: z.string().describe('Unified diff from the current content to the new one; empty when unchanged.'),
});
export type FileDiff = z.infer<typeof FileDiff>;

export const RevisionSummary = z.object({
  id: z.string().uuid(),
  service: ServiceId,
  path: z.string(),
  hash: z.string().describe('SHA-256 of the content.'),
  actor: z.string().nullable(),
  result: z.enum(['applied', 'failed', 'adopted', 'rolled-back']),
  message: z.string().nullable(),
  jobId: z.string().uuid().nullable(),
  createdAt: z.string(),
});
export type RevisionSummary = z.infer<typeof RevisionSummary>;

export const Revision = RevisionSummary.extend({ content: z.string() });
export type Revision = z.infer<typeof Revision>;

export const Drift = z.object({
  drifted: z.boolean(),
  checkedAt: z.string().nullable(),
  files: z.array(FileDiff.extend({ drifted: z.boolean() })).describe('Per managed file: diff from the last applied revision to what is on disk.'),
});
export type Drift = z.infer<typeof Drift>;

export const ServiceStatus = z.object({
  id: ServiceId,
  name: z.string(),
  capability: Capability,
  state: ServiceState,
  pid: z.number().int().nullable(),
  uptimeSeconds: z.number().nullable(),
  startedAt: z.string().nullable(),
  enabled: z.boolean(),
  restarts: z.number().int().describe('Restarts by the supervisor since the API started.'),
  lastExit: z.string().nullable().describe('How the daemon last exited, when it did.'),
  driver: z.enum(['systemd', 'process', 'none']),
  revision: RevisionSummary.nullable().describe('The last applied revision of the main config file.'),
  drift: z.boolean(),
});
export type ServiceStatus = z.infer<typeof ServiceStatus>;

const port = TcpPort;

export const SmbSettings = z.object({
  workgroup: SmbWorkgroup.default('WORKGROUP').describe('NetBIOS workgroup or domain name.'),
  serverString: SmbServerString.default('MoxNAS').describe('Description shown to clients.'),
  netbiosName: NetbiosName.nullable().default(null).describe('NetBIOS name; null uses the hostname.'),
  minProtocol: SmbProtocol.default('SMB2_10').describe('Oldest protocol clients may use.'),
  interfaces: z.array(NetworkInterface).max(16).default([]).describe('Interfaces or addresses to bind; empty = all.'),
  port: port.nullable().default(null).describe('TCP port; null = the standard 445 (4450 in development).'),
});
export type SmbSettings = z.infer<typeof SmbSettings>;

export const NfsSettings = z.object({
  v3: z.boolean().default(true).describe('Serve NFSv3 (needs rpcbind and mountd).'),
  v4: z.boolean().default(true).describe('Serve NFSv4.'),
  threads: z.number().int().min(1).max(128).default(8),
  mountdPort: port.nullable().default(null).describe('Pinned mountd port for firewalls; null = dynamic.'),
  statdPort: port.nullable().default(null),
  lockdPort: port.nullable().default(null),
});
export type NfsSettings = z.infer<typeof NfsSettings>;

export const FtpSettings = z
  .object({
    port: port.nullable().default(null).describe('Control port; null = the standard 21 (2121 in development).'),
    listenAddress: IpAddress.nullable().default(null).describe('Address to listen on; null = all IPv4 addresses.'),
    passivePortMin: z.number().int().min(1024).max(65535).default(50000),
    passivePortMax: z.number().int().min(1024).max(65535).default(50100),
    banner: FtpBanner.default('MoxNAS FTP').describe('Greeting after 220.'),
    tls: z.boolean().default(false).describe('Offer explicit TLS (a self-signed certificate is made if none is configured).'),
    maxClients: z.number().int().min(0).max(10000).default(50).describe('0 = unlimited.'),
    maxPerIp: z.number().int().min(0).max(1000).default(5).describe('0 = unlimited.'),
  })
  .refine((s) => s.passivePortMin <= s.passivePortMax, { message: 'must not be above passivePortMax', path: ['passivePortMin'] });
export type FtpSettings = z.infer<typeof FtpSettings>;

export const ServiceSettings = z.object({
  smb: SmbSettings,
  nfs: NfsSettings,
  ftp: FtpSettings,
});

export const ApplyResult = z.object({
  dryRun: z.boolean(),
  applied: z.boolean().describe('True when the files were written and the running daemon took them.'),
  daemon: z.enum(['reloaded', 'not-running', 'unavailable', 'unchanged']).describe('What happened to the daemon.'),
  message: z.string().nullable(),
  diffs: z.array(FileDiff),
  revisionIds: z.array(z.string().uuid()),
});
export type ApplyResult = z.infer<typeof ApplyResult>;

export const SettingsResponse = z.object({ settings: z.record(z.string(), z.unknown()), apply: ApplyResult.nullable() });

const ServiceIdRevParams = z.object({ id: ServiceId, revisionId: z.string().uuid() });

export const servicesApi = {
  list: endpoint({ id: 'services.list', method: 'GET', path: '/api/services', tag: 'services', access: 'viewer', summary: 'Every managed service with its real status', response: z.array(ServiceStatus) }),
  get: endpoint({ id: 'services.get', method: 'GET', path: '/api/services/{id}', tag: 'services', access: 'viewer', summary: 'One service', params: ServiceParams, response: ServiceStatus }),
  start: endpoint({ id: 'services.start', method: 'POST', path: '/api/services/{id}/start', tag: 'services', access: 'operator', summary: 'Start the daemon', params: ServiceParams, response: ServiceStatus, errors: { 503: 'Unavailable on this host; the body says why.' } }),
  stop: endpoint({ id: 'services.stop', method: 'POST', path: '/api/services/{id}/stop', tag: 'services', access: 'operator', summary: 'Stop the daemon', params: ServiceParams, response: ServiceStatus }),
  restart: endpoint({ id: 'services.restart', method: 'POST', path: '/api/services/{id}/restart', tag: 'services', access: 'operator', summary: 'Restart the daemon', params: ServiceParams, response: ServiceStatus }),
  reload: endpoint({ id: 'services.reload', method: 'POST', path: '/api/services/{id}/reload', tag: 'services', access: 'operator', summary: 'Make the daemon re-read its configuration', params: ServiceParams, response: ServiceStatus }),
  enable: endpoint({ id: 'services.enable', method: 'POST', path: '/api/services/{id}/enable', tag: 'services', access: 'admin', summary: 'Start the daemon at boot (and now)', params: ServiceParams, response: ServiceStatus }),
  disable: endpoint({ id: 'services.disable', method: 'POST', path: '/api/services/{id}/disable', tag: 'services', access: 'admin', summary: 'Do not start the daemon at boot (it keeps running until stopped)', params: ServiceParams, response: ServiceStatus }),
  getSettings: endpoint({ id: 'services.getSettings', method: 'GET', path: '/api/services/{id}/settings', tag: 'services', access: 'viewer', summary: 'Global settings of a service', params: ServiceParams, response: SettingsResponse }),
  updateSettings: endpoint({
    id: 'services.updateSettings',
    method: 'PUT',
    path: '/api/services/{id}/settings',
    tag: 'services',
    access: 'admin',
    summary: 'Change global settings; validated, checked by the daemon’s own checker, applied and verified, or rolled back',
    description: 'Send the fields to change. With `?dryRun=true` nothing is written and the response carries the diff of each file.',
    params: ServiceParams,
    query: DryRunQuery,
    body: z.record(z.string(), z.unknown()),
    response: SettingsResponse,
    errors: { 422: 'A field is invalid, or the daemon’s checker rejected the candidate configuration.', 502: 'The daemon failed after reload; the previous configuration was restored.' },
  }),
  revisions: endpoint({ id: 'services.revisions', method: 'GET', path: '/api/services/{id}/revisions', tag: 'services', access: 'viewer', summary: 'Config revisions, newest first', params: ServiceParams, response: z.array(RevisionSummary) }),
  revision: endpoint({ id: 'services.revision', method: 'GET', path: '/api/services/{id}/revisions/{revisionId}', tag: 'services', access: 'viewer', summary: 'One revision with its content', params: ServiceIdRevParams, response: Revision }),
  diff: endpoint({
    id: 'services.diff',
    method: 'GET',
    path: '/api/services/{id}/diff',
    tag: 'services',
    access: 'viewer',
    summary: 'Unified diff between two revisions of the same file',
    params: ServiceParams,
    query: z.object({ from: z.string().uuid(), to: z.string().uuid() }),
    response: FileDiff,
  }),
  rollback: endpoint({
    id: 'services.rollback',
    method: 'POST',
    path: '/api/services/{id}/revisions/{revisionId}/rollback',
    tag: 'services',
    access: 'admin',
    summary: 'Restore the settings that produced a revision and apply them',
    params: ServiceIdRevParams,
    query: DryRunQuery,
    response: ApplyResult,
  }),
  drift: endpoint({ id: 'services.drift', method: 'GET', path: '/api/services/{id}/drift', tag: 'services', access: 'viewer', summary: 'Compare the files on disk with the last applied revision now', params: ServiceParams, response: Drift }),
  overwriteDrift: endpoint({
    id: 'services.overwriteDrift',
    method: 'POST',
    path: '/api/services/{id}/drift/overwrite',
    tag: 'services',
    access: 'admin',
    summary: 'Replace hand edits with the configuration rendered from the database',
    params: ServiceParams,
    query: DryRunQuery,
    response: ApplyResult,
  }),
  adoptDrift: endpoint({
    id: 'services.adoptDrift',
    method: 'POST',
    path: '/api/services/{id}/drift/adopt',
    tag: 'services',
    access: 'admin',
    summary: 'Accept the files on disk as the new baseline revision (they will be replaced at the next change unless imported)',
    params: ServiceParams,
    response: Drift,
  }),
};
