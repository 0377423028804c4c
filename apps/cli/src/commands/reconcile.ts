import { NestFactory } from '@nestjs/core';
/* eslint-disable @nx/enforce-module-boundaries -- the command runs the API's own module graph, as apps/cli/src/api.ts explains */
import { AppModule } from '../../../api/src/app.module';
import { DatabaseService } from '../../../api/src/core/database/database.service';
import { ReconcileService } from '../../../api/src/modules/services/reconcile.service';
/* eslint-enable @nx/enforce-module-boundaries */
import { EXIT, type CliCommand } from '../command';
import { parseFlags } from '../lib/args';
import { cliConfig, withTimeout } from '../lib/app-context';
import { out } from '../lib/output';

export const command = {
  name: 'reconcile',
  summary: 'Rebuild host state (accounts, config files) from the database, idempotently',
  usage: `Usage: moxnas reconcile [--json]

Re-renders every managed file (smb.conf, exports, vsftpd.conf and its user files) from the
database, checks each with the daemon's own checker and writes those that differ; host accounts
are rebuilt by the users module first. Running it twice changes nothing the second time.
Daemons are left to the server: under systemd they are reloaded, otherwise the running MoxNAS
server picks the files up at its next reload (the output says so).`,
  async run(args: string[]): Promise<number> {
    const flags = parseFlags(args, { json: { type: 'boolean' } });
    const app = await NestFactory.createApplicationContext(AppModule.forRoot(await cliConfig()), { logger: ['error'], abortOnError: false });
    try {
      await withTimeout(app.get(DatabaseService).settled(), 30_000, 'the database did not become ready within 30 s');
      const report = await app.get(ReconcileService).reconcile({ startDaemons: false });
      if (flags.json) out(JSON.stringify(report, null, 2));
      else for (const [part, r] of Object.entries(report.services)) out(`${r.ok ? 'ok  ' : 'FAIL'} ${part}${r.message ? `: ${r.message}` : ''}`);
      return Object.values(report.services).every((r) => r.ok) ? EXIT.ok : EXIT.failure;
    } finally {
      await app.close();
    }
  },
} satisfies CliCommand;
