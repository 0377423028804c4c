import path from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { CreateDirectory, FieldError } from '@moxnas/contracts';
import { HostIdentities, isWithin, type CommandRunner, type HostFs } from '@moxnas/host';
import { In, Repository } from 'typeorm';
import { DomainError } from '../../core/errors/domain-error';
import { COMMAND_RUNNER, HOST_FS } from '../../core/host/host.module';
import { PoolEntity } from '../storage/entities/pool.entity';
import { PoolsService } from '../storage/pools/pools.service';
import { GroupEntity } from '../users/entities/group.entity';
import { UserEntity } from '../users/entities/user.entity';

/** A share path after the checks: real, inside `pool`, and whether the directory is there yet. */
export interface ResolvedPath {
  path: string;
  pool: PoolEntity;
  exists: boolean;
}

/** A list (or single) field naming accounts that must exist in the users module. */
export interface AccountField {
  field: string;
  kind: 'user' | 'group';
  names: readonly string[] | string | null | undefined;
  /** Names reported otherwise (not looked up); indexes stay those of the full list. */
  skip?: ReadonlySet<string>;
}

/** What a createDirectory request resolved to; made only after every check passed. */
export interface DirectoryPlan {
  path: string;
  uid: number;
  gid: number;
  mode: number;
}

/**
 * The checks every share protocol shares: the path lies in a registered pool (realpath, no `..`,
 * no symbolic link out of it), the accounts named exist, and the directory to create is described
 * well enough to create it. These run before the apply transaction opens (PoolsService uses its own
 * connection, which the embedded database would only serve after the transaction).
 */
@Injectable()
export class ShareChecks {
  private readonly log = new Logger('shares');
  private readonly identities: HostIdentities;

  constructor(
    private readonly pools: PoolsService,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(GroupEntity) private readonly groups: Repository<GroupEntity>,
    @Inject(HOST_FS) private readonly fs: HostFs,
    @Inject(COMMAND_RUNNER) runner: CommandRunner,
  ) {
    this.identities = new HostIdentities(runner);
  }

  /**
   * The real path of `input` inside its pool. Problems are pushed onto `errors` (field `path`) and
   * null is returned. A missing directory is an error unless it is going to be created.
   */
  async resolvePath(input: string, options: { create: boolean }, errors: FieldError[]): Promise<ResolvedPath | null> {
    const fail = (message: string) => {
      errors.push({ field: 'path', message });
      return null;
    };
    if (input.includes('\u0000')) return fail('must not contain NUL characters');
    if (input.split('/').some((part) => part === '..' || part === '.')) return fail('must not contain . or .. components');
    const normalized = path.posix.normalize(input).replace(/(.)\/+$/, '$1');
    // Pools are stored by real path; a path given through a symbolic link (to the pool or inside
    // it) is found by resolving its longest existing prefix.
    const pool = (await this.pools.findByPath(normalized)) ?? (await this.pools.findByPath(await this.realPrefix(normalized)));
    if (!pool) return fail(`${input} is not inside a registered pool (Storage → Pools)`);
    let real: string;
    try {
      const candidate = isWithin(normalized, pool.path) ? normalized : await this.realPrefix(normalized);
      real = await this.pools.resolveInPool(pool.id, candidate, { mustExist: !options.create, field: 'path' });
    } catch (err) {
      if (err instanceof DomainError && err.fieldErrors?.length) {
        errors.push(...err.fieldErrors.map((e) => ({ field: 'path', message: e.message })));
        return null;
      }
      if (err instanceof DomainError && err.code === 'UNAVAILABLE') return fail(err.message);
      throw err;
    }
    const stat = await this.fs.stat(real);
    if (stat && stat.type !== 'directory') return fail(`${real} is not a directory`);
    return { path: real, pool, exists: stat !== null };
  }

