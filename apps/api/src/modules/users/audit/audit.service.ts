import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectRepository } from '@nestjs/typeorm';
import { allEndpoints, type AuditEntry, type AuditQuery, type EndpointDef } from '@moxnas/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Counter } from 'prom-client';
import { Between, LessThan, Like, MoreThanOrEqual, Repository, type FindOptionsWhere } from 'typeorm';
import { MetricsService } from '../../../core/metrics/metrics.service';
import { nestPath } from '../../../core/http/route.decorator';
import { identityOf } from '../auth/identity';
import { CLOCK, type Clock } from '../clock';
import { AuditEntryEntity, type AuditResultKind } from '../entities/audit-entry.entity';
import type { AuditDetail } from './audit-context';
import { redactToObject, scrub, storable } from './redact';
import { likeStartingWith } from '../../../core/database/like';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const DETAIL = Symbol('moxnas:audit-detail');
const ERROR_MESSAGE = Symbol('moxnas:audit-error');
const RESPONSE_BODY = Symbol('moxnas:audit-response');
/** A larger success body (a config export, say) is summarised, not copied into the log. */
const MAX_RECORDED_RESPONSE = 64 * 1024;

type AuditedRequest = FastifyRequest & { [DETAIL]?: AuditDetail; [ERROR_MESSAGE]?: string; [RESPONSE_BODY]?: unknown };

export function attachAuditDetail(req: FastifyRequest, detail: AuditDetail): void {
  (req as AuditedRequest)[DETAIL] = detail;
}

export function isMutating(method: string): boolean {
  return MUTATING.has(method);
}

/**
 * The audit log. Every mutating API request is written once its response has gone out (so even
 * requests refused by the guard or by validation are recorded), with what the service described
 * through AuditContext. `after` is what the service described or, when it described nothing, the
 * response body (a create's new object, an update's result); a failed request records the body it
 * sent. Secrets are redacted by schema: exactly the fields the contracts mark with `secret()`.
 * Strings are made storable (U+0000 becomes "␀"), so no input can make an entry disappear.
 */
@Injectable()
export class AuditService implements OnModuleInit {
  private readonly log = new Logger('audit');
  private readonly routes = new Map<string, EndpointDef>();
  private readonly writeFailures: Counter<'stage'>;

  constructor(
    @InjectRepository(AuditEntryEntity) private readonly entries: Repository<AuditEntryEntity>,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(CLOCK) private readonly clock: Clock,
    metrics: MetricsService,
  ) {
    for (const def of allEndpoints) this.routes.set(`${def.method} ${nestPath(def.path)}`, def);
    this.writeFailures = metrics.counter(
      'moxnas_audit_write_failures_total',
      'Audit entries that could not be stored as recorded (stage "full"), and those lost altogether (stage "lost").',
      ['stage'],
    );
  }

