import { z } from 'zod';
import { endpoint } from './endpoint';
import { isHostname } from './addresses';
import { IpAddress } from './grammar';

export const InterfaceAddress = z.object({
  family: z.enum(['ipv4', 'ipv6']),
  address: z.string(),
  prefixLength: z.number().int(),
});

export const NetworkInterfaceInfo = z.object({
  name: z.string(),
  mac: z.string().nullable(),
  mtu: z.number().int().nullable(),
  state: z.string().describe('Operational state from the kernel: up, down, unknown (loopback and some virtual links), dormant, …'),
  speedMbps: z.number().nullable().describe('Link speed; null when the driver reports none (virtual links, link down).'),
  kind: z.enum(['loopback', 'physical', 'virtual']),
  addresses: z.array(InterfaceAddress),
  rxBytes: z.number().describe('Received since the interface came up.'),
  txBytes: z.number(),
  rxBytesPerSecond: z.number().nullable().describe('Over the last 5-second collection; null before the second one.'),
  txBytesPerSecond: z.number().nullable(),
});
export type NetworkInterfaceInfo = z.infer<typeof NetworkInterfaceInfo>;

export const Writability = z.object({
  writable: z.boolean(),
  reason: z.string().nullable().describe('Why it is read-only, when it is.'),
  fix: z.string().nullable().describe('How to change it anyway (on the Proxmox host, or by letting MoxNAS manage the file).'),
  path: z.string().describe('The file MoxNAS reads and writes.'),
});
export type Writability = z.infer<typeof Writability>;

export const DnsSettings = z.object({
  nameservers: z.array(z.string()),
  search: z.array(z.string()),
  options: z.array(z.string()).describe('`options` of resolv.conf; kept as they are on a change.'),
  access: Writability,
});
export type DnsSettings = z.infer<typeof DnsSettings>;

const searchDomain = z
  .string()
  .max(253)
  .refine((v) => isHostname(v), 'must be a domain name such as example.lan');

export const UpdateDns = z.strictObject({
  nameservers: z
    .array(IpAddress)
    .min(1, 'at least one name server')
    // glibc's resolver reads only the first three (MAXNS in resolv.h).
    .max(3, 'at most 3 name servers: the resolver ignores the rest')
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      list.forEach((v, i) => {
        if (seen.has(v.toLowerCase())) ctx.addIssue({ code: 'custom', message: `${v} is listed twice`, path: [i] });
        seen.add(v.toLowerCase());
      });
    })
    .describe('Name server addresses, in order of preference.'),
  search: z
    .array(searchDomain)
    .max(6, 'at most 6 search domains')
    .default([])
    .refine((list) => list.join(' ').length <= 256, 'the search list must be at most 256 characters in total')
    .describe('Domains tried for short names.'),
});
export type UpdateDns = z.infer<typeof UpdateDns>;

export const HostnameSettings = z.object({
  hostname: z.string().describe('The running system’s host name.'),
  configured: z.string().nullable().describe('What the hostname file says (the name after a restart).'),
  access: Writability,
});
export type HostnameSettings = z.infer<typeof HostnameSettings>;

export const UpdateHostname = z.strictObject({
  hostname: z
    .string()
    .min(1, 'must not be empty')
    .max(64, 'must be at most 64 characters (the kernel limit)')
    .refine((v) => isHostname(v) && v.split('.').every((l) => l.length <= 63), 'must be a host name: letters, digits and hyphens, labels separated by dots')
    .describe('New host name (a short name, or a fully qualified one).'),
});
export type UpdateHostname = z.infer<typeof UpdateHostname>;

export const ServiceBindings = z.object({
  smb: z.object({
    interfaces: z.array(z.string()).describe('Interfaces or addresses smbd binds to; empty = all.'),
    allInterfaces: z.boolean(),
  }),
  ftp: z.object({
    listenAddress: z.string().nullable().describe('Address vsftpd listens on; null = all IPv4 addresses.'),
    allInterfaces: z.boolean(),
  }),
  source: z.string().describe('Where this comes from (the services settings, or defaults when none are stored).'),
});
export type ServiceBindings = z.infer<typeof ServiceBindings>;

export const networkApi = {
  interfaces: endpoint({
    id: 'network.interfaces',
    method: 'GET',
    path: '/api/network/interfaces',
    tag: 'network',
    access: 'viewer',
    summary: 'Network interfaces with addresses, MTU, link state, speed and traffic',
    response: z.array(NetworkInterfaceInfo),
  }),
  getDns: endpoint({
    id: 'network.getDns',
    method: 'GET',
    path: '/api/network/dns',
    tag: 'network',
    access: 'viewer',
    summary: 'Name servers and search domains, and whether MoxNAS may change them here',
    response: DnsSettings,
  }),
  updateDns: endpoint({
    id: 'network.updateDns',
    method: 'PUT',
    path: '/api/network/dns',
    tag: 'network',
    access: 'admin',
    summary: 'Replace the name servers and search domains',
    body: UpdateDns,
    response: DnsSettings,
    errors: { 409: 'The file is owned by the Proxmox host or the container runtime here; the body says why and how to change it.' },
  }),
  getHostname: endpoint({
    id: 'network.getHostname',
    method: 'GET',
    path: '/api/network/hostname',
    tag: 'network',
    access: 'viewer',
    summary: 'The host name, and whether MoxNAS may change it here',
    response: HostnameSettings,
  }),
  updateHostname: endpoint({
    id: 'network.updateHostname',
    method: 'PUT',
    path: '/api/network/hostname',
    tag: 'network',
    access: 'admin',
    summary: 'Change the host name (the hostname file, the 127.0.1.1 line of hosts, and the running name)',
    body: UpdateHostname,
    response: HostnameSettings,
    errors: { 409: 'The file is owned by the Proxmox host or the container runtime here; the body says why and how to change it.' },
  }),
  bindings: endpoint({
    id: 'network.bindings',
    method: 'GET',
    path: '/api/network/bindings',
    tag: 'network',
    access: 'viewer',
    summary: 'Which interfaces the SMB and FTP daemons listen on (set in the services settings)',
    response: ServiceBindings,
  }),
};
