import { Injectable } from '@nestjs/common';
import { FtpSettings, NfsSettings, SmbSettings, type ServiceId } from '@moxnas/contracts';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { SettingEntity } from './entities/setting.entity';

const SCHEMAS = { smb: SmbSettings, nfs: NfsSettings, ftp: FtpSettings } as const;
export type SettingsOf<S extends ServiceId> = z.infer<(typeof SCHEMAS)[S]>;

/** Global settings per service, stored as JSON rows; defaults fill what was never set. */
@Injectable()
export class SettingsStore {
  schema<S extends ServiceId>(service: S): (typeof SCHEMAS)[S] {
    return SCHEMAS[service];
  }

  async get<S extends ServiceId>(manager: EntityManager, service: S): Promise<SettingsOf<S>> {
    const row = await manager.findOneBy(SettingEntity, { key: `service.${service}` });
    // Stored values were validated on write; parsing again applies defaults added since.
    return SCHEMAS[service].parse(row?.value ?? {}) as SettingsOf<S>;
  }

  async put<S extends ServiceId>(manager: EntityManager, service: S, value: SettingsOf<S>): Promise<void> {
    await manager.upsert(SettingEntity, { key: `service.${service}`, value: value as object }, ['key']);
  }
}
