import { z } from 'zod';
import { DryRunQuery, secret } from './common';
import { endpoint } from './endpoint';
import { Capability } from './services';

export const ContainerType = z.enum(['lxc', 'docker', 'other', 'none']).describe('What runs this system: a Proxmox/LXC container, Docker, another container runtime, or none (bare metal or VM).');
export type ContainerType = z.infer<typeof ContainerType>;

export const ContainerInfo = z.object({
  type: ContainerType,
  privileged: z.boolean().nullable().describe('For containers: false when root here is an unprivileged uid on the host (user namespace); null outside containers.'),
  reason: z.string().describe('How the container type was detected.'),
});
export type ContainerInfo = z.infer<typeof ContainerInfo>;

const Bytes = z.number().int().min(0);

export const SystemInfo = z.object({
  hostname: z.string(),
  os: z.object({
    id: z.string().describe('os-release ID, for example `debian`.'),
    name: z.string(),
    version: z.string(),
    prettyName: z.string(),
    codename: z.string().nullable(),
  }),
  kernel: z.object({ release: z.string(), version: z.string(), arch: z.string() }),
  uptimeSeconds: z.number().describe('Seconds since the host (or container) booted.'),
  cpu: z.object({
    model: z.string(),
    cores: z.number().int().describe('Logical CPUs this system can use.'),
    loadAverage: z.array(z.number()).length(3).describe('1, 5 and 15 minute load averages.'),
  }),
  memory: z.object({
    totalBytes: Bytes,
    usedBytes: Bytes.describe('Total minus available.'),
    availableBytes: Bytes,
    freeBytes: Bytes,
    buffersBytes: Bytes,
    cachedBytes: Bytes,
  }),
  swap: z.object({ totalBytes: Bytes, usedBytes: Bytes, freeBytes: Bytes }),
  container: ContainerInfo,
  app: z.object({
    version: z.string(),
    commit: z.string().describe('Git commit of the build (from build-info.json), or `unknown`.'),
    builtAt: z.string().nullable(),
    node: z.string().describe('Node.js version running the API.'),
    startedAt: z.string(),
  }),
  database: z.object({ backend: z.enum(['postgres', 'embedded']) }),
  cache: z.object({ backend: z.enum(['redis', 'memory']) }),
  collectedAt: z.string().describe('When these figures were read (they are cached for 5 seconds).'),
});
export type SystemInfo = z.infer<typeof SystemInfo>;

export const CapabilityEntry = Capability.extend({
  id: z.string().describe('Stable id: `nfs`, `smb`, … for host features, `pool.<name>.acl` for per-pool ones.'),
  feature: z
    .string()
    .describe('smb, nfs, ftp, userProvisioning, systemdControl, acl, quota, snapshots, bindMountOwnership, or one a module adds.'),
  label: z.string().describe('Short title for the UI.'),
  scope: z.enum(['host', 'pool']),
  pool: z.string().nullable().describe('The pool, for per-pool entries.'),
  source: z.string().describe('Who reported it: `system` or the contributing module (for example `storage`).'),
  detail: z.string().nullable().describe('Which variant is in use when there is a choice (for example the snapshot driver).'),
});
export type CapabilityEntry = z.infer<typeof CapabilityEntry>;

export const CapabilitiesResponse = z.object({
  checkedAt: z.string().describe('When the host was probed (at startup, or at the last refresh).'),
  container: ContainerInfo,
  root: z.boolean().describe('The API runs as root.'),
  entries: z.array(CapabilityEntry),
});
export type CapabilitiesResponse = z.infer<typeof CapabilitiesResponse>;

export const CapabilitiesQuery = z.object({
  refresh: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .describe('Probe the host again instead of returning the result of the last probe.'),
});

export const ServiceRunState = z.object({
  id: z.string().describe('Service id (smb, nfs, ftp, …).'),
  state: z.string().describe('running, stopped, starting, failed, unavailable or unknown.'),
  since: z.string().nullable().describe('When this state was first seen.'),
});
export type ServiceRunState = z.infer<typeof ServiceRunState>;

export const PoolUsage = z.object({
  name: z.string(),
  sizeBytes: Bytes,
  usedBytes: Bytes,
  freeBytes: Bytes,
  usedRatio: z.number().min(0).max(1),
  healthy: z.boolean(),
  status: z.string().nullable().describe('Why the pool is not healthy, when it is not.'),
});
export type PoolUsage = z.infer<typeof PoolUsage>;

