import { z } from 'zod';
import { IdParams } from './common';
import { endpoint } from './endpoint';
import { Job } from './jobs';
import { AclEntryInput } from './storage';
import { InnerPath } from './storage-names';

/** The POSIX ACL editor: the ACL of any folder or file inside a dataset, read and replaced. */

const boolQuery = (description: string) =>
  z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .describe(description);

export const AclPathQuery = z.object({
  path: InnerPath.default('').describe('Folder or file relative to the dataset root; empty (default) for the root. No `..`, no symlink out of the dataset.'),
});
export type AclPathQuery = z.infer<typeof AclPathQuery>;

export const AclSetQuery = AclPathQuery.extend({
  recursive: boolQuery('true: apply to everything below as a job (default entries only on directories); the answer is the job.'),
  dryRun: boolQuery('true: answer what would change and write nothing.'),
});
export type AclSetQuery = z.infer<typeof AclSetQuery>;

export const AclSet = z.object({
  entries: z.array(AclEntryInput).max(64, 'at most 64 entries').describe('Named user/group entries and the mask (same grammar as a dataset’s acl); owner, owning group and other keep the mode. Empty removes every extended entry.'),
});
export type AclSet = z.infer<typeof AclSet>;

export const PathAclEntry = z.object({
  tag: z.enum(['user', 'group', 'mask', 'other']),
  id: z.number().int().nullable().describe('uid or gid of a named entry; null for the owner (user), owning group (group), mask and other.'),
  name: z.string().nullable().describe('The user or group name as the host resolves it now (the owner’s or owning group’s for id null).'),
  perms: z.string().describe('rwx-style, such as r-x.'),
});
export type PathAclEntry = z.infer<typeof PathAclEntry>;

export const PathAcl = z.object({
  datasetId: z.string().uuid(),
  path: z.string().describe('Absolute path on the host.'),
  relativePath: z.string(),
  type: z.enum(['file', 'directory']),
  owner: z.object({ uid: z.number().int(), name: z.string().nullable() }),
  group: z.object({ gid: z.number().int(), name: z.string().nullable() }),
  mode: z.string().describe('Octal, such as 0750.'),
  access: z.array(PathAclEntry).describe('The access ACL as getfacl reports it (base entries included).'),
  default: z.array(PathAclEntry).describe('The default ACL (directories only; empty when none).'),
});
export type PathAcl = z.infer<typeof PathAcl>;

export const AclChange = z.object({
  entry: z.string().describe('`user:1000`, `group:33`, `mask`, `user` (owner), … with a `default:` prefix for default entries.'),
  before: z.string().nullable().describe('Permissions now; null when the entry does not exist.'),
  after: z.string().nullable().describe('Permissions after; null when the entry goes away.'),
});
export type AclChange = z.infer<typeof AclChange>;

export const AclDryRun = z.object({
  dryRun: z.literal(true),
  path: z.string(),
  changes: z.array(AclChange).describe('Entries of the folder or file itself whose permissions would change.'),
  below: z
    .object({ entries: z.number().int(), directories: z.number().int(), files: z.number().int(), sample: z.array(z.string()).describe('Up to 20 relative paths below.') })
    .nullable()
    .describe('For recursive: what lies below and would be rewritten too; null otherwise.'),
});
export type AclDryRun = z.infer<typeof AclDryRun>;

const ACL_REFUSED = 'The pool has no POSIX ACL support (the reason is in the message).';

export const aclApi = {
  get: endpoint({ id: 'storage.datasets.acl.get', method: 'GET', path: '/api/storage/datasets/{id}/acl', tag: 'storage', access: 'viewer', summary: 'The access and default ACL of a folder or file in a dataset', params: IdParams, query: AclPathQuery, response: PathAcl, errors: { 409: ACL_REFUSED } }),
  set: endpoint({
    id: 'storage.datasets.acl.set',
    method: 'PUT',
    path: '/api/storage/datasets/{id}/acl',
    tag: 'storage',
    access: 'admin',
    summary: 'Replace the ACL of a folder or file in a dataset (the new ACL; a dry run; or, recursive, a job)',
    params: IdParams,
    query: AclSetQuery,
    body: AclSet,
    response: z.union([PathAcl, AclDryRun, Job]),
    errors: { 409: ACL_REFUSED },
  }),
};
