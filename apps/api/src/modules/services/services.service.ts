import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ApplyResult, Drift, FileDiff, Revision, RevisionSummary, ServiceId, ServiceStatus } from '@moxnas/contracts';
import type { HostFs } from '@moxnas/host';
import { unifiedDiff } from '@moxnas/render';
import type { HostPaths } from '../../core/config/host-paths';
import { DatabaseService } from '../../core/database/database.service';
import { DomainError } from '../../core/errors/domain-error';
import { HOST_FS, HOST_PATHS } from '../../core/host/host.module';
import { parseOrThrow, unknownFieldErrors } from '../../core/http/validation';
import { Repository } from 'typeorm';
import { JobsService, type JobContext } from '../system/jobs/jobs.service';
import { AuditContext } from '../users/audit/audit-context';
import { sha256 } from '../../core/crypto/sha256';
import { ApplyEngine } from './apply/apply-engine';
import { DaemonsService } from './daemons.service';
import { DriftService } from './drift.service';
import { ConfigRevisionEntity } from './entities/config-revision.entity';
import { SettingsStore } from './settings.store';

const NAMES: Record<ServiceId, string> = { smb: 'SMB (Samba)', nfs: 'NFS (kernel server)', ftp: 'FTP (vsftpd)' };
export const SERVICE_IDS: ServiceId[] = ['smb', 'nfs', 'ftp'];

function summary(r: ConfigRevisionEntity): RevisionSummary {
  return {
    id: r.id,
    service: r.service,
    path: r.path,
    hash: r.hash,
    actor: r.actor,
    result: r.result,
    message: r.message,
    jobId: r.jobId,
    createdAt: r.createdAt.toISOString(),
  };
}

/** What the audit log keeps of a daemon before and after a control action. */
function runState(s: ServiceStatus) {
  return { state: s.state, enabled: s.enabled, pid: s.pid };
}

/** What the audit log keeps of the drift before and after it is overwritten or adopted. */
function driftState(d: Drift) {
  return { drifted: d.drifted, files: d.files.filter((f) => f.drifted).map((f) => f.path) };
}

/** Status, control, settings, revisions and drift of the managed services. */
@Injectable()
export class ServicesService {
  private readonly log = new Logger('services');

  constructor(
    private readonly engine: ApplyEngine,
    private readonly daemons: DaemonsService,
    private readonly drift: DriftService,
    private readonly settings: SettingsStore,
    private readonly db: DatabaseService,
    @InjectRepository(ConfigRevisionEntity) private readonly revisions: Repository<ConfigRevisionEntity>,
    @Inject(HOST_PATHS) private readonly paths: HostPaths,
    @Inject(HOST_FS) private readonly fs: HostFs,
    private readonly jobs: JobsService,
    private readonly audit: AuditContext,
  ) {}

  mainFile(service: ServiceId): string {
    return service === 'smb' ? this.paths.smbConf : service === 'nfs' ? this.paths.exports : this.paths.vsftpdConf;
  }

  async list(): Promise<ServiceStatus[]> {
    return Promise.all(SERVICE_IDS.map((id) => this.get(id)));
  }

  async get(id: ServiceId): Promise<ServiceStatus> {
    const [daemon, revision] = await Promise.all([this.daemons.status(id), this.engine.lastRevision(id, this.mainFile(id))]);
    const raw = daemon.raw;
    const lastExit = raw?.lastExit
      ? `${raw.lastExit.expected ? 'stopped' : 'exited'} at ${raw.lastExit.at} (${raw.lastExit.signal ? `signal ${raw.lastExit.signal}` : `code ${raw.lastExit.code}`})`
      : null;
    return {
      id,
      name: NAMES[id],
      capability: daemon.capability,
      state: daemon.state,
      pid: raw?.pid ?? null,
      uptimeSeconds: raw?.uptimeSeconds ?? null,
      startedAt: raw?.startedAt ?? null,
      enabled: raw?.enabled ?? false,
      restarts: raw?.restarts ?? 0,
      lastExit,
      driver: daemon.driver,
      revision: revision ? summary(revision) : null,
      drift: this.drift.cached(id)?.drifted ?? false,
    };
  }

  async control(id: ServiceId, action: 'start' | 'stop' | 'restart' | 'reload' | 'enable' | 'disable'): Promise<ServiceStatus> {
    const settings = await this.settings.get(this.db.dataSource.manager, id);
    const before = await this.get(id);
    if (action === 'start' || action === 'restart') {
      // Never start a daemon on files that do not match the database.
      await this.engine.apply(id, { reason: `before ${action}` });
    }
    await this.daemons.control(id, action, settings);
    // Disabled means stopped now as well as not started at boot, like `systemctl disable --now`;
    // a stop is idempotent and also cancels a pending restart of a failed daemon.
    if (action === 'disable') await this.daemons.control(id, 'stop', settings);
    const after = await this.get(id);
    this.audit.describe({ target: `service:${id}`, before: runState(before), after: runState(after) });
    return after;
  }

