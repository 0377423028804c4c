import { z } from 'zod';
import { DryRunQuery } from './common';
import { endpoint } from './endpoint';
import { ApplyResult, ServiceId } from './services';
import { FtpShareCreate, NfsShareCreate, SmbShareCreate } from './shares';
import { CreateGroupRequest, CreateUserRequest, Provisioning } from './users';

/** Bulk provisioning: many users, groups and shares in one validated, all-or-nothing change (docs/bulk.md). */

export const BULK_MAX_ROWS = 1000;

const GroupName = CreateGroupRequest.shape.name;

/**
 * A user row: the create body of `POST /api/users`, plus groups by *name*, so a user can join a
 * group made by another row of the same batch (whose id does not exist yet).
 */
export const BulkUserData = CreateUserRequest.extend({
  groups: z.array(GroupName).max(200).optional().describe('Supplementary groups by name: existing MoxNAS groups or groups created by this batch.'),
  primaryGroup: GroupName.optional().describe('Primary group by name (existing or created by this batch); instead of `primaryGroupId`.'),
});
export type BulkUserData = z.infer<typeof BulkUserData>;

export const BulkRow = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('user'), data: BulkUserData }),
    z.strictObject({ kind: z.literal('group'), data: CreateGroupRequest }),
    z.strictObject({ kind: z.literal('smbShare'), data: SmbShareCreate }),
    z.strictObject({ kind: z.literal('nfsShare'), data: NfsShareCreate }),
    z.strictObject({ kind: z.literal('ftpShare'), data: FtpShareCreate }),
  ])
  .describe('One thing to create: `data` is the create body of its own endpoint (users, groups, SMB/NFS/FTP shares).');
export type BulkRow = z.infer<typeof BulkRow>;
export type BulkKind = BulkRow['kind'];

export const BulkRequest = z.strictObject({
  rows: z
    .array(BulkRow)
    .min(1)
    .max(BULK_MAX_ROWS)
    .describe(`1–${BULK_MAX_ROWS} rows. Errors name the row by its index in this list: \`rows.17.data.username\`.`),
});
export type BulkRequest = z.infer<typeof BulkRequest>;

export const BulkCreated = z.object({
  row: z.number().int().describe('Index of the row in the request.'),
  kind: z.enum(['user', 'group', 'smbShare', 'nfsShare', 'ftpShare']),
  id: z.string().uuid().describe('The new id (on a dry run: the id it would have had; not kept).'),
  name: z.string().describe('Username, group name, share name or (NFS) path.'),
});
export type BulkCreated = z.infer<typeof BulkCreated>;

export const BulkResult = z.object({
  dryRun: z.boolean(),
  jobId: z.string().uuid().nullable().describe('The `bulk.provision` job that ran the batch (its progress is on `/api/events`); null on a dry run, which leaves no job.'),
  created: z.array(BulkCreated).describe('Every row, in request order.'),
  counts: z.record(z.string(), z.number().int()).describe('Rows per kind.'),
  provisioning: Provisioning.describe('The host accounts of the batch (Linux groups and accounts, Samba passdb entries), in one sentence.'),
  apply: ApplyResult.describe('The whole change: the diffs of every file of every affected service (with `?dryRun=true`: what would be written, byte for byte the same diffs a real run reports).'),
  services: z.partialRecord(ServiceId, ApplyResult).describe('The same, per affected service.'),
});
export type BulkResult = z.infer<typeof BulkResult>;

export const bulkApi = {
  create: endpoint({
    id: 'bulk.create',
    method: 'POST',
    path: '/api/bulk',
    tag: 'bulk',
    access: 'admin',
    summary: 'Create many users, groups and SMB/NFS/FTP shares at once, all or nothing',
    description:
      'The whole batch is validated first: every row against its own create contract, then against the system and the other rows (names taken here or on the host, duplicates within the batch, shares naming accounts that neither exist nor are created by the batch); any error is a 422 listing every offending field as `rows.<index>.data.<field>`, and nothing is written. Then one transaction and one apply per affected service: if any step fails (a daemon checker, a host account command, a reload) everything is undone (rows, host accounts, Samba passdb entries, config files) and the answer says what failed. `?dryRun=true` answers the diffs and writes nothing. The request waits for the answer; a real run is also a `bulk.provision` job, whose progress `/api/events` shows.',
    query: DryRunQuery,
    body: BulkRequest,
    response: BulkResult,
    errors: {
      409: 'A conflict found only inside the transaction (a race with another change, or an FTP login given two shares); nothing was saved.',
      502: 'A host step or a daemon failed; everything was rolled back and nothing changed.',
    },
  }),
};
