import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { API_TOKEN_PREFIX } from '@moxnas/contracts';
import type { SessionVerifier } from '../../../core/auth/session-verifier';
import { ApiTokensService } from '../tokens/api-tokens.service';
import { JWT_AUDIENCE, JWT_ISSUER } from './access-tokens';
import type { Identity } from './identity';
import { JwtStrategy } from './jwt.strategy';

/**
 * Bearer credentials outside HTTP routes (the events WebSocket): the same checks as the access
 * guard, signature and revocation included; null instead of an error when they fail.
 */
@Injectable()
export class SessionVerifierService implements SessionVerifier {
  constructor(
    private readonly jwt: JwtService,
    private readonly strategy: JwtStrategy,
    private readonly apiTokens: ApiTokensService,
  ) {}

  async verify(token: string): Promise<Identity | null> {
    try {
      if (token.startsWith(API_TOKEN_PREFIX)) return await this.apiTokens.authenticate(token);
      const payload = await this.jwt.verifyAsync<Record<string, unknown>>(token, { algorithms: ['HS256'], issuer: JWT_ISSUER, audience: JWT_AUDIENCE });
      return await this.strategy.validate(payload);
    } catch {
      return null;
    }
  }
}
