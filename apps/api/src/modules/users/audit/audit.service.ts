import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectRepository } from '@nestjs/typeorm';
import { allEndpoints, type AuditEntry, type AuditQuery, type EndpointDef } from '@moxnas/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Between, LessThan, Like, MoreThanOrEqual, Repository, type FindOptionsWhere } from 'typeorm';
import { nestPath } from '../../../core/http/route.decorator';
import { identityOf } from '../auth/identity';
import { CLOCK, type Clock } from '../clock';
import { AuditEntryEntity, type AuditResultKind } from '../entities/audit-entry.entity';
import type { AuditDetail } from './audit-context';
import { redactToObject } from './redact';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const DETAIL = Symbol('moxnas:audit-detail');
const ERROR_MESSAGE = Symbol('moxnas:audit-error');

type AuditedRequest = FastifyRequest & { [DETAIL]?: AuditDetail; [ERROR_MESSAGE]?: string };

export function attachAuditDetail(req: FastifyRequest, detail: AuditDetail): void {
  (req as AuditedRequest)[DETAIL] = detail;
}

export function isMutating(method: string): boolean {
  return MUTATING.has(method);
}

/**
 * The audit log. Every mutating API request is written once its response has gone out (so even
 * requests refused by the guard or by validation are recorded), with what the service described
 * through AuditContext.
 */
@Injectable()
export class AuditService implements OnModuleInit {
  private readonly log = new Logger('audit');
  private readonly routes = new Map<string, EndpointDef>();

  constructor(
    @InjectRepository(AuditEntryEntity) private readonly entries: Repository<AuditEntryEntity>,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    for (const def of allEndpoints) this.routes.set(`${def.method} ${nestPath(def.path)}`, def);
  }

  onModuleInit(): void {
    // Absent in the CLI's application context: there are no requests to audit there.
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    // Hooks added before the server is ready apply to every route.
    fastify.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      if (reply.statusCode >= 400 && isMutating(req.method) && typeof payload === 'string') {
        try {
          const message = (JSON.parse(payload) as { message?: unknown }).message;
          if (typeof message === 'string') (req as AuditedRequest)[ERROR_MESSAGE] = message;
        } catch {
          /* not a JSON error body */
        }
      }
      return payload;
    });
    fastify.addHook('onResponse', async (req: FastifyRequest, reply: FastifyReply) => {
      if (!isMutating(req.method)) return;
      const def = this.routes.get(`${req.method} ${req.routeOptions.url ?? ''}`);
      if (!def) return;
      try {
        await this.entries.insert(this.entryFor(req, reply.statusCode, def));
      } catch (err) {
        this.log.warn({ err: (err as Error).message, requestId: req.id, action: def.id }, 'could not write the audit entry');
      }
    });
  }

  private entryFor(req: FastifyRequest, status: number, def: EndpointDef): AuditEntryEntity {
    const audited = req as AuditedRequest;
    const detail = audited[DETAIL] ?? {};
    const identity = identityOf(req);
    const params = (req.params ?? {}) as Record<string, unknown>;
    const result: AuditResultKind = status === 401 || status === 403 ? 'denied' : status >= 400 ? 'failure' : 'success';
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
      before: detail.before === undefined ? null : redactToObject(detail.before),
      // A failed change records what was asked for.
      after: detail.after !== undefined ? redactToObject(detail.after) : result !== 'success' && req.body !== undefined ? redactToObject(req.body) : null,
      result,
      status,
      message: result === 'success' ? null : (audited[ERROR_MESSAGE] ?? null),
    });
    return entry;
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
      message,
    });
    await this.entries.insert(entry);
  }

  async list(query: AuditQuery): Promise<{ items: AuditEntry[]; total: number; page: number; pageSize: number }> {
    const where: FindOptionsWhere<AuditEntryEntity> = {};
    if (query.actor) where.actorName = query.actor;
    if (query.action) where.action = query.action.endsWith('.') ? Like(`${query.action.replace(/[%_\\]/g, '\\$&')}%`) : query.action;
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
    message: e.message,
  };
}
