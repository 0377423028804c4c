import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ChangePasswordRequest, FieldError, LoginRequest, SessionUser, TokenResponse, TotpEnrolment } from '@moxnas/contracts';
import { Repository } from 'typeorm';
import { DomainError } from '../../../core/errors/domain-error';
import { AdminBootstrapService } from '../accounts/admin-bootstrap.service';
import { passwordMentionsName, UsersService } from '../accounts/users.service';
import { AuditContext } from '../audit/audit-context';
import { CLOCK, type Clock } from '../clock';
import { UserEntity } from '../entities/user.entity';
import { AccessTokens } from './access-tokens';
import { AuthStateService } from './auth-state.service';
import type { ClientInfo, Identity } from './identity';
import { LoginLimiter } from './login-limiter';
import { PasswordHasher } from './password-hasher';
import { SessionsService, type IssuedRefresh } from './sessions.service';
import { TotpService } from './totp.service';

/** A successful login or refresh: the body, and the refresh token for the cookie. */
export interface SessionGrant {
  response: TokenResponse;
  refresh: IssuedRefresh;
}

const WRONG_CREDENTIALS = 'Wrong username or password.';

function sessionUser(user: UserEntity, authMethod: SessionUser['authMethod']): SessionUser {
  return {
    id: user.id,
    username: user.username,
    fullName: user.fullName,
    role: user.role,
    mustChangePassword: user.mustChangePassword,
    totpEnabled: user.totpSecret !== null,
    authMethod,
  };
}

