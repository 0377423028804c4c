import fs from 'node:fs/promises';
import path from 'node:path';
import type { AccessLevel } from '@moxnas/contracts';
import { binaryPath, exec } from '../../host/support/host-test-env';
import type { Credentials, FtpClient, SmbClient } from '../../shares/support/share-clients';

/**
 * The generated matrix of the effective-access e2e test: users × groups × share options × POSIX
 * modes and ACL entries × account flags. Each case names what the API is asked and how a real
 * client (smbclient, curl ftp://) or the kernel (setpriv as the exported identity) observes it.
 */

/** The accounts of the matrix; `inGroup`: member of the matrix group. */
export interface MatrixUser {
  key: 'a' | 'b' | 'c' | 'd';
  inGroup: boolean;
  disabled: boolean;
  smbEnabled: boolean;
  ftpEnabled: boolean;
  about: string;
}

export const MATRIX_USERS: readonly MatrixUser[] = [
  { key: 'a', inGroup: true, disabled: false, smbEnabled: true, ftpEnabled: true, about: 'in the group' },
  { key: 'b', inGroup: false, disabled: false, smbEnabled: true, ftpEnabled: true, about: 'not in the group' },
  { key: 'c', inGroup: true, disabled: true, smbEnabled: true, ftpEnabled: true, about: 'disabled' },
  { key: 'd', inGroup: true, disabled: false, smbEnabled: false, ftpEnabled: false, about: 'smb and ftp off' },
];

/** One directory of a tree: its mode, owner and ACL entries, made by `makeTree`. */
export interface DirVariant {
  name: string;
  mode: number;
  owner: 'root' | 'a';
  group: 'root' | 'group';
  /** setfacl -m entries, with `{b}` replaced by user b's name. */
  acl: readonly string[];
}

export const DIRS: readonly DirVariant[] = [
  { name: 'open', mode: 0o777, owner: 'root', group: 'root', acl: [] },
  { name: 'group-read', mode: 0o750, owner: 'root', group: 'group', acl: [] },
  { name: 'owner-a', mode: 0o700, owner: 'a', group: 'group', acl: [] },
  { name: 'acl-b', mode: 0o750, owner: 'root', group: 'root', acl: ['user:{b}:rwx'] },
];

export const SEED = 'seed.txt';
export const SEED_TEXT = 'matrix seed\n';

export interface Names {
  user: Record<MatrixUser['key'], string>;
  group: string;
}

/** A share root (0755, root) with one directory per variant, each holding a world-readable seed file. */
export async function makeTree(root: string, names: Names): Promise<void> {
  await fs.mkdir(root, { mode: 0o755 });
  await fs.chmod(root, 0o755);
  for (const d of DIRS) {
    const dir = path.join(root, d.name);
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, SEED), SEED_TEXT, { mode: 0o644 });
    const owner = d.owner === 'root' ? 'root' : names.user.a;
    const group = d.group === 'root' ? 'root' : names.group;
    await must(exec(binaryPath('chown') ?? '/bin/chown', [`${owner}:${group}`, dir]), `chown ${dir}`);
    await fs.chmod(dir, d.mode);
    for (const e of d.acl) await must(exec(binaryPath('setfacl') ?? '/usr/bin/setfacl', ['-m', e.replace('{b}', names.user.b), dir]), `setfacl ${dir}`);
  }
}

async function must(r: Promise<{ code: number; stderr: string }>, what: string): Promise<void> {
  const done = await r;
  if (done.code !== 0) throw new Error(`${what}: ${done.stderr}`);
}

/** What the three tries saw, and the level they add up to. */
export interface Observed {
  list: boolean;
  read: boolean;
  write: boolean;
  level: AccessLevel | 'inconsistent';
  why: string;
}

function observed(list: boolean, read: boolean, write: boolean, why: string): Observed {
  const level = write && list && read ? 'write' : !write && list && read ? 'read' : !write && !list && !read ? 'none' : 'inconsistent';
  return { list, read, write, level, why };
}

