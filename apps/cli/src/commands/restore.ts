import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { ConfigImportResult } from '@moxnas/contracts';
import { DataSource } from 'typeorm';
/* eslint-disable @nx/enforce-module-boundaries -- the command runs the API's own module graph, as apps/cli/src/api.ts explains */
import { AppModule } from '../../../api/src/app.module';
import { DatabaseService } from '../../../api/src/core/database/database.service';
import { DomainError } from '../../../api/src/core/errors/domain-error';
import { ConfigBackupService } from '../../../api/src/modules/system/config-backup/config-backup.service';
import { AuditService } from '../../../api/src/modules/users/audit/audit.service';
/* eslint-enable @nx/enforce-module-boundaries */
import { EXIT, UsageError, type CliCommand } from '../command';
import { parseFlags } from '../lib/args';
import { cliConfig, withTimeout } from '../lib/app-context';
import { BackupFile, PASSPHRASE_ENV, parseSections, readPassphrase } from '../lib/backup-file';
import { err, out } from '../lib/output';

const SIGN = { create: '+', update: '~', delete: '-' } as const;

function printResult(result: ConfigImportResult): void {
  for (const s of result.sections) {
    out(`${s.name}: ${s.status}${s.message ? ` (${s.message})` : ''}`);
    for (const c of s.changes) out(`  ${SIGN[c.action]} ${c.kind} ${c.name}${c.fields.length ? ` [${c.fields.join(', ')}]` : ''}`);
  }
}

export const command = {
  name: 'restore',
  summary: 'Restore the configuration from a "moxnas backup" file (--dry-run shows the diff)',
  usage: `Usage: moxnas restore --input FILE [--dry-run] [--passphrase-file PATH|-] [--sections a,b] [--json]

Reads a file written by "moxnas backup", decrypts it with the passphrase (--passphrase-file, first
line, "-" for stdin; or ${PASSPHRASE_ENV}) and replaces the desired state section by section in one
database transaction: every section is validated first, and any error changes nothing. Then the
host is brought in line (Linux/Samba accounts, config files, pools probed, snapshots rescanned).

  --dry-run    print what would change (+ create, ~ update [fields], - delete) and change nothing

Run it on the new box after "moxnas migrate" (the install does that), with the pool paths the file
lists already mounted. Sessions and API tokens are not in a backup: log in again afterwards with
the passwords of the backup. Exit code 1 when the file is refused or a section failed on the host.`,
  async run(args: string[]): Promise<number> {
    const flags = parseFlags(args, {
      input: { type: 'string', short: 'i' },
      'dry-run': { type: 'boolean' },
      'passphrase-file': { type: 'string' },
      sections: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (!flags.input) throw new UsageError('--input FILE is required');
    const file = path.resolve(flags.input);
    let backup: BackupFile;
    try {
      backup = BackupFile.parse(JSON.parse(await readFile(file, 'utf8')));
    } catch (e) {
      err(`moxnas restore: ${file} is not a MoxNAS backup file (${(e as Error).message.split('\n')[0]})`);
      return EXIT.failure;
    }
    const passphrase = await readPassphrase(flags['passphrase-file']);
    const sections = parseSections(flags.sections);
    const dryRun = flags['dry-run'] === true;

    const app = await NestFactory.createApplicationContext(AppModule.forRoot(await cliConfig()), { logger: ['error'], abortOnError: false });
    try {
      await withTimeout(app.get(DatabaseService).whenReady(), 30_000, 'the database did not become ready within 30 s');
      const known = app.get(DataSource).migrations.map((m) => m.name);
      if (backup.schema !== null && !known.includes(backup.schema)) {
        err(`moxnas restore: the file was written by a newer MoxNAS (${backup.appVersion}, schema ${backup.schema}); upgrade this installation first`);
        return EXIT.failure;
      }
      const missing = backup.requires.pools.filter((p) => !existsSync(p.path));
      for (const p of missing) err(`warning: pool ${p.name}: ${p.path} does not exist here; mount it (a Proxmox bind mount: pct set <id> -mpN <host path>,mp=${p.path}) — the pool stays degraded until then`);

      const result = await app.get(ConfigBackupService).import({ document: backup.document, passphrase, sections }, dryRun);
      if (!dryRun) await app.get(AuditService).recordSystem('cli.restore', `file:${file}`, { sections: result.sections.map((s) => `${s.name}:${s.status}`) });
      if (flags.json) out(JSON.stringify(result, null, 2));
      else {
        out(dryRun ? `Dry run of ${file} (backup of ${backup.document.hostname}, ${backup.createdAt}); nothing was changed:` : `Restored ${file}:`);
        printResult(result);
        if (!dryRun) out('Log in again with the passwords of the backup; the running server picks the state up (restart it to be sure: systemctl restart moxnas).');
      }
      return result.sections.some((s) => s.status === 'failed') ? EXIT.failure : EXIT.ok;
    } catch (e) {
      if (e instanceof DomainError) {
        err(`moxnas restore: ${e.message}`);
        for (const f of e.fieldErrors ?? []) err(`  ${f.field}: ${f.message}`);
        return EXIT.failure;
      }
      throw e;
    } finally {
      await app.close();
    }
  },
} satisfies CliCommand;