  async getSettings(id: ServiceId): Promise<Record<string, unknown>> {
    return this.settings.get(this.db.dataSource.manager, id);
  }

  /** Validates the merged settings (all field errors at once), then applies through the engine. */
  async updateSettings(
    id: ServiceId,
    patch: Record<string, unknown>,
    options: { dryRun: boolean; actor: string | null; reason?: string },
  ): Promise<{ settings: Record<string, unknown>; apply: ApplyResult }> {
    // The route's body is any object (each service has its own settings); strict like every body.
    const unknown = unknownFieldErrors(this.settings.schema(id), patch);
    if (unknown.length) throw DomainError.validation(unknown);
    const run = (ctx?: JobContext) =>
      this.engine.apply(id, {
        dryRun: options.dryRun,
        actor: options.actor,
        jobId: ctx?.id ?? null,
        reason: options.reason ?? 'settings changed',
        onProgress: ctx ? (p, m) => ctx.progress(p, m) : undefined,
        mutate: async (manager) => {
          const current = await this.settings.get(manager, id);
          const merged = parseOrThrow(this.settings.schema(id), { ...current, ...patch });
          await this.settings.put(manager, id, merged);
          return merged as Record<string, unknown>;
        },
      });
    // A dry run changes nothing, so it leaves no job behind; a real apply is a job others can watch.
    const { value, result } = options.dryRun ? await run() : (await this.jobs.run(`config.apply.${id}`, run, { actor: options.actor })).value;
    return { settings: value, apply: result };
  }

  async listRevisions(id: ServiceId): Promise<RevisionSummary[]> {
    const rows = await this.revisions.find({ where: { service: id }, order: { createdAt: 'DESC' }, take: 200 });
    return rows.map(summary);
  }

  private async revision(id: ServiceId, revisionId: string): Promise<ConfigRevisionEntity> {
    const row = await this.revisions.findOneBy({ id: revisionId, service: id });
    if (!row) throw DomainError.notFound('Revision');
    return row;
  }

  async getRevision(id: ServiceId, revisionId: string): Promise<Revision> {
    const row = await this.revision(id, revisionId);
    return { ...summary(row), content: row.content };
  }

  async diff(id: ServiceId, from: string, to: string): Promise<FileDiff> {
    const [a, b] = await Promise.all([this.revision(id, from), this.revision(id, to)]);
    if (a.path !== b.path) {
      throw DomainError.validation([{ field: 'query.to', message: `is a revision of ${b.path}, not of ${a.path}` }]);
    }
    return { path: a.path, diff: unifiedDiff(a.path, a.content, b.content) };
  }

  /** Restores the service settings recorded with a revision and applies them. */
  async rollback(id: ServiceId, revisionId: string, options: { dryRun: boolean; actor: string | null }): Promise<ApplyResult> {
    const row = await this.revision(id, revisionId);
    if (!row.settings) throw DomainError.conflict('This revision has no recorded settings to return to.');
    // Its own revision says what it was, so the history reads "rolled back to …", not a plain change.
    const { apply } = await this.updateSettings(id, row.settings, { ...options, reason: `rolled back to the revision of ${row.createdAt.toISOString()}` });
    return apply;
  }

  checkDrift(id: ServiceId): Promise<Drift> {
    return this.drift.check(id);
  }

  async overwriteDrift(id: ServiceId, options: { dryRun: boolean; actor: string | null }): Promise<ApplyResult> {
    // The files on disk are wrong; rendering from the database and applying writes them again.
    const before = await this.drift.check(id);
    const { result } = await this.engine.apply(id, { dryRun: options.dryRun, actor: options.actor, reason: 'drift overwritten' });
    const after = options.dryRun ? before : await this.drift.check(id);
    this.audit.describe({ target: `service:${id}`, before: driftState(before), after: options.dryRun ? result : driftState(after) });
    return result;
  }

  /** Takes the files on disk as the new baseline (recorded as `adopted` revisions). */
  async adoptDrift(id: ServiceId, actor: string | null): Promise<Drift> {
    const drift = await this.drift.check(id);
    const rendered = await this.engine.renderCurrent(id);
    const files: Array<{ path: string; after: string | null }> = [];
    for (const f of drift.files.filter((x) => x.drifted)) {
      files.push({ path: f.path, after: await this.fs.readFile(f.path) });
    }
    if (files.length) await this.engine.record(id, files, rendered, 'adopted', `hand edits adopted (sha256 ${files.map((f) => sha256(f.after ?? '').slice(0, 12)).join(', ')})`, { actor });
    const after = await this.drift.check(id);
    this.audit.describe({ target: `service:${id}`, before: driftState(drift), after: driftState(after) });
    return after;
  }
}
