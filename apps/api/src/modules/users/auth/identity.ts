import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Role } from '@moxnas/contracts';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../../core/http/actor';

/**
 * Who is calling: set on the request (`req.user`) by the access guard once credentials check out.
 * It is a core `Actor` (what other modules read through @CurrentActor) with the session details.
 */
export interface Identity extends Actor {
  fullName: string | null;
  /** Effective role: for API tokens the lower of the token's and its owner's current role. */
  role: Role;
  method: 'session' | 'token';
  sessionId: string | null;
  /** Set for API tokens only. */
  tokenId?: string;
  mustChangePassword: boolean;
  totpEnabled: boolean;
}

type WithIdentity = FastifyRequest & { user?: Identity };

export function identityOf(req: FastifyRequest): Identity | undefined {
  return (req as WithIdentity).user;
}

export function setIdentity(req: FastifyRequest, identity: Identity | undefined): void {
  (req as WithIdentity).user = identity;
}

/** The authenticated caller of a non-public route (the guard guarantees one is there). */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): Identity => {
  const identity = identityOf(ctx.switchToHttp().getRequest<FastifyRequest>());
  if (!identity) throw new Error('@Caller() used on a route without an authenticated caller');
  return identity;
});

/** The caller when there is one: for public routes such as logout. */
export const OptionalCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Identity | undefined =>
  identityOf(ctx.switchToHttp().getRequest<FastifyRequest>()),
);

/** Facts about the HTTP client a login or token records. */
export interface ClientInfo {
  ip: string;
  userAgent: string | null;
  /** True when the request came over TLS (directly or via a trusted proxy): the cookie gets `Secure`. */
  secure: boolean;
}

export const Client = createParamDecorator((_: unknown, ctx: ExecutionContext): ClientInfo => {
  const req = ctx.switchToHttp().getRequest<FastifyRequest>();
  const ua = req.headers['user-agent'];
  return { ip: req.ip, userAgent: typeof ua === 'string' ? ua.slice(0, 300) : null, secure: req.protocol === 'https' };
});
