import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  API_TOKEN_PREFIX,
  lowerRole,
  roleAtMost,
  type ApiToken,
  type CreateApiTokenRequest,
  type CreatedApiToken,
  type Role,
} from '@moxnas/contracts';
import { In, Repository } from 'typeorm';
import { CacheService } from '../../../core/cache/cache.service';
import { DomainError } from '../../../core/errors/domain-error';
import { AuditContext } from '../audit/audit-context';
import { AUTH_CACHE_SECONDS, AuthStateService } from '../auth/auth-state.service';
import type { Identity } from '../auth/identity';
import { sha256 } from '../../../core/crypto/sha256';
import { CLOCK, type Clock } from '../clock';
import { ApiTokenEntity } from '../entities/api-token.entity';
import { UserEntity } from '../entities/user.entity';

interface CachedToken {
  id: string | null;
  userId: string;
  role: Role;
  expiresAt: string | null;
  revoked: boolean;
}

/** How stale a cached token answer may be on another instance: the same bound as every auth answer (docs/users.md). */
const CACHE_SECONDS = AUTH_CACHE_SECONDS;
/** last_used_at is written at most this often per token, not on every request. */
const LAST_USED_RESOLUTION_SECONDS = 60;

function toApiToken(t: ApiTokenEntity, ownerUsername: string): ApiToken {
  return {
    id: t.id,
    name: t.name,
    role: t.role,
    prefix: t.prefix,
    ownerId: t.userId,
    ownerUsername,
    createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
  };
}

/** Named API tokens: `mxt_` + 256 random bits, stored as SHA-256, usable as a bearer credential. */
@Injectable()
export class ApiTokensService {
  constructor(
    @InjectRepository(ApiTokenEntity) private readonly tokens: Repository<ApiTokenEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly state: AuthStateService,
    private readonly cache: CacheService,
    private readonly audit: AuditContext,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(caller: Identity, input: CreateApiTokenRequest): Promise<CreatedApiToken> {
    if (!roleAtMost(input.role, caller.role)) {
      throw new DomainError('FORBIDDEN', `A token may have at most your own role (${caller.role}).`, [{ field: 'role', message: `must be at most ${caller.role}` }]);
    }
    const now = this.clock.now();
    const expiresAt = await this.childExpiry(caller, input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * 86400_000) : null);
    const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const entity = this.tokens.create({
      id: randomUUID(),
      userId: caller.userId,
      name: input.name,
      role: input.role,
      tokenHash: sha256(token),
      prefix: token.slice(0, 12),
      createdAt: now,
      expiresAt,
      lastUsedAt: null,
      revokedAt: null,
    });
    await this.tokens.insert(entity);
    const result = toApiToken(entity, caller.username);
    this.audit.describe({ target: `token:${entity.id}`, after: result });
    return { ...result, token };
  }

  /**
   * A token minted with an API token never outlives it: the requested expiry (or none) is capped
   * at the parent's. A dashboard login is where long-lived tokens are made on purpose, so a token
   * minted from a session keeps the expiry asked for.
   */
  private async childExpiry(caller: Identity, requested: Date | null): Promise<Date | null> {
    if (caller.method !== 'token' || !caller.tokenId) return requested;
    const parent = await this.tokens.findOne({ where: { id: caller.tokenId }, select: { id: true, expiresAt: true } });
    if (!parent) throw new DomainError('UNAUTHORIZED', 'The API token is not valid or has been revoked.');
    if (!parent.expiresAt) return requested;
    return requested && requested < parent.expiresAt ? requested : parent.expiresAt;
  }

  async list(caller: Identity, all: boolean): Promise<ApiToken[]> {
    if (all && caller.role !== 'admin') throw new DomainError('FORBIDDEN', 'Only admins may list every user’s tokens.');
    const rows = await this.tokens.find({ where: all ? {} : { userId: caller.userId }, order: { createdAt: 'DESC' } });
    const owners = new Map((await this.users.find({ where: { id: In([...new Set(rows.map((r) => r.userId))]) }, select: { id: true, username: true } })).map((u) => [u.id, u.username]));
    return rows.map((r) => toApiToken(r, owners.get(r.userId) ?? ''));
  }

  async revoke(caller: Identity, id: string): Promise<ApiToken> {
    const token = await this.tokens.findOneBy({ id });
    if (!token || (token.userId !== caller.userId && caller.role !== 'admin')) throw DomainError.notFound('The token');
    const before = toApiToken(token, '');
    if (!token.revokedAt) {
      token.revokedAt = this.clock.now();
      await this.tokens.update({ id }, { revokedAt: token.revokedAt });
    }
    await this.cache.setJson(this.cacheKey(token.tokenHash), { id: token.id, userId: token.userId, role: token.role, expiresAt: null, revoked: true } satisfies CachedToken, CACHE_SECONDS);
    const owner = await this.users.findOne({ where: { id: token.userId }, select: { id: true, username: true } });
    const result = toApiToken(token, owner?.username ?? '');
    this.audit.describe({ target: `token:${token.id}`, before: { ...before, ownerUsername: result.ownerUsername }, after: result });
    return result;
  }

  private cacheKey(hash: string): string {
    return `auth:apitoken:${hash}`;
  }

  /** Checks a presented token; the identity carries the lower of the token's and the owner's role. */
  async authenticate(raw: string): Promise<Identity> {
    const hash = sha256(raw);
    let cached = await this.cache.getJson<CachedToken>(this.cacheKey(hash)).catch(() => null);
    if (!cached) {
      const row = await this.tokens.findOneBy({ tokenHash: hash });
      cached = row
        ? { id: row.id, userId: row.userId, role: row.role, expiresAt: row.expiresAt?.toISOString() ?? null, revoked: row.revokedAt !== null }
        : { id: null, userId: '', role: 'none', expiresAt: null, revoked: true };
      await this.cache.setJson(this.cacheKey(hash), cached, CACHE_SECONDS);
    }
    if (!cached.id || cached.revoked) throw new DomainError('UNAUTHORIZED', 'The API token is not valid or has been revoked.');
    const now = this.clock.now();
    if (cached.expiresAt && new Date(cached.expiresAt) <= now) throw new DomainError('UNAUTHORIZED', 'The API token has expired.');
    const owner = await this.state.user(cached.userId);
    if (!owner) throw new DomainError('UNAUTHORIZED', 'The API token’s owner no longer exists.');
    if (owner.disabled) throw new DomainError('UNAUTHORIZED', 'The API token’s owner is disabled.');
    if ((await this.cache.incr(`auth:apitoken-used:${cached.id}`, LAST_USED_RESOLUTION_SECONDS)) === 1) {
      await this.tokens.update({ id: cached.id }, { lastUsedAt: now });
    }
    return {
      userId: owner.id,
      username: owner.username,
      fullName: owner.fullName,
      role: lowerRole(cached.role, owner.role),
      method: 'token',
      sessionId: null,
      tokenId: cached.id,
      mustChangePassword: owner.mustChangePassword,
      totpEnabled: owner.totpEnabled,
    };
  }
}
