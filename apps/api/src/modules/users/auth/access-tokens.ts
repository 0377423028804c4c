import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG, type AppConfig } from '../../../core/config/config';

export const JWT_ISSUER = 'moxnas';
export const JWT_AUDIENCE = 'moxnas-api';

/** Claims of an access token. `ver` and `sid` let one cache lookup revoke it before it expires. */
export interface AccessClaims {
  sub: string;
  sid: string;
  ver: number;
  typ: 'access';
}

/** Signs the short-lived access JWTs (HS256 only; the verifier pins the same algorithm). */
@Injectable()
export class AccessTokens {
  constructor(
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async sign(user: { id: string; tokenVersion: number }, sessionId: string): Promise<{ accessToken: string; expiresIn: number }> {
    const claims: AccessClaims = { sub: user.id, sid: sessionId, ver: user.tokenVersion, typ: 'access' };
    const expiresIn = this.config.auth.accessTokenTtl;
    const accessToken = await this.jwt.signAsync(claims, { algorithm: 'HS256', expiresIn, issuer: JWT_ISSUER, audience: JWT_AUDIENCE });
    return { accessToken, expiresIn };
  }
}