export const InterfaceTraffic = z.object({
  interface: z.string(),
  rxBytes: Bytes.describe('Received since the interface came up (kernel counter).'),
  txBytes: Bytes,
  rxBytesPerSecond: z.number().min(0),
  txBytesPerSecond: z.number().min(0),
});
export type InterfaceTraffic = z.infer<typeof InterfaceTraffic>;

export const DiskTraffic = z.object({
  device: z.string(),
  physical: z.boolean().describe('A hardware device (sums over physical devices do not double count LVM/MD layers).'),
  readBytes: Bytes,
  writtenBytes: Bytes,
  readBytesPerSecond: z.number().min(0),
  writeBytesPerSecond: z.number().min(0),
});
export type DiskTraffic = z.infer<typeof DiskTraffic>;

export const AlertCounts = z.object({ info: z.number().int(), warning: z.number().int(), critical: z.number().int() });
export type AlertCounts = z.infer<typeof AlertCounts>;

export const MetricsSnapshot = z.object({
  at: z.string().describe('When the figures were collected.'),
  intervalSeconds: z.number().describe('Collection period.'),
  cpu: z.object({
    usage: z.number().min(0).max(1).describe('Busy share of all CPUs over the last period.'),
    cores: z.array(z.number().min(0).max(1)).describe('Busy share per logical CPU.'),
  }),
  memory: z.object({
    totalBytes: Bytes,
    usedBytes: Bytes,
    availableBytes: Bytes,
    freeBytes: Bytes,
    buffersBytes: Bytes,
    cachedBytes: Bytes,
    usedRatio: z.number().min(0).max(1),
  }),
  swap: z.object({ totalBytes: Bytes, usedBytes: Bytes, freeBytes: Bytes }),
  loadAverage: z.array(z.number()).length(3),
  uptimeSeconds: z.number(),
  network: z.array(InterfaceTraffic),
  disks: z.array(DiskTraffic),
  pools: z.array(PoolUsage).nullable().describe('Null when no storage module reports pools.'),
  services: z.array(ServiceRunState),
  shares: z
    .record(z.string(), z.number().int())
    .nullable()
    .describe('Shares per protocol; null when no shares module reports them.'),
  smb: z.object({
    sessions: z.number().int().nullable().describe('Open SMB sessions; null when they cannot be counted.'),
    reason: z.string().nullable().describe('Why sessions are not counted (smbd not running, smbstatus failed).'),
  }),
  alerts: AlertCounts.describe('Active alerts per severity.'),
});
export type MetricsSnapshot = z.infer<typeof MetricsSnapshot>;

/** One point of the dashboard charts; small so an hour of them loads at once. */
export const MetricsSample = z.object({
  at: z.string(),
  cpu: z.number().min(0).max(1),
  memoryUsedBytes: Bytes,
  memoryTotalBytes: Bytes,
  swapUsedBytes: Bytes,
  load1: z.number(),
  rxBytesPerSecond: z.number().min(0).describe('All interfaces except loopback.'),
  txBytesPerSecond: z.number().min(0),
  diskReadBytesPerSecond: z.number().min(0).describe('Physical disks.'),
  diskWriteBytesPerSecond: z.number().min(0),
  interfaces: z.record(z.string(), z.object({ rx: z.number().min(0), tx: z.number().min(0) })).describe('Per interface bytes/s.'),
});
export type MetricsSample = z.infer<typeof MetricsSample>;

export const MetricsHistory = z.object({
  intervalSeconds: z.number(),
  capacity: z.number().int().describe('Samples kept (one hour).'),
  samples: z.array(MetricsSample).describe('Oldest first.'),
});
export type MetricsHistory = z.infer<typeof MetricsHistory>;


// ---------------------------------------------------------------------------------------------
// Configuration export / import
// ---------------------------------------------------------------------------------------------

const passphrase = secret(z.string())
  .min(12, 'must be at least 12 characters')
  .max(1024, 'must be at most 1024 characters')
  .describe('Encrypts the export (scrypt + AES-256-GCM). Without it the file cannot be read, by MoxNAS or anyone. Write-only.');

const sectionName = z.string().regex(/^[a-z][A-Za-z0-9.-]{0,63}$/, 'a section name such as alertChannels');

export const ConfigExportRequest = z.strictObject({
  passphrase,
  sections: z.array(sectionName).max(50).optional().describe('Only these sections; all when left out.'),
});
export type ConfigExportRequest = z.infer<typeof ConfigExportRequest>;

