import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, IsNull, Repository } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../../core/config/config';
import { sha256 } from '../../../core/crypto/sha256';
import { DomainError } from '../../../core/errors/domain-error';
import { CLOCK, type Clock } from '../clock';
import { AuthSessionEntity, RefreshTokenEntity } from '../entities/auth-session.entity';
import { UserEntity } from '../entities/user.entity';
import { AuthStateService } from './auth-state.service';
import type { ClientInfo } from './identity';

/** However often it is refreshed, a login ends after this long. */
const SESSION_MAX_SECONDS = 30 * 24 * 3600;

export interface IssuedRefresh {
  sessionId: string;
  refreshToken: string;
  expiresAt: Date;
}

const unauthorized = (message: string) => new DomainError('UNAUTHORIZED', message);

/**
 * Logins as families of one-time refresh tokens. Each refresh spends the presented token and
 * issues the next; presenting a spent token means it was copied, so the whole family is revoked.
 */
@Injectable()
export class SessionsService {
  private readonly log = new Logger('auth');

  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(AuthSessionEntity) private readonly sessions: Repository<AuthSessionEntity>,
    @InjectRepository(RefreshTokenEntity) private readonly tokens: Repository<RefreshTokenEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly state: AuthStateService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(user: UserEntity, client: ClientInfo): Promise<IssuedRefresh> {
    const now = this.clock.now();
    const session = this.sessions.create({
      id: randomUUID(),
      userId: user.id,
      tokenVersion: user.tokenVersion,
      createdAt: now,
      expiresAt: new Date(now.getTime() + SESSION_MAX_SECONDS * 1000),
      revokedAt: null,
      revokedReason: null,
      ip: client.ip.slice(0, 64),
      userAgent: client.userAgent,
    });
    await this.sessions.insert(session);
    return this.issue(session, now);
  }

  private async issue(session: AuthSessionEntity, now: Date): Promise<IssuedRefresh> {
    const refreshToken = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Math.min(now.getTime() + this.config.auth.refreshTokenTtl * 1000, session.expiresAt.getTime()));
    await this.tokens.insert({ id: randomUUID(), sessionId: session.id, tokenHash: sha256(refreshToken), createdAt: now, expiresAt, usedAt: null });
    return { sessionId: session.id, refreshToken, expiresAt };
  }

  /** Spends `refreshToken` and returns the next one, with the user it belongs to. */
  async rotate(refreshToken: string): Promise<IssuedRefresh & { user: UserEntity }> {
    const now = this.clock.now();
    const token = await this.tokens.findOneBy({ tokenHash: sha256(refreshToken) });
    if (!token) throw unauthorized('The refresh token is not valid; log in again.');
    const session = await this.sessions.findOneBy({ id: token.sessionId });
    if (!session || session.revokedAt) throw unauthorized('This login has ended; log in again.');
    if (token.usedAt) {
      await this.revoke(session.id, 'reuse');
      this.log.warn({ sessionId: session.id, userId: session.userId }, 'refresh token reuse: login revoked');
      throw unauthorized('This refresh token was already used, so it may have been copied; the login has been revoked. Log in again.');
    }
    if (token.expiresAt <= now || session.expiresAt <= now) throw unauthorized('The login has expired; log in again.');
    const user = await this.users.findOneBy({ id: session.userId });
    if (!user || user.disabled || user.role === 'none' || user.tokenVersion !== session.tokenVersion) {
      await this.revoke(session.id, 'outdated');
      throw unauthorized('The login is no longer valid; log in again.');
    }
    // Conditional update: of two concurrent refreshes with one token, exactly one wins.
    const spent = await this.tokens.update({ id: token.id, usedAt: IsNull() }, { usedAt: now });
    if (!spent.affected) {
      await this.revoke(session.id, 'reuse');
      throw unauthorized('This refresh token was already used; the login has been revoked. Log in again.');
    }
    return { ...(await this.issue(session, now)), user };
  }

  /** The session a refresh token belongs to (spent or not), for logout. */
  async sessionOf(refreshToken: string): Promise<string | null> {
    const token = await this.tokens.findOneBy({ tokenHash: sha256(refreshToken) });
    return token?.sessionId ?? null;
  }

  async revoke(sessionId: string, reason: string): Promise<void> {
    await this.sessions.update({ id: sessionId, revokedAt: IsNull() }, { revokedAt: this.clock.now(), revokedReason: reason });
    await this.state.sessionsRevoked([sessionId]);
  }

  /** Ends every login of a user (password change, disable, role change, delete). */
  async revokeAllOf(userId: string, reason: string): Promise<void> {
    const open = await this.sessions.find({ where: { userId, revokedAt: IsNull() }, select: { id: true } });
    if (!open.length) return;
    await this.dataSource
      .createQueryBuilder()
      .update(AuthSessionEntity)
      .set({ revokedAt: this.clock.now(), revokedReason: reason })
      .where('user_id = :userId AND revoked_at IS NULL', { userId })
      .execute();
    await this.state.sessionsRevoked(open.map((s) => s.id));
  }
}
