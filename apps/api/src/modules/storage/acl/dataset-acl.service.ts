import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { AclDryRun, AclSet, AclSetQuery, FieldError, Job, PathAcl, PathAclEntry } from '@moxnas/contracts';
import { applyAcl, isWithin, readAcl, removeDefaultAcl, SNAPDIR, type AclEntry } from '@moxnas/host';
import { DomainError } from '../../../core/errors/domain-error';
import { JobCancelledError, JobsService, type JobContext } from '../../system/jobs/jobs.service';
import { AuditContext } from '../../users/audit/audit-context';
import { DatasetLocks } from '../dataset-locks';
import { AccountNames } from '../datasets/account-names';
import { octal, resolveAcl, type DatasetContext } from '../datasets/dataset-plan';
import { DatasetsService } from '../datasets/datasets.service';
import { PoolsService } from '../pools/pools.service';
import { STORAGE_HOST, type StorageHost } from '../storage-host';
import { aclRefusal, diffAcl, expectedAcl, fileDefaultProblems, planAcl, rwx } from './acl-plan';

interface AclTarget {
  ctx: DatasetContext;
  full: string;
  rel: string;
  type: 'file' | 'directory';
}

const SKIP = new Set([SNAPDIR, '.zfs']);
const SAMPLE = 20;

/**
 * The ACL editor: reads and replaces the POSIX ACL of a folder or file inside a dataset (getfacl /
 * setfacl through libs/host), recursively as a cancellable job. Paths never leave the dataset.
 */
@Injectable()
export class DatasetAclService {
  constructor(
    private readonly datasets: DatasetsService,
    private readonly pools: PoolsService,
    private readonly locks: DatasetLocks,
    private readonly jobs: JobsService,
    private readonly names: AccountNames,
    private readonly audit: AuditContext,
    @Inject(STORAGE_HOST) private readonly host: StorageHost,
  ) {}

  /** The dataset, refused when its pool has no ACLs, and the path resolved inside it (no `..`, no symlink out). */
  private async target(id: string, rel: string): Promise<AclTarget> {
    const ctx = await this.datasets.context(id);
    const refusal = aclRefusal(ctx.pool);
    if (refusal) throw DomainError.conflict(refusal, { capability: 'posixAcl' });
    await this.pools.assertOnline(ctx.pool);
    const inner = rel.replace(/\/+$/, '');
    const full = await this.pools.resolveInPool(ctx.pool.id, path.posix.join(ctx.dataset.relativePath, inner), { field: 'query.path', mustExist: true });
    const root = await this.host.fs.realpath(ctx.path);
    if (!isWithin(full, root)) throw DomainError.validation([{ field: 'query.path', message: `${rel} is not inside the dataset` }]);
    const st = await this.host.fs.lstat(full);
    if (!st || (st.type !== 'file' && st.type !== 'directory')) throw DomainError.validation([{ field: 'query.path', message: `${rel || '/'} is not a file or directory` }]);
    return { ctx, full, rel: inner, type: st.type };
  }

  async get(id: string, rel: string): Promise<PathAcl> {
    return this.describe(await this.target(id, rel));
  }

  private async describe(t: AclTarget): Promise<PathAcl> {
    const st = await this.host.fs.lstat(t.full);
    if (!st) throw DomainError.notFound('Path');
    const acl = await readAcl(this.host.runner, t.full);
    const owner = await this.names.user(st.uid);
    const group = await this.names.group(st.gid);
    const dto = async (e: AclEntry): Promise<PathAclEntry> => ({
      tag: e.tag,
      id: e.id,
      name: e.tag === 'user' ? (e.id === null ? owner : await this.names.user(e.id)) : e.tag === 'group' ? (e.id === null ? group : await this.names.group(e.id)) : null,
      perms: rwx(e.perms),
    });
    return {
      datasetId: t.ctx.dataset.id,
      path: t.full,
      relativePath: t.rel,
      type: t.type,
      owner: { uid: st.uid, name: owner },
      group: { gid: st.gid, name: group },
      mode: octal(st.mode),
      access: await Promise.all(acl.access.map(dto)),
      default: await Promise.all(acl.default.map(dto)),
    };
  }

