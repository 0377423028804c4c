import { Inject, Injectable } from '@nestjs/common';
import { STORAGE_HOST, type StorageHost } from '../storage-host';

const TTL_MS = 30_000;

/**
 * uid/gid → name as the host resolves them (getent), cached briefly so a list of datasets does not
 * cost a process per row. Names are shown, ids are stored: renaming an account never breaks a dataset.
 */
@Injectable()
export class AccountNames {
  private readonly cache = new Map<string, { name: string | null; at: number }>();

  constructor(@Inject(STORAGE_HOST) private readonly host: StorageHost) {}

  async user(uid: number): Promise<string | null> {
    return this.lookup(`u${uid}`, async () => (await this.host.identities.user(uid))?.username ?? null);
  }

  async group(gid: number): Promise<string | null> {
    return this.lookup(`g${gid}`, async () => (await this.host.identities.group(gid))?.name ?? null);
  }

  private async lookup(key: string, fetch: () => Promise<string | null>): Promise<string | null> {
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.name;
    const name = await fetch().catch(() => null);
    this.cache.set(key, { name, at: Date.now() });
    return name;
  }
}
