import { Injectable } from '@nestjs/common';
import type { ServiceBindings } from '@moxnas/contracts';
import { DataSource } from 'typeorm';

const KEYS = ['service.smb', 'service.ftp'];

/**
 * Which interfaces the daemons listen on. The services module owns these settings; this reads the
 * stored rows as they are (defaults when nothing was stored) and never writes them.
 */
@Injectable()
export class ServiceBindingsService {
  constructor(private readonly dataSource: DataSource) {}

  async get(): Promise<ServiceBindings> {
    const rows = (await this.dataSource.query('SELECT key, value FROM settings WHERE key = ANY($1)', [KEYS])) as { key: string; value: unknown }[];
    const value = (key: string): Record<string, unknown> => {
      const v = rows.find((r) => r.key === key)?.value;
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
    };
    const smb = value('service.smb');
    const ftp = value('service.ftp');
    const interfaces = Array.isArray(smb['interfaces']) ? smb['interfaces'].filter((i): i is string => typeof i === 'string') : [];
    const listenAddress = typeof ftp['listenAddress'] === 'string' && ftp['listenAddress'] !== '0.0.0.0' ? ftp['listenAddress'] : null;
    return {
      smb: { interfaces, allInterfaces: interfaces.length === 0 },
      ftp: { listenAddress, allInterfaces: listenAddress === null },
      source: rows.length ? 'services settings' : 'defaults (no service settings stored yet)',
    };
  }
}
