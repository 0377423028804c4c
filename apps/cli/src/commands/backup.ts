import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { HostFs } from '@moxnas/host';
import { DataSource } from 'typeorm';
/* eslint-disable @nx/enforce-module-boundaries -- the command runs the API's own module graph, as apps/cli/src/api.ts explains */
import { AppModule } from '../../../api/src/app.module';
import { APP_CONFIG, type AppConfig } from '../../../api/src/core/config/config';
import { DatabaseService } from '../../../api/src/core/database/database.service';
import { DomainError } from '../../../api/src/core/errors/domain-error';
import { HOST_FS } from '../../../api/src/core/host/host.module';
import { PoolEntity } from '../../../api/src/modules/storage/entities/pool.entity';
import { ConfigBackupService } from '../../../api/src/modules/system/config-backup/config-backup.service';
import { AuditService } from '../../../api/src/modules/users/audit/audit.service';
/* eslint-enable @nx/enforce-module-boundaries */
import { EXIT, UsageError, type CliCommand } from '../command';
import { parseFlags } from '../lib/args';
import { cliConfig, withTimeout } from '../lib/app-context';
import { PASSPHRASE_ENV, parseSections, readPassphrase, type BackupFile } from '../lib/backup-file';
import { err, out } from '../lib/output';

export const command = {
  name: 'backup',
  summary: 'Write the encrypted configuration (users, storage, settings, …) to a file',
  usage: `Usage: moxnas backup --output FILE [--passphrase-file PATH|-] [--sections a,b] [--force]

Writes the whole desired state (every section of the configuration export: users and groups with
their password hashes, pools, datasets, snapshot tasks, service settings, alert channels, shares)
encrypted with a passphrase (scrypt + AES-256-GCM) to FILE, mode 0600, atomically. The passphrase
comes from --passphrase-file (first line; "-" reads stdin) or ${PASSPHRASE_ENV}; never from the
command line. Without it the file cannot be read: keep it apart from the file.

The file also records the database schema it was written with and the pool paths the restored NAS
needs (bind mounts); "moxnas restore" checks both. Data in the pools is NOT in the file.
An existing FILE is replaced only with --force.`,
  async run(args: string[]): Promise<number> {
    const flags = parseFlags(args, { output: { type: 'string', short: 'o' }, 'passphrase-file': { type: 'string' }, sections: { type: 'string' }, force: { type: 'boolean' } });
    if (!flags.output) throw new UsageError('--output FILE is required');
    const file = path.resolve(flags.output);
    const passphrase = await readPassphrase(flags['passphrase-file']);
    const sections = parseSections(flags.sections);

    const app = await NestFactory.createApplicationContext(AppModule.forRoot(await cliConfig()), { logger: ['error'], abortOnError: false });
    try {
      await withTimeout(app.get(DatabaseService).whenReady(), 30_000, 'the database did not become ready within 30 s');
      const fs = app.get<HostFs>(HOST_FS);
      if (!flags.force && (await fs.exists(file))) {
        err(`moxnas backup: ${file} exists; pass --force to replace it`);
        return EXIT.failure;
      }
      const document = await app.get(ConfigBackupService).export({ passphrase, sections });
      const dataSource = app.get(DataSource);
      const pools = await dataSource.manager.find(PoolEntity, { order: { name: 'ASC' } });
      const backup: BackupFile = {
        format: 'moxnas-backup',
        version: 1,
        createdAt: document.createdAt,
        appVersion: app.get<AppConfig>(APP_CONFIG).version,
        schema: dataSource.migrations.at(-1)?.name ?? null,
        requires: { pools: pools.map((p) => ({ name: p.name, path: p.path })) },
        document,
      };
      // 0600 from the first byte: the file holds password hashes (encrypted, but still).
      await fs.writeFileAtomic(file, `${JSON.stringify(backup, null, 2)}\n`, { mode: 0o600 });
      await app.get(AuditService).recordSystem('cli.backup', `file:${file}`, { sections: document.sections.map((s) => s.name) });
      out(`Wrote ${file} (mode 0600): ${document.sections.map((s) => s.name).join(', ')}.`);
      if (backup.requires.pools.length) out(`A restore needs these pool paths: ${backup.requires.pools.map((p) => `${p.name} ${p.path}`).join(', ')}.`);
      out('Keep the passphrase apart from the file: without it the backup cannot be read.');
      return EXIT.ok;
    } catch (e) {
      if (e instanceof DomainError) {
        err(`moxnas backup: ${e.message}${e.fieldErrors?.length ? `: ${e.fieldErrors.map((f) => `${f.field} ${f.message}`).join('; ')}` : ''}`);
        return EXIT.failure;
      }
      throw e;
    } finally {
      await app.close();
    }
  },
} satisfies CliCommand;