export const ConfigDocument = z
  .object({
    format: z.literal('moxnas-config'),
    version: z.literal(1),
    createdAt: z.string(),
    appVersion: z.string(),
    hostname: z.string(),
    sections: z.array(z.object({ name: z.string(), version: z.number().int() })).describe('What the file holds (the names are not secret; the content is encrypted).'),
    encryption: z.object({
      kdf: z.literal('scrypt'),
      N: z.number().int(),
      r: z.number().int(),
      p: z.number().int(),
      salt: z.string(),
      cipher: z.literal('aes-256-gcm'),
      iv: z.string(),
      tag: z.string(),
    }),
    data: z.string().describe('Base64 ciphertext of the sections.'),
  })
  .describe('An encrypted export of the desired state (the database), as written by POST /api/system/config/export.');
export type ConfigDocument = z.infer<typeof ConfigDocument>;

export const ConfigImportRequest = z.strictObject({
  document: ConfigDocument,
  passphrase,
  sections: z.array(sectionName).max(50).optional().describe('Only these sections of the file; all when left out.'),
});
export type ConfigImportRequest = z.infer<typeof ConfigImportRequest>;

export const ConfigChange = z.object({
  action: z.enum(['create', 'update', 'delete']),
  kind: z.string().describe('What changes, for example `alert channel`.'),
  name: z.string(),
  fields: z.array(z.string()).describe('Changed fields, for updates (secret values are never shown).'),
});
export type ConfigChange = z.infer<typeof ConfigChange>;

export const ConfigImportResult = z.object({
  dryRun: z.boolean(),
  applied: z.boolean().describe('True when the database now holds the imported state.'),
  sections: z.array(
    z.object({
      name: z.string(),
      status: z.enum(['changed', 'unchanged', 'skipped', 'failed']),
      message: z.string().nullable().describe('Why a section was skipped, or what failed after the import (host reconcile).'),
      changes: z.array(ConfigChange),
    }),
  ),
});
export type ConfigImportResult = z.infer<typeof ConfigImportResult>;

export const systemApi = {
  info: endpoint({
    id: 'system.info',
    method: 'GET',
    path: '/api/system/info',
    tag: 'system',
    access: 'viewer',
    summary: 'Host, OS, kernel, CPU, memory, container type and app build',
    response: SystemInfo,
  }),
  capabilities: endpoint({
    id: 'system.capabilities',
    method: 'GET',
    path: '/api/system/capabilities',
    tag: 'system',
    access: 'viewer',
    summary: 'What this host can do, with the reason and the exact fix for every unavailable feature',
    description: 'Probed at startup; `?refresh=true` probes again (for example after installing a package or changing the container on the host).',
    query: CapabilitiesQuery,
    response: CapabilitiesResponse,
  }),
  metrics: endpoint({
    id: 'system.metrics',
    method: 'GET',
    path: '/api/system/metrics',
    tag: 'system',
    access: 'viewer',
    summary: 'Current figures (collected every 5 seconds and served from memory)',
    response: MetricsSnapshot,
  }),
  metricsHistory: endpoint({
    id: 'system.metricsHistory',
    method: 'GET',
    path: '/api/system/metrics/history',
    tag: 'system',
    access: 'viewer',
    summary: 'The last hour at 5-second resolution, so charts start full; new points arrive as `metrics.tick` events',
    response: MetricsHistory,
  }),
  configExport: endpoint({
    id: 'system.configExport',
    method: 'POST',
    path: '/api/system/config/export',
    tag: 'system',
    access: 'admin',
    summary: 'Export the desired state (every module’s section) as an encrypted JSON document',
    body: ConfigExportRequest,
    response: ConfigDocument,
  }),
  configImport: endpoint({
    id: 'system.configImport',
    method: 'POST',
    path: '/api/system/config/import',
    tag: 'system',
    access: 'admin',
    summary: 'Import an exported document: with `?dryRun=true` only the changes each section would make',
    description:
      'All sections are replaced in one transaction (each module validates its own section first; any error changes nothing), then each module reconciles the host from the database.',
    query: DryRunQuery,
    body: ConfigImportRequest,
    response: ConfigImportResult,
    errors: { 422: 'A field is invalid, the passphrase is wrong, the file is damaged, or a section does not validate.' },
  }),
};
