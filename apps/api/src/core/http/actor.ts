import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/** Who is calling: set on the request by the authentication guard. */
export interface Actor {
  userId: string;
  username: string;
  role: 'admin' | 'operator' | 'viewer' | 'none';
  /** Set when the call authenticated with an API token rather than a session. */
  tokenId?: string;
}

/** The authenticated caller of this request, or null on public routes. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor | null => {
  const req = ctx.switchToHttp().getRequest<{ user?: Actor }>();
  return req.user ?? null;
});
