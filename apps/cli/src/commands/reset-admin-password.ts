import { NestFactory } from '@nestjs/core';
/* eslint-disable @nx/enforce-module-boundaries -- the command runs the API's own module graph, as apps/cli/src/api.ts explains */
import { AppModule } from '../../../api/src/app.module';
import { DatabaseService } from '../../../api/src/core/database/database.service';
import { DomainError } from '../../../api/src/core/errors/domain-error';
import { AdminBootstrapService, BUILT_IN_ADMIN } from '../../../api/src/modules/users/accounts/admin-bootstrap.service';
import { AuditService } from '../../../api/src/modules/users/audit/audit.service';
/* eslint-enable @nx/enforce-module-boundaries */
import { EXIT, UsageError, type CliCommand } from '../command';
import { parseFlags } from '../lib/args';
import { cliConfig, withTimeout } from '../lib/app-context';
import { err, out } from '../lib/output';

const READY_TIMEOUT_MS = 30_000;

export const command = {
  name: 'reset-admin-password',
  summary: 'Give the admin a new random password, lift a lockout and end its sessions',
  usage: `Usage: moxnas reset-admin-password [--user NAME]

Sets a new random password for the built-in "${BUILT_IN_ADMIN}" account (or --user NAME), prints it
once, and:
  - requires a new password at the next login,
  - enables the account and lifts a login lockout,
  - turns TOTP off for it (for a lost phone),
  - ends every session and access token of the account,
  - for "${BUILT_IN_ADMIN}": restores the admin role, and recreates the account if it was deleted.
The Linux/SMB/FTP password of a regular user changes with it. The action is audited.

Run it as root on the MoxNAS box with the app's environment (/etc/moxnas/moxnas.env).`,
  async run(args: string[]): Promise<number> {
    const flags = parseFlags(args, { user: { type: 'string' } });
    const username = flags.user ?? BUILT_IN_ADMIN;
    if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(username)) throw new UsageError(`"${username}" is not a valid username`);

    const app = await NestFactory.createApplicationContext(AppModule.forRoot(await cliConfig()), { logger: ['error'], abortOnError: false });
    try {
      await withTimeout(app.get(DatabaseService).whenReady(), READY_TIMEOUT_MS, 'the database did not become ready within 30 s');
      const result = await app.get(AdminBootstrapService).resetPassword(username);
      await app.get(AuditService).recordSystem('cli.resetAdminPassword', `user:${result.username}`, { username: result.username, recreated: result.created });
      out(`${result.created ? 'Recreated' : 'Reset'} the password of "${result.username}".`);
      out(`New password: ${result.password}`);
      out('It is shown only now; it must be changed at the next login. Every session of the account has ended.');
      return EXIT.ok;
    } catch (e) {
      if (e instanceof DomainError) {
        err(`moxnas reset-admin-password: ${e.message}`);
        return EXIT.failure;
      }
      throw e;
    } finally {
      await app.close();
    }
  },
} satisfies CliCommand;
