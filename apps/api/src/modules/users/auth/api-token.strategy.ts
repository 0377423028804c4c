import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { API_TOKEN_PREFIX } from '@moxnas/contracts';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-strategy';
import { ApiTokensService } from '../tokens/api-tokens.service';
import type { Identity } from './identity';
import { bearerToken } from './jwt.strategy';

type Verify = (token: string, done: (err: unknown, identity?: Identity | false) => void) => void;

/** Passport strategy for `Authorization: Bearer mxt_…`. */
class BearerApiTokenStrategy extends Strategy {
  readonly name = 'moxnas-api-token';

  constructor(private readonly verify: Verify) {
    super();
  }

  override authenticate(req: unknown): void {
    const token = bearerToken(req as FastifyRequest);
    if (!token || !token.startsWith(API_TOKEN_PREFIX)) return this.fail({ message: 'No API token.' }, 401);
    this.verify(token, (err, identity) => {
      if (err) return this.error(err instanceof Error ? err : new Error(String(err)));
      if (!identity) return this.fail({ message: 'The API token is not valid.' }, 401);
      return this.success(identity);
    });
  }
}

@Injectable()
export class ApiTokenStrategy extends PassportStrategy(BearerApiTokenStrategy, 'moxnas-api-token') {
  constructor(private readonly tokens: ApiTokensService) {
    super();
  }

  validate(token: string): Promise<Identity> {
    return this.tokens.authenticate(token);
  }
}
