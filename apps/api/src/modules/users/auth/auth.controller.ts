import { Body, Controller, Inject, Res } from '@nestjs/common';
import {
  authApi,
  type ChangePasswordRequest,
  type LoginRequest,
  type SessionUser,
  type TokenResponse,
  type TotpConfirmRequest,
  type TotpDisableRequest,
  type TotpEnrolment,
} from '@moxnas/contracts';
import type { FastifyReply } from 'fastify';
import { Route } from '../../../core/http/route.decorator';
import { CLOCK, type Clock } from '../clock';
import { AuthService, type SessionGrant } from './auth.service';
import { Caller, Client, OptionalCaller, type ClientInfo, type Identity } from './identity';
import { clearRefreshCookie, RefreshToken, setRefreshCookie } from './refresh-cookie';

@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Puts the refresh token in its cookie and answers with the body. */
  private respond(reply: FastifyReply, client: ClientInfo, grant: SessionGrant): TokenResponse {
    setRefreshCookie(reply, grant.refresh, client.secure, this.clock.now());
    return grant.response;
  }

  @Route(authApi.login)
  async login(@Body() body: LoginRequest, @Client() client: ClientInfo, @Res({ passthrough: true }) reply: FastifyReply): Promise<TokenResponse> {
    return this.respond(reply, client, await this.auth.login(body, client));
  }

  @Route(authApi.refresh)
  async refresh(@RefreshToken() token: string | undefined, @Client() client: ClientInfo, @Res({ passthrough: true }) reply: FastifyReply): Promise<TokenResponse> {
    try {
      return this.respond(reply, client, await this.auth.refresh(token));
    } catch (err) {
      // A refused refresh token is dead for good: drop the cookie so the browser stops sending it.
      clearRefreshCookie(reply, client.secure);
      throw err;
    }
  }

  @Route(authApi.logout)
  async logout(
    @RefreshToken() token: string | undefined,
    @OptionalCaller() caller: Identity | undefined,
    @Client() client: ClientInfo,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.auth.logout(token, caller);
    clearRefreshCookie(reply, client.secure);
  }

  @Route(authApi.me)
  me(@Caller() caller: Identity): Promise<SessionUser> {
    return this.auth.me(caller);
  }

  @Route(authApi.changePassword)
  async changePassword(
    @Caller() caller: Identity,
    @Body() body: ChangePasswordRequest,
    @Client() client: ClientInfo,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenResponse> {
    return this.respond(reply, client, await this.auth.changePassword(caller, body, client));
  }

  @Route(authApi.totpEnrol)
  totpEnrol(@Caller() caller: Identity): Promise<TotpEnrolment> {
    return this.auth.totpEnrol(caller);
  }

  @Route(authApi.totpConfirm)
  totpConfirm(@Caller() caller: Identity, @Body() body: TotpConfirmRequest): Promise<SessionUser> {
    return this.auth.totpConfirm(caller, body.code);
  }

  @Route(authApi.totpDisable)
  totpDisable(@Caller() caller: Identity, @Body() body: TotpDisableRequest): Promise<SessionUser> {
    return this.auth.totpDisable(caller, body.password);
  }
}
