import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { allows, API_TOKEN_PREFIX, type EndpointDef } from '@moxnas/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import passport from 'passport';
import { DomainError } from '../../../core/errors/domain-error';
import { ENDPOINT_META } from '../../../core/http/route.decorator';
import { ApiTokenStrategy } from './api-token.strategy';
import { setIdentity, type Identity } from './identity';
import { bearerToken, JwtStrategy } from './jwt.strategy';

/** What a user who must change the generated password may still do. */
const BEFORE_PASSWORD_CHANGE = new Set(['auth.me', 'auth.changePassword', 'auth.logout', 'auth.refresh', 'auth.login']);

function failureMessage(info: unknown): string {
  const e = info as { name?: string; message?: string } | undefined;
  if (e?.name === 'TokenExpiredError') return 'The access token has expired; refresh it or log in again.';
  if (e?.name === 'JsonWebTokenError' || e?.name === 'NotBeforeError') return 'The access token is not valid.';
  return typeof e?.message === 'string' && e.message ? e.message : 'The credentials are not valid.';
}

/**
 * The one global guard. The route's contract (set by @Route) names its access; `allows()` from the
 * contracts decides. A route without a contract is refused outright, so a forgotten @Route can
 * never become an open endpoint. Credentials are checked by passport: JWTs by JwtStrategy,
 * `mxt_…` tokens by ApiTokenStrategy (this app's instances, not passport's global registry).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtStrategy,
    private readonly apiTokens: ApiTokenStrategy,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // WebSocket gateways check the token of their handshake themselves; only HTTP routes have contracts.
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const def = this.reflector.get<EndpointDef | undefined>(ENDPOINT_META, context.getHandler());
    if (!def) {
      throw new DomainError('FORBIDDEN', 'This route has no access policy, so it is closed; declare it with @Route(contract).', undefined, { access: null });
    }

    const token = bearerToken(req);
    let identity: Identity | undefined;
    if (token) {
      try {
        identity = await this.authenticate(req, reply, token);
      } catch (err) {
        // Public routes serve callers with bad credentials as anonymous.
        if (def.access !== 'public') throw err;
      }
    }
    setIdentity(req, identity);
    if (def.access === 'public') return true;

    if (!identity) {
      throw new DomainError('UNAUTHORIZED', 'Log in first: this operation needs an access token or an API token.', undefined, { access: def.access });
    }
    if (identity.mustChangePassword && !BEFORE_PASSWORD_CHANGE.has(def.id)) {
      throw new DomainError('FORBIDDEN', 'Change the generated password first (POST /api/auth/password).', undefined, {
        access: def.access,
        mustChangePassword: true,
      });
    }
    if (!allows(def.access, identity.role)) {
      throw new DomainError('FORBIDDEN', `This operation needs the ${def.access} role; this caller has ${identity.role}.`, undefined, { access: def.access });
    }
    return true;
  }

  private authenticate(req: FastifyRequest, reply: FastifyReply, token: string): Promise<Identity> {
    // passport binds success/fail/error onto a strategy *instance* it is given, so concurrent
    // requests sharing the singleton would overwrite each other's callbacks and one would never
    // answer. A per-request object with the singleton as prototype is what passport does for
    // strategies registered by name.
    const strategy = Object.create(token.startsWith(API_TOKEN_PREFIX) ? this.apiTokens : this.jwt) as JwtStrategy | ApiTokenStrategy;
    return new Promise<Identity>((resolve, reject) => {
      passport.authenticate(strategy, { session: false }, (err: unknown, user: Identity | false, info: unknown) => {
        if (err) return reject(err);
        if (!user) return reject(new DomainError('UNAUTHORIZED', failureMessage(info), undefined, { access: 'authenticated' }));
        resolve(user);
      })(req, reply, (err: unknown) => reject(err ?? new DomainError('UNAUTHORIZED', 'The credentials are not valid.')));
    });
  }
}