  /** The real path of the longest existing prefix, with the missing rest appended. */
  private async realPrefix(p: string): Promise<string> {
    const missing: string[] = [];
    let current = p;
    for (;;) {
      const real = await this.fs.realpath(current).catch(() => null);
      if (real !== null) return path.join(real, ...missing.reverse());
      if (current === '/') return p;
      missing.push(path.basename(current));
      current = path.dirname(current);
    }
  }

  /**
   * Every named account must be a MoxNAS user or group with a Linux account (the built-in admin
   * has none). One error per offending element: `validUsers.1`.
   */
  async checkAccounts(fields: readonly AccountField[], errors: FieldError[]): Promise<void> {
    const listOf = (f: AccountField) => (f.names === null || f.names === undefined ? [] : typeof f.names === 'string' ? [f.names] : [...f.names]);
    const userNames = [...new Set(fields.filter((f) => f.kind === 'user').flatMap(listOf))];
    const groupNames = [...new Set(fields.filter((f) => f.kind === 'group').flatMap(listOf))];
    const users = new Map((userNames.length ? await this.users.findBy({ username: In(userNames) }) : []).map((u) => [u.username, u]));
    const groups = new Set((groupNames.length ? await this.groups.findBy({ name: In(groupNames) }) : []).map((g) => g.name));
    for (const f of fields) {
      const single = typeof f.names === 'string';
      listOf(f).forEach((name, i) => {
        if (f.skip?.has(name)) return;
        const field = single ? f.field : `${f.field}.${i}`;
        if (f.kind === 'group') {
          if (!groups.has(name)) errors.push({ field, message: `no group named ${name} (Users → Groups)` });
          return;
        }
        const user = users.get(name);
        if (!user) errors.push({ field, message: `no user named ${name} (Users)` });
        else if (user.uid === null) errors.push({ field, message: `${name} has no Linux account, so it cannot use shares` });
      });
    }
  }

  /** Owner and group of a directory to create: MoxNAS accounts first, then the host's (getent). */
  async planDirectory(target: string, spec: CreateDirectory, errors: FieldError[]): Promise<DirectoryPlan> {
    let uid = 0;
    let gid = 0;
    if (spec.owner !== null) {
      const user = await this.users.findOneBy({ username: spec.owner });
      const hostUid = user?.uid ?? (await this.identities.user(spec.owner).catch(() => null))?.uid;
      if (hostUid === undefined || hostUid === null) errors.push({ field: 'createDirectory.owner', message: `no user named ${spec.owner}` });
      else uid = hostUid;
    }
    if (spec.group !== null) {
      const group = await this.groups.findOneBy({ name: spec.group });
      const hostGid = group?.gid ?? (await this.identities.group(spec.group).catch(() => null))?.gid;
      if (hostGid === undefined || hostGid === null) errors.push({ field: 'createDirectory.group', message: `no group named ${spec.group}` });
      else gid = hostGid;
    }
    return { path: target, uid, gid, mode: parseInt(spec.mode, 8) };
  }

  /**
   * Creates the directory (and missing parents, root-owned 0755) and returns the topmost directory
   * made, so a failed apply can take it away again; null when it already existed.
   */
  async createDirectory(plan: DirectoryPlan): Promise<string | null> {
    let top: string | null = null;
    for (let p = plan.path; !(await this.fs.exists(p)); p = path.dirname(p)) top = p;
    if (top === null) return null;
    await this.fs.mkdir(plan.path, { mode: plan.mode, uid: plan.uid, gid: plan.gid });
    this.log.log({ path: plan.path, uid: plan.uid, gid: plan.gid, mode: plan.mode.toString(8) }, 'share directory created');
    return top;
  }

  /** Removes a directory this change created (the apply failed). */
  async removeCreated(top: string | null): Promise<void> {
    if (top === null) return;
    await this.fs.rm(top, { recursive: true, force: true }).catch((err: Error) => this.log.error({ path: top, err: err.message }, 'removing a created share directory failed'));
  }
}