  async set(id: string, query: AclSetQuery, body: AclSet, actor: string | null): Promise<PathAcl | AclDryRun | Job> {
    const t = await this.target(id, query.path);
    const errors: FieldError[] = [];
    const stored = await resolveAcl(this.host.identities, body.entries, 'entries', errors);
    const requested: AclEntry[] = stored.map((e) => ({ tag: e.tag, id: e.id, perms: e.perms, isDefault: e.default }));
    if (!query.recursive) errors.push(...fileDefaultProblems(requested, t.type === 'directory'));
    if (errors.length) throw DomainError.validation(errors);

    const current = await readAcl(this.host.runner, t.full);
    const full = planAcl(current, requested, t.type === 'directory');
    if (query.dryRun) {
      return { dryRun: true, path: t.full, changes: diffAcl(current, expectedAcl(full)), below: query.recursive ? await this.below(t) : null };
    }
    const before = await this.describe(t);
    const auditTarget = `dataset:${t.ctx.pool.name}/${path.posix.join(t.ctx.dataset.relativePath, t.rel)}`;
    if (query.recursive) {
      this.audit.describe({ target: auditTarget, before, after: { entries: body.entries, recursive: true } });
      return this.startRecursive(t, requested, actor);
    }
    await this.locks.run(t.ctx.dataset.id, () => this.apply(t.full, current, full));
    const after = await this.describe(t);
    this.audit.describe({ target: auditTarget, before, after });
    return after;
  }

  /** Sets the planned list (its base entries make the mode irrelevant); a default ACL not asked for goes away. */
  private async apply(target: string, current: { default: AclEntry[] }, full: readonly AclEntry[]): Promise<void> {
    await applyAcl(this.host.runner, target, 0, full);
    if (current.default.length > 0 && !full.some((e) => e.isDefault)) await removeDefaultAcl(this.host.runner, target);
  }

  /** Every file and directory below the target (not the target itself), symlinks and snapshot trees left out. */
  private async walk(dir: string, visit: (p: string, type: 'file' | 'directory') => void, signal?: AbortSignal): Promise<void> {
    for (const entry of await this.host.fs.readdir(dir)) {
      if (signal?.aborted) return;
      if (SKIP.has(entry.name)) continue;
      const p = path.join(dir, entry.name);
      if (entry.type === 'directory') {
        visit(p, 'directory');
        await this.walk(p, visit, signal);
      } else if (entry.type === 'file') visit(p, 'file');
    }
  }

  private async below(t: AclTarget): Promise<NonNullable<AclDryRun['below']>> {
    const out = { entries: 0, directories: 0, files: 0, sample: [] as string[] };
    if (t.type !== 'directory') return out;
    await this.walk(t.full, (p, type) => {
      out.entries++;
      out[type === 'directory' ? 'directories' : 'files']++;
      if (out.sample.length < SAMPLE) out.sample.push(path.relative(t.full, p));
    });
    return out;
  }

  private async startRecursive(t: AclTarget, requested: AclEntry[], actor: string | null): Promise<Job> {
    const { job } = await this.jobs.start(
      'dataset.acl',
      (job) => this.locks.run(t.ctx.dataset.id, () => this.applyRecursive(job, t, requested)),
      { actor, eventAccess: 'operator' },
    );
    return job;
  }

  private async applyRecursive(job: JobContext, t: AclTarget, requested: AclEntry[]): Promise<{ done: number; total: number }> {
    const items: { p: string; type: 'file' | 'directory' }[] = [{ p: t.full, type: t.type }];
    if (t.type === 'directory') await this.walk(t.full, (p, type) => items.push({ p, type }), job.signal);
    const total = items.length;
    let done = 0;
    job.log(`Setting the ACL on ${t.full} and below: ${total} entries`);
    for (const item of items) {
      try {
        job.checkpoint();
      } catch (err) {
        if (err instanceof JobCancelledError) job.log(`Cancelled: ${done} of ${total} entries done`, 'warn');
        throw err;
      }
      const current = await readAcl(this.host.runner, item.p);
      await this.apply(item.p, current, planAcl(current, requested, item.type === 'directory'));
      done++;
      job.progress((done / total) * 100, `${done}/${total} files`);
    }
    job.log(`${done} of ${total} entries done`);
    return { done, total };
  }
}
