import { Injectable } from '@nestjs/common';
import { FtpSettings, NfsSettings, SmbSettings, type ServiceId } from '@moxnas/contracts';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { AuditContext } from '../users/audit/audit-context';
import { SettingEntity } from './entities/setting.entity';

const SCHEMAS = { smb: SmbSettings, nfs: NfsSettings, ftp: FtpSettings } as const;
export type SettingsOf<S extends ServiceId> = z.infer<(typeof SCHEMAS)[S]>;

/** Global settings per service, stored as JSON rows; defaults fill what was never set. */
@Injectable()
export class SettingsStore {
  constructor(private readonly audit: AuditContext) {}

  schema<S extends ServiceId>(service: S): (typeof SCHEMAS)[S] {
    return SCHEMAS[service];
  }

  async get<S extends ServiceId>(manager: EntityManager, service: S): Promise<SettingsOf<S>> {
    const row = await manager.findOneBy(SettingEntity, { key: `service.${service}` });
    // Stored values were validated on write; parsing again applies defaults added since.
    return SCHEMAS[service].parse(row?.value ?? {}) as SettingsOf<S>;
  }

  /** Every settings change passes here, so this is where the audit record learns its before and after. */
  async put<S extends ServiceId>(manager: EntityManager, service: S, value: SettingsOf<S>): Promise<void> {
    const before = await this.get(manager, service);
    await manager.upsert(SettingEntity, { key: `service.${service}`, value: value as object }, ['key']);
    this.audit.describe({ target: `service:${service}`, before, after: value });
  }
}