  onModuleInit(): void {
    // Absent in the CLI's application context: there are no requests to audit there.
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    // Hooks added before the server is ready apply to every route.
    fastify.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      if (isMutating(req.method) && typeof payload === 'string' && payload.length) {
        try {
          if (reply.statusCode < 400) {
            (req as AuditedRequest)[RESPONSE_BODY] = payload.length > MAX_RECORDED_RESPONSE ? { responseBytes: Buffer.byteLength(payload), recorded: false } : JSON.parse(payload);
          } else {
            const message = (JSON.parse(payload) as { message?: unknown } | null)?.message;
            if (typeof message === 'string') (req as AuditedRequest)[ERROR_MESSAGE] = message;
          }
        } catch {
          /* not a JSON body */
        }
      }
      return payload;
    });
    fastify.addHook('onResponse', async (req: FastifyRequest, reply: FastifyReply) => {
      if (!isMutating(req.method)) return;
      const def = this.routes.get(`${req.method} ${req.routeOptions.url ?? ''}`);
      if (!def) return;
      await this.store(this.entryFor(req, reply.statusCode, def));
    });
  }

  /**
   * Inserts the entry; when that fails (a value the database refuses), stores it again without
   * before/after so the fact of the request survives, and counts either failure.
   */
  private async store(entry: AuditEntryEntity): Promise<void> {
    try {
      await this.entries.insert(entry);
      return;
    } catch (err) {
      this.writeFailures.inc({ stage: 'full' });
      this.log.error({ err: (err as Error).message, requestId: entry.requestId, action: entry.action }, 'audit entry refused by the database; storing it without before/after');
      const note = `before/after not stored: ${(err as Error).message}`.slice(0, 500);
      Object.assign(entry, { before: null, after: null, message: entry.message ? `${entry.message} (${note})` : note });
    }
    try {
      await this.entries.insert(entry);
    } catch (err) {
      this.writeFailures.inc({ stage: 'lost' });
      this.log.error(
        { err: (err as Error).message, requestId: entry.requestId, action: entry.action, actor: entry.actorName, sourceIp: entry.sourceIp, path: entry.path, status: entry.status },
        'AUDIT ENTRY LOST: the database refused it twice',
      );
    }
  }

  private entryFor(req: FastifyRequest, status: number, def: EndpointDef): AuditEntryEntity {
    const audited = req as AuditedRequest;
    const detail = audited[DETAIL] ?? {};
    const identity = identityOf(req);
    const params = (req.params ?? {}) as Record<string, unknown>;
    const result: AuditResultKind = status === 401 || status === 403 ? 'denied' : status >= 400 ? 'failure' : 'success';
    // Redacted by the operation's own schemas: a service may describe the response shape or the input.
    const schemas = [def.response, def.body];
    const secrets = new Set<string>();
    const body = req.body !== undefined ? redactToObject(req.body, [def.body], secrets) : null;
    const described = (v: unknown) => (v === undefined ? undefined : redactToObject(v, schemas, secrets));
    const before = described(detail.before);
    const after = detail.after !== undefined ? described(detail.after) : result === 'success' ? described(audited[RESPONSE_BODY]) : body;
    // The validation guard replaces the query with its parsed form; a refused request keeps the raw one.
    const sentDryRun = ((req.query ?? {}) as { dryRun?: unknown }).dryRun;
    const dryRun = offersDryRun(def) && (sentDryRun === true || sentDryRun === 'true');
    const entry = new AuditEntryEntity();
    Object.assign(entry, {
      id: randomUUID(),
      at: this.clock.now(),
      actorId: identity?.userId ?? detail.actor?.id ?? null,
      actorName: identity?.username ?? detail.actor?.username ?? null,
      authMethod: identity?.method ?? 'anonymous',
      sessionId: identity?.sessionId ?? null,
      tokenId: identity?.tokenId ?? null,
      sourceIp: req.ip ?? null,
      requestId: String(req.id),
      action: def.id,
      method: req.method,
      path: req.url.split('?')[0].slice(0, 500),
      target: (detail.target ?? (typeof params['id'] === 'string' ? `${def.tag}:${params['id']}` : null))?.slice(0, 200) ?? null,
      before: before ?? null,
      // A failed change records what was asked for.
      after: after ?? null,
      result,
      status,
      dryRun,
      message: result === 'success' ? null : (audited[ERROR_MESSAGE] ?? null),
    });
    return storableEntry(entry, secrets);
  }

  /** Records something done outside HTTP (the CLI). */
  async recordSystem(action: string, target: string, after: unknown, message: string | null = null): Promise<void> {
    const entry = new AuditEntryEntity();
    Object.assign(entry, {
      id: randomUUID(),
      at: this.clock.now(),
      actorId: null,
      actorName: 'root',
      authMethod: 'cli',
      sessionId: null,
      tokenId: null,
      sourceIp: null,
      requestId: randomUUID(),
      action,
      method: 'CLI',
      path: action,
      target,
      before: null,
      after: redactToObject(after),
      result: 'success',
      status: 0,
      dryRun: false,
      message,
    });
    await this.store(storableEntry(entry, new Set()));
  }

  async list(query: AuditQuery): Promise<{ items: AuditEntry[]; total: number; page: number; pageSize: number }> {
    const where: FindOptionsWhere<AuditEntryEntity> = {};
    if (query.actor) where.actorName = query.actor;
    if (query.action) where.action = query.action.endsWith('.') ? Like(likeStartingWith(query.action)) : query.action;
    if (query.result) where.result = query.result;
    const from = query.from ? new Date(query.from) : undefined;
    const to = query.to ? new Date(query.to) : undefined;
    if (from && to) where.at = Between(from, new Date(to.getTime() - 1));
    else if (from) where.at = MoreThanOrEqual(from);
    else if (to) where.at = LessThan(to);
    const [rows, total] = await this.entries.findAndCount({
      where,
      order: { at: 'DESC', id: 'DESC' },
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    });
    return { items: rows.map(toAuditEntry), total, page: query.page, pageSize: query.pageSize };
  }
}

/** Whether the operation takes `?dryRun=true` (elsewhere the parameter is ignored, and the change is real). */
function offersDryRun(def: EndpointDef): boolean {
  const shape = (def.query as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape !== undefined && 'dryRun' in shape;
}

/** Text the database can hold in every column, with the request's secret values scrubbed wherever they were echoed. */
function storableEntry(entry: AuditEntryEntity, secrets: ReadonlySet<string>): AuditEntryEntity {
  const text = (v: string | null, max?: number) => (v === null ? null : storable(scrub(v, secrets)).slice(0, max));
  entry.actorName = text(entry.actorName, 64);
  entry.path = text(entry.path, 500) ?? '';
  entry.target = text(entry.target, 200);
  entry.message = text(entry.message);
  entry.requestId = text(entry.requestId, 128) ?? '';
  entry.before = entry.before === null ? null : storable(scrub(entry.before, secrets));
  entry.after = entry.after === null ? null : storable(scrub(entry.after, secrets));
  return entry;
}

function toAuditEntry(e: AuditEntryEntity): AuditEntry {
  return {
    id: e.id,
    at: e.at.toISOString(),
    actorId: e.actorId,
    actor: e.actorName,
    authMethod: e.authMethod,
    sessionId: e.sessionId,
    tokenId: e.tokenId,
    sourceIp: e.sourceIp,
    requestId: e.requestId,
    action: e.action,
    method: e.method,
    path: e.path,
    target: e.target,
    before: e.before ?? null,
    after: e.after ?? null,
    result: e.result,
    status: e.status,
    dryRun: e.dryRun,
    message: e.message,
  };
}