/** ls, get and put of `dir` in `share` with smbclient. */
export async function observeSmb(smb: SmbClient, share: string, dir: string, who: Credentials, local: { upload: string; download: string }, tag: string): Promise<Observed> {
  const ls = await smb.run(share, who, `ls ${dir}/*`);
  const list = ls.code === 0 && ls.stdout.includes(SEED);
  await fs.rm(local.download, { force: true });
  const get = await smb.status(share, who, `get ${dir}/${SEED} ${local.download}`);
  const read = get === 'OK' && (await fs.readFile(local.download, 'utf8').catch(() => '')) === SEED_TEXT;
  const put = await smb.status(share, who, `put ${local.upload} ${dir}/up-${tag}.txt`);
  return observed(list, read, put === 'OK', `ls: ${list ? 'OK' : (/NT_STATUS_[A-Z_]+/.exec(ls.stdout + ls.stderr)?.[0] ?? `exit ${ls.code}`)}; get: ${get}; put: ${put}`);
}

/** NLST, RETR and STOR of `dir` (relative to the login's root) with curl. */
export async function observeFtp(ftp: FtpClient, dir: string, who: Credentials, local: { upload: string; download: string }, tag: string): Promise<Observed> {
  // vsftpd answers 226 even when it cannot open the directory, so a listing counts only if it shows the seed.
  const ls = await ftp.list(who, dir);
  const list = ls.code === 0 && ls.names.includes(SEED);
  await fs.rm(local.download, { force: true });
  const get = await ftp.download(who, `${dir}/${SEED}`, local.download);
  const read = get.code === 0 && (await fs.readFile(local.download, 'utf8').catch(() => '')) === SEED_TEXT;
  const put = await ftp.upload(who, local.upload, `${dir}/up-${tag}.txt`);
  const replies = (r: { stderr: string }) => r.stderr.split('\n').filter((l) => /^< [45]\d\d/.test(l)).map((l) => l.slice(2).trim()).join(' | ') || 'no error reply';
  return observed(list, read, put.code === 0, `list: ${list ? 'OK' : replies(ls)}; get: ${get.code === 0 ? 'OK' : replies(get)}; put: ${put.code === 0 ? 'OK' : replies(put)}`);
}

/** The identity the NFS server would use, as the kernel sees it. */
export interface KernelIdentity {
  uid: number;
  gids: readonly number[];
}

/** ls, cat and a new file in `dir` as `who`, by the kernel itself (setpriv), which is what nfsd does for a mapped request. */
export async function observeKernel(dir: string, who: KernelIdentity, tag: string): Promise<Observed> {
  const [primary, ...rest] = who.gids;
  const as = ['--reuid', String(who.uid), '--regid', String(primary), ...(rest.length ? ['--groups', rest.join(',')] : ['--clear-groups']), '--'];
  const setpriv = binaryPath('setpriv') ?? '/usr/bin/setpriv';
  // exec, not the clients' run(): these children take no stdin (writing to one that already exited is EPIPE).
  const ls = await exec(setpriv, [...as, binaryPath('ls') ?? '/bin/ls', dir]);
  const cat = await exec(setpriv, [...as, binaryPath('cat') ?? '/bin/cat', path.join(dir, SEED)]);
  const probe = path.join(dir, `nfs-${tag}.txt`);
  const touch = await exec(setpriv, [...as, binaryPath('touch') ?? '/usr/bin/touch', probe]);
  const list = ls.code === 0 && ls.stdout.includes(SEED);
  return observed(list, cat.code === 0 && cat.stdout === SEED_TEXT, touch.code === 0, `ls: ${ls.stderr.trim() || 'OK'}; cat: ${cat.stderr.trim() || 'OK'}; touch: ${touch.stderr.trim() || 'OK'}`);
}

export const LEVEL_ORDER: readonly AccessLevel[] = ['none', 'read', 'write'];
export const lowest = (a: AccessLevel, b: AccessLevel): AccessLevel => (LEVEL_ORDER.indexOf(a) <= LEVEL_ORDER.indexOf(b) ? a : b);
