import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IssuedRefresh } from './sessions.service';

export const REFRESH_COOKIE = 'moxnas_refresh';
/** Sent only to the auth routes, never to the rest of the API, and never cross-site. */
const COOKIE_PATH = '/api/auth';

export function setRefreshCookie(reply: FastifyReply, refresh: IssuedRefresh, secure: boolean, now: Date): void {
  void reply.setCookie(REFRESH_COOKIE, refresh.refreshToken, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: COOKIE_PATH,
    maxAge: Math.max(0, Math.floor((refresh.expiresAt.getTime() - now.getTime()) / 1000)),
  });
}

export function clearRefreshCookie(reply: FastifyReply, secure: boolean): void {
  void reply.clearCookie(REFRESH_COOKIE, { httpOnly: true, sameSite: 'strict', secure, path: COOKIE_PATH });
}

/** The refresh token from the cookie, if the browser sent one. */
export const RefreshToken = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => {
  const value = ctx.switchToHttp().getRequest<FastifyRequest>().cookies?.[REFRESH_COOKIE];
  return typeof value === 'string' && value.length > 0 && value.length <= 200 ? value : undefined;
});
