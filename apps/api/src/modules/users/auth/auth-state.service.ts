import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Role } from '@moxnas/contracts';
import { Repository } from 'typeorm';
import { CacheService } from '../../../core/cache/cache.service';
import { APP_CONFIG, type AppConfig } from '../../../core/config/config';
import { CLOCK, type Clock } from '../clock';
import { AuthSessionEntity } from '../entities/auth-session.entity';
import { UserEntity } from '../entities/user.entity';

/** What every authenticated request needs to know about its user. */
export interface UserAuthState {
  id: string;
  username: string;
  fullName: string | null;
  role: Role;
  disabled: boolean;
  tokenVersion: number;
  mustChangePassword: boolean;
  totpEnabled: boolean;
}

/**
 * How long a cached auth answer (user state, session, API token) may be stale on another instance
 * or after the CLI changed the database; docs/users.md promises this bound.
 */
export const AUTH_CACHE_SECONDS = 30;
const STATE_TTL_SECONDS = AUTH_CACHE_SECONDS;

/**
 * Revocation state, answered from the cache and written through on every change. The database
 * stays the authority (token version on the user, revoked_at on the session), so a lost or
 * unreachable cache never brings a revoked token back: a miss is read from the database.
 */
@Injectable()
export class AuthStateService {
  constructor(
    private readonly cache: CacheService,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(AuthSessionEntity) private readonly sessions: Repository<AuthSessionEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private userKey(id: string): string {
    return `auth:user:${id}`;
  }

  private sessionKey(id: string): string {
    return `auth:session:${id}`;
  }

  async user(id: string): Promise<UserAuthState | null> {
    const cached = await this.cache.getJson<UserAuthState | { deleted: true }>(this.userKey(id)).catch(() => null);
    if (cached) return 'deleted' in cached ? null : cached;
    const user = await this.users.findOneBy({ id });
    if (!user) {
      await this.cache.setJson(this.userKey(id), { deleted: true }, STATE_TTL_SECONDS);
      return null;
    }
    return this.publish(user);
  }

  /** Call after every change to a user, so other requests see it at once. */
  async publish(user: UserEntity): Promise<UserAuthState> {
    const state: UserAuthState = {
      id: user.id,
      username: user.username,
      fullName: user.fullName,
      role: user.role,
      disabled: user.disabled,
      tokenVersion: user.tokenVersion,
      mustChangePassword: user.mustChangePassword,
      totpEnabled: user.totpSecret !== null,
    };
    await this.cache.setJson(this.userKey(user.id), state, STATE_TTL_SECONDS);
    return state;
  }

  async forget(userId: string): Promise<void> {
    await this.cache.setJson(this.userKey(userId), { deleted: true }, STATE_TTL_SECONDS);
  }

  async sessionActive(sessionId: string, userId: string): Promise<boolean> {
    const cached = await this.cache.get(this.sessionKey(sessionId)).catch(() => null);
    if (cached !== null) return cached === `active:${userId}`;
    const session = await this.sessions.findOneBy({ id: sessionId });
    const active = !!session && session.userId === userId && !session.revokedAt && session.expiresAt > this.clock.now();
    await this.cache.set(this.sessionKey(sessionId), active ? `active:${userId}` : 'revoked', STATE_TTL_SECONDS);
    return active;
  }

  /** Marks sessions revoked in the cache for longer than any access token they issued can live. */
  async sessionsRevoked(sessionIds: string[]): Promise<void> {
    const ttl = this.config.auth.accessTokenTtl + 60;
    for (const id of sessionIds) await this.cache.set(this.sessionKey(id), 'revoked', ttl);
  }
}
