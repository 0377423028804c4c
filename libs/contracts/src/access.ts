import { z } from 'zod';
import { endpoint } from './endpoint';
import { AbsolutePath, PosixUserName } from './grammar';

/** Effective access: what a user can do at a path over each protocol, and which rules decided it. */

export const AccessLevel = z.enum(['none', 'read', 'write']).describe('none: cannot list or read; read: list and read; write: also create, change and delete.');
export type AccessLevel = z.infer<typeof AccessLevel>;

export const AccessRule = z.object({
  rule: z.string().describe('What was checked, for example `valid users`, `write list`, `POSIX mode 0750 on /mnt/tank/a (owner alice, group staff)`.'),
  verdict: AccessLevel.describe('The most this rule allows.'),
  detail: z.string().describe('Why, in words.'),
  share: z.string().nullable().describe('The share the rule came from (name, or path for NFS); null for user and file-system rules.'),
});
export type AccessRule = z.infer<typeof AccessRule>;

export const ProtocolAccess = z.object({
  access: AccessLevel,
  share: z.string().nullable().describe('The share that gives the answer (the best one when several contain the path).'),
  rules: z.array(AccessRule).describe('In the order they were applied; the answer is the lowest verdict of the chain.'),
  note: z.string().nullable().describe('What the answer cannot know (NFS: client host and uid mapping).'),
});
export type ProtocolAccess = z.infer<typeof ProtocolAccess>;

export const AccessQuery = z.object({
  user: PosixUserName.optional().describe('The MoxNAS user to answer for; leave it out to list every user (the reverse listing).'),
  path: AbsolutePath,
});
export type AccessQuery = z.infer<typeof AccessQuery>;

export const AccessReport = z.object({
  user: z.string(),
  path: z.string(),
  smb: ProtocolAccess,
  ftp: ProtocolAccess,
  nfs: ProtocolAccess,
});
export type AccessReport = z.infer<typeof AccessReport>;

export const AccessListing = z.object({
  path: z.string().describe('The real path (symlinks resolved).'),
  users: z.array(AccessReport).describe('Every MoxNAS user, by name, with their answer per protocol.'),
});
export type AccessListing = z.infer<typeof AccessListing>;

/** The answer of GET /api/access: one user's report when `user` is given, else the reverse listing. */
export const AccessAnswer = z.union([AccessReport, AccessListing]);
export type AccessAnswer = z.infer<typeof AccessAnswer>;

export const accessApi = {
  effective: endpoint({
    id: 'access.effective',
    method: 'GET',
    path: '/api/access',
    tag: 'access',
    access: 'viewer',
    summary: 'What a user (or, without `user`, every user) can do at a path over SMB, FTP and NFS, with the rules that decide it',
    description: 'With `user`: that user\'s report. Without it: `{ path, users }`, every MoxNAS user\'s report, computed in one pass (each directory is read once).',
    query: AccessQuery,
    response: AccessAnswer,
    errors: { 404: 'No such user', 422: 'A path or user name that breaks the grammar, or a path that does not exist' },
  }),
};