/** Login, refresh, logout and the caller's own account (password, TOTP). */
@Injectable()
export class AuthService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly hasher: PasswordHasher,
    private readonly limiter: LoginLimiter,
    private readonly sessions: SessionsService,
    private readonly tokens: AccessTokens,
    private readonly state: AuthStateService,
    private readonly totp: TotpService,
    private readonly usersService: UsersService,
    private readonly bootstrap: AdminBootstrapService,
    private readonly audit: AuditContext,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async login(input: LoginRequest, client: ClientInfo): Promise<SessionGrant> {
    this.audit.describe({ actor: { id: null, username: input.username.slice(0, 64) }, target: `user:${input.username.slice(0, 100)}` });
    const user = await this.users.findOneBy({ username: input.username });
    await this.limiter.admit(client.ip, input.username, user?.passwordChangedAt ?? null);
    // Unknown names cost the same argon2 work as wrong passwords and get the same answer.
    const ok = user ? await this.hasher.verify(user.passwordHash, input.password) : await this.hasher.verifyDummy(input.password);
    if (!user || !ok) throw (await this.limiter.failed(input.username, client.ip)) ?? new DomainError('UNAUTHORIZED', WRONG_CREDENTIALS);
    this.audit.describe({ actor: { id: user.id, username: user.username } });

    if (user.disabled) throw new DomainError('FORBIDDEN', 'This account is disabled; ask an administrator.');
    if (user.role === 'none') {
      throw new DomainError('FORBIDDEN', 'This account has no dashboard access (role "none"). It can still use the SMB and FTP shares it is allowed to.');
    }
    if (user.totpSecret) {
      if (!input.totp) throw new DomainError('UNAUTHORIZED', 'This account needs a TOTP code from its authenticator app.', undefined, { totpRequired: true });
      const step = await this.totp.check(user.totpSecret, input.totp, user.totpLastStep);
      if (step === null) {
        throw (await this.limiter.failed(input.username, client.ip)) ?? new DomainError('UNAUTHORIZED', 'Wrong or already used TOTP code.', undefined, { totpRequired: true });
      }
      user.totpLastStep = step;
    }
    await this.limiter.succeeded(input.username);
    user.lastLoginAt = this.clock.now();
    await this.users.update({ id: user.id }, { lastLoginAt: user.lastLoginAt, totpLastStep: user.totpLastStep });
    return this.grant(user, await this.sessions.create(user, client));
  }

  private async grant(user: UserEntity, refresh: IssuedRefresh): Promise<SessionGrant> {
    const access = await this.tokens.sign(user, refresh.sessionId);
    return { response: { ...access, user: sessionUser(user, 'session') }, refresh };
  }

  async refresh(refreshToken: string | undefined): Promise<SessionGrant> {
    if (!refreshToken) throw new DomainError('UNAUTHORIZED', 'No refresh token; log in.');
    const rotated = await this.sessions.rotate(refreshToken);
    this.audit.describe({ actor: { id: rotated.user.id, username: rotated.user.username } });
    return this.grant(rotated.user, rotated);
  }

  /** Ends the login of the refresh cookie and of the bearer access token, whichever are present. */
  async logout(refreshToken: string | undefined, caller: Identity | undefined): Promise<void> {
    const sessionIds = new Set<string>();
    if (refreshToken) {
      const sessionId = await this.sessions.sessionOf(refreshToken);
      if (sessionId) sessionIds.add(sessionId);
    }
    if (caller?.sessionId) sessionIds.add(caller.sessionId);
    for (const id of sessionIds) await this.sessions.revoke(id, 'logout');
    if (caller) this.audit.describe({ target: `user:${caller.username}` });
  }

  async me(caller: Identity): Promise<SessionUser> {
    return {
      id: caller.userId,
      username: caller.username,
      fullName: caller.fullName,
      role: caller.role,
      mustChangePassword: caller.mustChangePassword,
      totpEnabled: caller.totpEnabled,
      authMethod: caller.method,
    };
  }

  private requireSession(caller: Identity): void {
    if (caller.method !== 'session') throw new DomainError('FORBIDDEN', 'This needs a dashboard login, not an API token.');
  }

  private async self(caller: Identity): Promise<UserEntity> {
    const user = await this.users.findOneBy({ id: caller.userId });
    if (!user) throw new DomainError('UNAUTHORIZED', 'The account no longer exists.');
    return user;
  }

  /**
   * Checks the password a logged-in caller gives to confirm an action. Failures count against
   * their own limit (REAUTH_POLICY), never the login lockout: a stolen access token cannot guess
   * the password, nor lock the owner out of logging in.
   */
  private async reauthenticate(user: UserEntity, password: string, field: string): Promise<void> {
    await this.limiter.admitReauth(user.id);
    if (await this.hasher.verify(user.passwordHash, password)) {
      await this.limiter.reauthSucceeded(user.id);
      return;
    }
    const blocked = await this.limiter.reauthFailed(user.id);
    if (blocked) throw blocked;
    throw DomainError.validation([{ field, message: 'is not correct' }]);
  }

  async changePassword(caller: Identity, input: ChangePasswordRequest, client: ClientInfo): Promise<SessionGrant> {
    this.requireSession(caller);
    const user = await this.self(caller);
    this.audit.describe({ target: `user:${user.username}` });
    await this.reauthenticate(user, input.currentPassword, 'currentPassword');
    const errors: FieldError[] = [];
    if (await this.hasher.verify(user.passwordHash, input.newPassword)) errors.push({ field: 'newPassword', message: 'must differ from the current password' });
    if (passwordMentionsName(input.newPassword, user.username)) errors.push({ field: 'newPassword', message: 'must not contain the username' });
    if (errors.length) throw DomainError.validation(errors);

    // Bumps the token version: every access and refresh token of this user dies, this one included.
    const updated = await this.usersService.setOwnPassword(user.id, input.newPassword);
    if (updated.builtIn) await this.bootstrap.forgetInitialPassword();
    return this.grant(updated, await this.sessions.create(updated, client));
  }

  async totpEnrol(caller: Identity): Promise<TotpEnrolment> {
    this.requireSession(caller);
    const user = await this.self(caller);
    if (user.totpSecret) throw DomainError.conflict('TOTP is already enabled; turn it off first to enrol a new device.');
    const secret = this.totp.newSecret();
    await this.users.update({ id: user.id }, { totpPendingSecret: secret });
    this.audit.describe({ target: `user:${user.username}`, after: { totpPending: true } });
    return { secret, otpauthUrl: this.totp.otpauthUrl(user.username, secret) };
  }

  async totpConfirm(caller: Identity, code: string): Promise<SessionUser> {
    this.requireSession(caller);
    const user = await this.self(caller);
    if (!user.totpPendingSecret) throw DomainError.conflict('No TOTP enrolment was started; call POST /api/auth/totp/enrol first.');
    const step = await this.totp.check(user.totpPendingSecret, code, null);
    if (step === null) throw DomainError.validation([{ field: 'code', message: 'is not the current code of the authenticator app' }]);
    Object.assign(user, { totpSecret: user.totpPendingSecret, totpPendingSecret: null, totpLastStep: step, updatedAt: this.clock.now() });
    await this.users.update({ id: user.id }, { totpSecret: user.totpSecret, totpPendingSecret: null, totpLastStep: step, updatedAt: user.updatedAt });
    await this.state.publish(user);
    this.audit.describe({ target: `user:${user.username}`, after: { totpEnabled: true } });
    return sessionUser(user, 'session');
  }

  async totpDisable(caller: Identity, password: string): Promise<SessionUser> {
    this.requireSession(caller);
    const user = await this.self(caller);
    await this.reauthenticate(user, password, 'password');
    Object.assign(user, { totpSecret: null, totpPendingSecret: null, totpLastStep: null, updatedAt: this.clock.now() });
    await this.users.update({ id: user.id }, { totpSecret: null, totpPendingSecret: null, totpLastStep: null, updatedAt: user.updatedAt });
    await this.state.publish(user);
    this.audit.describe({ target: `user:${user.username}`, after: { totpEnabled: false } });
    return sessionUser(user, 'session');
  }
}
