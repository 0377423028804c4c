import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CredentialFiles, LinuxAccountManager, type AccountManager, type CommandRunner, type HostFs } from '@moxnas/host';
import { SESSION_VERIFIER } from '../../core/auth/session-verifier';
import { APP_CONFIG, ConfigError, type AppConfig } from '../../core/config/config';
import type { HostPaths } from '../../core/config/host-paths';
import { COMMAND_RUNNER, HOST_FS, HOST_PATHS } from '../../core/host/host.module';
import { ServicesModule } from '../services/services.module';
import { SystemModule } from '../system/system.module';
import { AccountBatches } from './accounts/account-batch';
import { AccountChanges } from './accounts/account-change';
import { AccountDependents } from './accounts/account-dependents';
import { AccountsLock } from './accounts/accounts-lock';
import { AdminBootstrapService } from './accounts/admin-bootstrap.service';
import { GroupsController } from './accounts/groups.controller';
import { GroupsService } from './accounts/groups.service';
import { HostAccountsService } from './accounts/host-accounts.service';
import { UsersController } from './accounts/users.controller';
import { UsersService } from './accounts/users.service';
import { AuditContext } from './audit/audit-context';
import { AuditScopeHook } from './audit/audit-scope.hook';
import { AuditController } from './audit/audit.controller';
import { AuditService } from './audit/audit.service';
import { AccessGuard } from './auth/access.guard';
import { AccessTokens, JWT_AUDIENCE, JWT_ISSUER } from './auth/access-tokens';
import { ApiTokenStrategy } from './auth/api-token.strategy';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { AuthStateService } from './auth/auth-state.service';
import { JwtStrategy } from './auth/jwt.strategy';
import { LoginLimiter } from './auth/login-limiter';
import { PasswordHasher } from './auth/password-hasher';
import { RetryAfterHook } from './auth/retry-after.hook';
import { SessionVerifierService } from './auth/session-verifier.service';
import { SessionsService } from './auth/sessions.service';
import { TotpService } from './auth/totp.service';
import { CLOCK, systemClock } from './clock';
import { UsersConfigSection } from './config-section';
import { ApiTokenEntity } from './entities/api-token.entity';
import { AuditEntryEntity } from './entities/audit-entry.entity';
import { AuthSessionEntity, RefreshTokenEntity } from './entities/auth-session.entity';
import { GroupEntity, UserGroupEntity } from './entities/group.entity';
import { UserEntity } from './entities/user.entity';
import { ApiTokensController } from './tokens/api-tokens.controller';
import { ApiTokensService } from './tokens/api-tokens.service';
import { ACCOUNT_MANAGER, CREDENTIAL_FILES, JWT_SECRET } from './users.tokens';

/** The JWT signing key: MOXNAS_JWT_SECRET, else generated once into <data dir>/jwt-secret (mode 0600). */
async function jwtSecret(config: AppConfig, files: CredentialFiles): Promise<string> {
  if (config.jwtSecret) return config.jwtSecret;
  const file = path.join(config.dataDir, 'jwt-secret');
  const { value } = await files.readOrCreate(file, () => randomBytes(48).toString('base64url'));
  if (value.length < 32) throw new ConfigError('MOXNAS_JWT_SECRET', `${file} holds fewer than 32 characters; delete it to generate a new key`);
  return value;
}

/**
 * Authentication (passwords, TOTP, JWT sessions, API tokens), roles (the global AccessGuard),
 * users and groups with their Linux/Samba/FTP accounts, and the audit log. Global so that other
 * modules get the SESSION_VERIFIER (events WebSocket) and AuditContext without importing it.
 */
@Global()
@Module({
  imports: [
    // EventsService (auth.lockout) and ConfigBackupRegistry (the users section of the config export).
    SystemModule,
    // ApplyEngine: a user or group change re-applies the services whose files read accounts.
    ServicesModule,
    PassportModule,
    TypeOrmModule.forFeature([UserEntity, GroupEntity, UserGroupEntity, AuthSessionEntity, RefreshTokenEntity, ApiTokenEntity, AuditEntryEntity]),
  ],
  controllers: [AuthController, UsersController, GroupsController, ApiTokensController, AuditController],
  providers: [
    { provide: CLOCK, useValue: systemClock },
    {
      provide: ACCOUNT_MANAGER,
      inject: [APP_CONFIG, COMMAND_RUNNER, HOST_FS, HOST_PATHS],
      useFactory: (config: AppConfig, runner: CommandRunner, fs: HostFs, paths: HostPaths): AccountManager =>
        new LinuxAccountManager({ runner, fs, smbConf: paths.smbConf, sambaDirs: paths.samba, scratchDir: path.join(config.dataDir, 'run', 'accounts'), ftpHome: paths.ftpHome }),
    },
    { provide: CREDENTIAL_FILES, inject: [HOST_FS], useFactory: (fs: HostFs) => new CredentialFiles(fs) },
    { provide: JWT_SECRET, inject: [APP_CONFIG, CREDENTIAL_FILES], useFactory: jwtSecret },
    {
      provide: JwtService,
      inject: [JWT_SECRET],
      useFactory: (secret: string) =>
        new JwtService({ secret, signOptions: { algorithm: 'HS256', issuer: JWT_ISSUER, audience: JWT_AUDIENCE }, verifyOptions: { algorithms: ['HS256'] } }),
    },
    AccessTokens,
    AuthStateService,
    SessionsService,
    LoginLimiter,
    PasswordHasher,
    TotpService,
    JwtStrategy,
    ApiTokenStrategy,
    AuthService,
    RetryAfterHook,
    AccountsLock,
    AccountDependents,
    AccountChanges,
    AccountBatches,
    HostAccountsService,
    UsersService,
    GroupsService,
    AdminBootstrapService,
    UsersConfigSection,
    ApiTokensService,
    SessionVerifierService,
    { provide: SESSION_VERIFIER, useExisting: SessionVerifierService },
    AuditContext,
    AuditScopeHook,
    AuditService,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [SESSION_VERIFIER, AuditContext, AdminBootstrapService, HostAccountsService, UsersService, AccountDependents, AccountBatches, CLOCK],
})
export class UsersModule {}
