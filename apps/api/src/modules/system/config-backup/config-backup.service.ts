import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  ConfigDocument,
  type ConfigExportRequest,
  type ConfigImportRequest,
  type ConfigImportResult,
  type FieldError,
} from '@moxnas/contracts';
import { Mutex, type SystemReader } from '@moxnas/host';
import { DataSource, QueryFailedError } from 'typeorm';
import { z } from 'zod';
import { APP_CONFIG, type AppConfig } from '../../../core/config/config';
import { DomainError } from '../../../core/errors/domain-error';
import { fieldErrors } from '../../../core/http/validation';
import { SYSTEM_READER } from '../metrics/system-reader.token';
import { ConfigBackupRegistry, type ConfigSection } from './config-backup.registry';
import { ConfigDecryptError, decryptConfig, encryptConfig } from './config-crypto';

const Payload = z.object({ sections: z.record(z.string(), z.object({ version: z.number().int().min(1), data: z.unknown() })) });

/** Rolls back the dry-run transaction after the plan was made. */
class DryRunRollback extends Error {}

/**
 * Export and import of the whole desired state as one encrypted document. Each module contributes
 * its section through the ConfigBackupRegistry; this service only frames, encrypts, validates
 * everything before touching anything, and runs all sections in one transaction.
 */
@Injectable()
export class ConfigBackupService {
  private readonly log = new Logger('config-backup');
  /** One import at a time: each plans against the state the previous one left. */
  private readonly imports = new Mutex();

  constructor(
    private readonly registry: ConfigBackupRegistry,
    private readonly dataSource: DataSource,
    @Inject(SYSTEM_READER) private readonly reader: SystemReader,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private pick(names: string[] | undefined, available: string[], field: string): string[] {
    if (!names) return available;
    const errors: FieldError[] = [];
    names.forEach((n, i) => {
      if (!available.includes(n)) errors.push({ field: `${field}.${i}`, message: `${n} is not one of ${available.join(', ') || '(none)'}` });
    });
    if (errors.length) throw DomainError.validation(errors);
    return available.filter((n) => names.includes(n));
  }

  async export(req: ConfigExportRequest): Promise<ConfigDocument> {
    const sections = this.pick(req.sections, this.registry.all().map((s) => s.name), 'sections').map((n) => this.registry.get(n)!);
    // One snapshot of the database for every section, so the parts agree with each other.
    const data = await this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const out: Record<string, { version: number; data: unknown }> = {};
      for (const s of sections) out[s.name] = { version: s.version, data: await s.export(manager) };
      return out;
    });
    const header = {
      format: 'moxnas-config' as const,
      version: 1 as const,
      createdAt: new Date().toISOString(),
      appVersion: this.config.version,
      hostname: await this.reader.hostname().catch(() => 'unknown'),
      sections: sections.map((s) => ({ name: s.name, version: s.version })),
    };
    this.log.log({ sections: header.sections.map((s) => s.name) }, 'configuration exported');
    return encryptConfig(header, { sections: data }, req.passphrase);
  }

  import(req: ConfigImportRequest, dryRun: boolean): Promise<ConfigImportResult> {
    return this.imports.run(() => this.importNow(req, dryRun));
  }

  private async importNow(req: ConfigImportRequest, dryRun: boolean): Promise<ConfigImportResult> {
    let clear: unknown;
    try {
      clear = await decryptConfig(req.document, req.passphrase);
    } catch (err) {
      if (err instanceof ConfigDecryptError) throw DomainError.validation([{ field: 'passphrase', message: err.message }]);
      throw err;
    }
    const payload = Payload.safeParse(clear);
    if (!payload.success) throw DomainError.validation([{ field: 'document', message: 'The file does not hold MoxNAS configuration sections.' }]);
    const inFile = Object.keys(payload.data.sections);
    const names = this.pick(req.sections, inFile, 'sections');

    const result: ConfigImportResult['sections'] = [];
    const ready: { section: ConfigSection; data: unknown }[] = [];
    const errors: FieldError[] = [];
    for (const name of names) {
      const section = this.registry.get(name);
      const entry = payload.data.sections[name];
      if (!section) {
        result.push({ name, status: 'skipped', message: 'No module on this installation handles this section.', changes: [] });
        continue;
      }
      let data = entry.data;
      if (entry.version > section.version) {
        errors.push({ field: `document.sections.${name}`, message: `written by a newer MoxNAS (section version ${entry.version}; this one reads up to ${section.version})` });
        continue;
      }
      if (entry.version < section.version) {
        if (!section.upgrade) {
          errors.push({ field: `document.sections.${name}`, message: `section version ${entry.version} is no longer supported` });
          continue;
        }
        data = section.upgrade(entry.version, data);
      }
      const parsed = section.schema.safeParse(data);
      if (!parsed.success) {
        errors.push(...fieldErrors(parsed.error, `document.sections.${name}`));
        continue;
      }
      ready.push({ section, data: parsed.data });
    }
    // Every section is checked before anything is written: one bad section changes nothing.
    if (errors.length) throw DomainError.validation(errors, 'The file does not import cleanly; nothing was changed.');

    const ordered = ready.sort((a, b) => a.section.order - b.section.order);
    const planned: ConfigImportResult['sections'] = [];
    try {
      await this.dataSource.transaction(async (manager) => {
        for (const { section, data } of ordered) {
          const changes = await section.plan(manager, data);
          planned.push({ name: section.name, status: changes.length ? 'changed' : 'unchanged', message: null, changes });
          if (!dryRun) {
            try {
              await section.import(manager, data);
            } catch (err) {
              // The schema checks what it can; a constraint the database still refuses is the file's fault, not a 500.
              if (err instanceof QueryFailedError) {
                throw DomainError.validation([{ field: `document.sections.${section.name}`, message: `conflicts with the database: ${(err.driverError as { detail?: string })?.detail ?? err.message}` }], 'The file does not import cleanly; nothing was changed.');
              }
              throw err;
            }
          }
        }
        if (dryRun) throw new DryRunRollback();
      });
    } catch (err) {
      if (!(err instanceof DryRunRollback)) throw err;
    }
    if (!dryRun) {
      this.log.log({ sections: planned.map((p) => `${p.name}:${p.status}`) }, 'configuration imported');
      for (const { section } of ordered) {
        if (!section.afterImport) continue;
        try {
          await section.afterImport();
        } catch (err) {
          const p = planned.find((x) => x.name === section.name)!;
          p.status = 'failed';
          p.message = `Imported, but bringing the host in line failed: ${(err as Error).message}`;
        }
      }
    }
    const byName = new Map([...planned, ...result].map((r) => [r.name, r]));
    return { dryRun, applied: !dryRun, sections: names.map((n) => byName.get(n)!) };
  }
}
