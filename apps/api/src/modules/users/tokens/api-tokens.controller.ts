import { Body, Controller, Param, Query } from '@nestjs/common';
import { tokensApi, type ApiToken, type ApiTokenQuery, type CreateApiTokenRequest, type CreatedApiToken, type IdParams } from '@moxnas/contracts';
import { Route } from '../../../core/http/route.decorator';
import { Caller, type Identity } from '../auth/identity';
import { ApiTokensService } from './api-tokens.service';

@Controller()
export class ApiTokensController {
  constructor(private readonly tokens: ApiTokensService) {}

  @Route(tokensApi.list)
  list(@Caller() caller: Identity, @Query() query: ApiTokenQuery): Promise<ApiToken[]> {
    return this.tokens.list(caller, query.all);
  }

  @Route(tokensApi.create)
  create(@Caller() caller: Identity, @Body() body: CreateApiTokenRequest): Promise<CreatedApiToken> {
    return this.tokens.create(caller, body);
  }

  @Route(tokensApi.revoke)
  revoke(@Caller() caller: Identity, @Param() params: IdParams): Promise<ApiToken> {
    return this.tokens.revoke(caller, params.id);
  }
}
