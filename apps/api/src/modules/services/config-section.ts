import { Injectable, OnModuleInit } from '@nestjs/common';
import { FtpSettings, NfsSettings, SmbSettings, type ConfigChange, type ServiceId } from '@moxnas/contracts';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { ConfigBackupRegistry } from '../system/config-backup/config-backup.registry';
import { ApplyEngine } from './apply/apply-engine';
import { SettingsStore, type SettingsOf } from './settings.store';
import { changedKeys } from '../system/config-backup/config-diff';

/** Global settings of each service (the SettingsStore rows); a service left out keeps its settings. */
export const ServicesSection = z.strictObject({
  smb: SmbSettings.optional(),
  nfs: NfsSettings.optional(),
  ftp: FtpSettings.optional(),
});
export type ServicesSection = z.infer<typeof ServicesSection>;

const SERVICES: ServiceId[] = ['smb', 'nfs', 'ftp'];

/**
 * The `services` section of the configuration export: SMB, NFS and FTP global settings. After the
 * import every managed config file is rendered, checked and applied through the apply engine (the
 * same path as a settings change), so a rejected file never reaches a daemon.
 */
@Injectable()
export class ServicesConfigSection implements OnModuleInit {
  private touched: ServiceId[] = [];

  constructor(
    private readonly registry: ConfigBackupRegistry,
    private readonly settings: SettingsStore,
    private readonly engine: ApplyEngine,
  ) {}

  onModuleInit(): void {
    this.registry.contribute<ServicesSection>({
      name: 'services',
      version: 1,
      order: 300,
      schema: ServicesSection,
      export: async (m) => ({ smb: await this.settings.get(m, 'smb'), nfs: await this.settings.get(m, 'nfs'), ftp: await this.settings.get(m, 'ftp') }),
      plan: (m, incoming) => this.plan(m, incoming),
      import: (m, incoming) => this.replace(m, incoming),
      afterImport: () => this.afterImport(),
    });
  }

  private async plan(m: EntityManager, incoming: ServicesSection): Promise<ConfigChange[]> {
    const changes: ConfigChange[] = [];
    for (const id of SERVICES) {
      const next = incoming[id];
      if (!next) continue;
      const fields = changedKeys(await this.settings.get(m, id), next);
      if (fields.length) changes.push({ action: 'update', kind: 'service settings', name: id, fields });
    }
    return changes;
  }

  private async replace(m: EntityManager, incoming: ServicesSection): Promise<void> {
    this.touched = [];
    for (const id of SERVICES) {
      const next = incoming[id];
      if (!next) continue;
      await this.settings.put(m, id, next as SettingsOf<typeof id>);
      this.touched.push(id);
    }
  }

  /** Renders, checks and applies the config of each imported service; reports every one that failed. */
  private async afterImport(): Promise<void> {
    const services = this.touched.filter((s) => this.engine.registered().includes(s));
    this.touched = [];
    const failures: string[] = [];
    for (const service of services) {
      try {
        await this.engine.apply(service, { reason: 'configuration import' });
      } catch (err) {
        const fields = (err as { fieldErrors?: Array<{ field: string; message: string }> }).fieldErrors ?? [];
        failures.push(`${service}: ${[(err as Error).message, ...fields.map((f) => `${f.field} ${f.message}`)].join(' ')}`);
      }
    }
    if (failures.length) throw new Error(failures.join('; '));
  }
}
