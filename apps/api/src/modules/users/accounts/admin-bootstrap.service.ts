import { randomInt, randomUUID } from 'node:crypto';
import path from 'node:path';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { NOLOGIN_SHELL, passwordProblem } from '@moxnas/contracts';
import type { CredentialFiles } from '@moxnas/host';
import { Repository } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../../core/config/config';
import { DatabaseService } from '../../../core/database/database.service';
import { DomainError } from '../../../core/errors/domain-error';
import { LoginLimiter } from '../auth/login-limiter';
import { PasswordHasher } from '../auth/password-hasher';
import { CLOCK, type Clock } from '../clock';
import { UserEntity } from '../entities/user.entity';
import { CREDENTIAL_FILES } from '../users.tokens';
import { AccountsLock } from './accounts-lock';
import { HostAccountsService } from './host-accounts.service';
import { passwordMentionsName, UsersService } from './users.service';

export const BUILT_IN_ADMIN = 'admin';

/** No look-alike characters (0/O, 1/l/I), so the password survives being read off a console. */
const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export function generatePassword(length = 20): string {
  return Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}

/**
 * First boot and recovery. There are no default credentials: the first start creates the built-in
 * `admin` with a random password (or MOXNAS_ADMIN_PASSWORD), prints it once and leaves it in a
 * root-only file; `moxnas reset-admin-password` issues a new one. At start the host accounts are
 * also rebuilt from the database.
 */
@Injectable()
export class AdminBootstrapService implements OnModuleInit {
  private readonly log = new Logger('users');

  constructor(
    private readonly db: DatabaseService,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly hasher: PasswordHasher,
    private readonly host: HostAccountsService,
    private readonly usersService: UsersService,
    private readonly limiter: LoginLimiter,
    private readonly lock: AccountsLock,
    @Inject(CREDENTIAL_FILES) private readonly files: CredentialFiles,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  get initialPasswordFile(): string {
    return path.join(this.config.dataDir, 'initial-admin-password');
  }

  async onModuleInit(): Promise<void> {
    const boot = async () => {
      await this.seed();
      // Only the API server reconciles; the CLI's short-lived context must not race it.
      if (this.config.role === 'server') void this.reconcile();
    };
    // Awaited when the database is already up, so the app never serves before the admin exists.
    if (this.db.isMigrated) await boot();
    else this.db.onReady(boot);
  }

  private async reconcile(): Promise<void> {
    try {
      if (!(await this.users.existsBy({ builtIn: false }))) return;
      const report = await this.host.reconcile();
      if (report.skipped) this.log.warn({ reason: report.skipped }, 'host accounts not reconciled');
      else if (report.failures.length) this.log.error({ failures: report.failures }, 'host accounts reconciled with failures');
      else this.log.log({ users: report.users, groups: report.groups }, 'host accounts reconciled');
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'host account reconcile failed');
    }
  }

  /** Creates the built-in admin when there is no user at all. */
  async seed(): Promise<void> {
    if ((await this.users.count()) > 0) return;
    const generated = this.config.adminPassword === undefined;
    const password = this.config.adminPassword ?? generatePassword();
    const inserted = await this.insertBuiltInAdmin(password, generated);
    if (!inserted) return;
    if (generated) {
      await this.files.write(this.initialPasswordFile, password);
      // The password goes to a terminal only, never through the logger (nor to a non-terminal
      // stderr, which systemd and docker keep in their logs): a secret there outlives the first
      // login. The installer and `docker exec … cat` read the file instead.
      if (process.stderr.isTTY) process.stderr.write(
        `\nMoxNAS first start: created the user "${BUILT_IN_ADMIN}" with the password\n\n    ${password}\n\n` +
          `(also in ${this.initialPasswordFile}, readable by root only). You must change it at the first login.\n\n`,
      );
      this.log.warn(`First start: created the user "${BUILT_IN_ADMIN}" with a generated password, in ${this.initialPasswordFile} (readable by root only); it must be changed at the first login.`);
    } else {
      this.log.log(`First start: created the user "${BUILT_IN_ADMIN}" with the password from MOXNAS_ADMIN_PASSWORD.`);
    }
  }

  private async insertBuiltInAdmin(password: string, mustChangePassword: boolean): Promise<boolean> {
    const now = this.clock.now();
    const id = randomUUID();
    await this.users
      .createQueryBuilder()
      .insert()
      .into(UserEntity)
      .values({
        id,
        username: BUILT_IN_ADMIN,
        fullName: 'Administrator',
        email: null,
        uid: null,
        primaryGroupId: null,
        shell: NOLOGIN_SHELL,
        homeDir: null,
        smbEnabled: false,
        ftpEnabled: false,
        role: 'admin',
        disabled: false,
        builtIn: true,
        passwordHash: await this.hasher.hash(password),
        ntHash: null,
        unixHash: null,
        mustChangePassword,
        tokenVersion: 0,
        totpSecret: null,
        totpPendingSecret: null,
        totpLastStep: null,
        hostStatus: 'none',
        passwordChangedAt: now,
        lastLoginAt: null,
        createdAt: now,
        updatedAt: now,
      })
      // Two instances starting at once on one database create one admin.
      .orIgnore()
      .execute();
    return this.users.existsBy({ id });
  }

  /**
   * Recovery from the box itself: a new random password for `username` (default the built-in
   * admin, recreated if it was deleted), enabled, TOTP removed, lockout lifted, every session ended.
   */
  async resetPassword(username = BUILT_IN_ADMIN): Promise<{ username: string; password: string; created: boolean }> {
    let password = generatePassword();
    while (passwordProblem(password) || passwordMentionsName(password, username)) password = generatePassword();
    const user = await this.users.findOneBy({ username });
    let created = false;
    if (!user) {
      if (username !== BUILT_IN_ADMIN) throw DomainError.notFound(`The user "${username}"`);
      created = await this.lock.run(() => this.insertBuiltInAdmin(password, true));
    } else {
      await this.usersService.update(user.id, {
        password,
        mustChangePassword: true,
        disabled: false,
        ...(user.totpSecret ? { totpEnabled: false as const } : {}),
        ...(user.builtIn ? { role: 'admin' as const } : {}),
      });
    }
    await this.limiter.clear(username, user?.id);
    // The first-boot password is no longer valid; do not leave it lying around.
    await this.files.remove(this.initialPasswordFile);
    return { username, password, created };
  }

  /** Removes the first-boot password file once the admin has chosen a password. */
  async forgetInitialPassword(): Promise<void> {
    await this.files.remove(this.initialPasswordFile);
  }
}
