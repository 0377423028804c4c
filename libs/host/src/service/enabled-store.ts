import path from 'node:path';
import type { HostFs } from '../fs/host-fs';
import { Mutex } from '../util/keyed-mutex';
import { ServiceError } from './service-driver';

/**
 * Which daemons start with the app, kept in a JSON file (`{"enabled": ["ftp", "smb"]}`) the process
 * driver reads once and rewrites atomically on every change, one change at a time.
 */
export class EnabledStore {
  private enabled: Set<string> | null = null;
  private loading: Promise<Set<string>> | null = null;
  private readonly writes = new Mutex();

  constructor(
    private readonly fs: HostFs,
    readonly file: string,
  ) {}

  /** Whether `id` is enabled, as last loaded (false before the first load). */
  has(id: string): boolean {
    return this.enabled?.has(id) ?? false;
  }

  /** The enabled set, read from the file the first time. */
  load(): Promise<Set<string>> {
    if (this.enabled) return Promise.resolve(this.enabled);
    this.loading ??= this.read().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  /** Applies `change` to the set and writes the file; the set changes only once the file holds it. */
  update(change: (set: Set<string>) => void): Promise<void> {
    return this.writes.run(async () => {
      const next = new Set(await this.load());
      change(next);
      const content = `${JSON.stringify({ enabled: [...next].sort() }, null, 2)}\n`;
      await this.fs.mkdir(path.dirname(this.file));
      await this.fs.writeFileAtomic(this.file, content, { mode: 0o644 });
      this.enabled = next;
    });
  }

  private async read(): Promise<Set<string>> {
    const text = await this.fs.readFile(this.file);
    const set = new Set<string>();
    if (text !== null) {
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch {
        throw new ServiceError('control-failed', '*', `${this.file} is not valid JSON`);
      }
      const list = (doc as { enabled?: unknown }).enabled;
      if (!Array.isArray(list) || !list.every((v): v is string => typeof v === 'string')) {
        throw new ServiceError('control-failed', '*', `${this.file} has no "enabled" list of service ids`);
      }
      list.forEach((id) => set.add(id));
    }
    this.enabled = set;
    return set;
  }
}
