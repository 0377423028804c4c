import { createSecretKey } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { API_TOKEN_PREFIX } from '@moxnas/contracts';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-jwt';
import { DomainError } from '../../../core/errors/domain-error';
import { JWT_SECRET } from '../users.tokens';
import { JWT_AUDIENCE, JWT_ISSUER, type AccessClaims } from './access-tokens';
import { AuthStateService } from './auth-state.service';
import type { Identity } from './identity';

/** The bearer credential of a request, or null. */
export function bearerToken(req: Pick<FastifyRequest, 'headers'>): string | null {
  const header = req.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer[ ]+([^\s]+)$/i.exec(header) : null;
  return match ? match[1] : null;
}

function jwtFromRequest(req: FastifyRequest): string | null {
  const token = bearerToken(req);
  return token && !token.startsWith(API_TOKEN_PREFIX) ? token : null;
}

/** jsonwebtoken checks `exp` only when it is there; a token without one would never expire. */
function isClaims(payload: unknown): payload is AccessClaims & { exp: number } {
  const p = payload as (Partial<AccessClaims> & { exp?: unknown }) | null;
  return !!p && p.typ === 'access' && typeof p.sub === 'string' && typeof p.sid === 'string' && Number.isInteger(p.ver) && typeof p.exp === 'number' && Number.isFinite(p.exp);
}

/**
 * Access JWTs: signature (HS256 only, so `alg: none` and algorithm confusion are refused), expiry,
 * issuer and audience by passport-jwt; then revocation (token version, session) from the cache
 * with the database behind it.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'moxnas-jwt') {
  constructor(
    @Inject(JWT_SECRET) secret: string,
    private readonly state: AuthStateService,
  ) {
    // A KeyObject, not the string: given a string, jsonwebtoken tries createPublicKey() on every
    // verification, which throws before it falls back to createSecretKey(); that throw cost an
    // eighth of the CPU of an authenticated request. The typings only admit string | Buffer.
    const key = createSecretKey(Buffer.from(secret, 'utf8')) as unknown as Buffer;
    super({
      jwtFromRequest,
      secretOrKey: key,
      algorithms: ['HS256'],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      ignoreExpiration: false,
    });
  }

  async validate(payload: unknown): Promise<Identity> {
    if (!isClaims(payload)) throw new DomainError('UNAUTHORIZED', 'The access token is not valid.');
    // Both lookups start at once (one cache round trip, not two in a row); the session answer is
    // still only consulted after the user checks, so the errors come in the same order as before.
    const session = this.state.sessionActive(payload.sid, payload.sub);
    session.catch(() => undefined);
    const user = await this.state.user(payload.sub);
    if (!user) throw new DomainError('UNAUTHORIZED', 'The account no longer exists.');
    if (user.disabled) throw new DomainError('UNAUTHORIZED', 'The account is disabled.');
    if (user.tokenVersion !== payload.ver || !(await session)) {
      throw new DomainError('UNAUTHORIZED', 'The access token has been revoked; log in again.');
    }
    return {
      userId: user.id,
      username: user.username,
      fullName: user.fullName,
      role: user.role,
      method: 'session',
      sessionId: payload.sid,
      mustChangePassword: user.mustChangePassword,
      totpEnabled: user.totpEnabled,
    };
  }
}
