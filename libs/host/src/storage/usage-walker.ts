import path from 'node:path';
import { Limiter } from './limiter';
import type { StorageFs } from './storage-fs';

export interface UsageOptions {
  /** Paths relative to the root not to count (snapshot directories). */
  exclude?: ReadonlySet<string>;
  /** Stop after this many entries (files, directories, links). */
  maxEntries?: number;
  /** Stop after this long. */
  maxMs?: number;
  /** Milliseconds clock for the time limit. */
  now?: () => number;
  signal?: AbortSignal;
}

export interface UsageResult {
  /** Allocated bytes (st_blocks × 512), each inode counted once: what a quota charges. */
  bytes: number;
  /** Sum of file sizes. */
  apparentBytes: number;
  entries: number;
  /** False when a limit stopped the walk: the figures are then a lower bound. */
  complete: boolean;
  /** Why the walk stopped early. */
  reason: string | null;
}

const CONCURRENCY = 16;
const BATCH = 512;

/**
 * Measures a directory tree like `du -x` (one file system, hard links once), within a file-count
 * and a time budget so a huge dataset cannot stall the API.
 */
export async function measureUsage(fs: StorageFs, root: string, options: UsageOptions = {}): Promise<UsageResult> {
  const now = options.now ?? Date.now;
  const deadline = now() + (options.maxMs ?? 60_000);
  const maxEntries = options.maxEntries ?? 1_000_000;
  const exclude = options.exclude ?? new Set<string>();
  const limiter = new Limiter(CONCURRENCY);
  const seen = new Set<string>();
  const result: UsageResult = { bytes: 0, apparentBytes: 0, entries: 0, complete: true, reason: null };
  const top = await fs.lstatExact(root);
  if (!top) throw Object.assign(new Error(`${root} does not exist`), { code: 'ENOENT' });
  const device = top.dev;

  const stop = (reason: string) => {
    if (result.complete) {
      result.complete = false;
      result.reason = reason;
    }
  };
  const overBudget = (): boolean => {
    if (!result.complete) return true;
    if (options.signal?.aborted) stop('cancelled');
    else if (result.entries >= maxEntries) stop(`stopped after ${maxEntries} entries`);
    else if (now() > deadline) stop(`stopped after ${options.maxMs ?? 60_000} ms`);
    return !result.complete;
  };

  const visit = async (rel: string): Promise<void> => {
    if (overBudget()) return;
    const abs = rel ? path.join(root, rel) : root;
    const st = await limiter.run(() => fs.lstatExact(abs));
    if (!st) return;
    result.entries++;
    if (st.nlink > 1 && st.type !== 'directory') {
      const key = `${st.dev}:${st.ino}`;
      if (seen.has(key)) return;
      seen.add(key);
    }
    result.bytes += st.blocks * 512;
    if (st.type === 'file') result.apparentBytes += st.size;
    // Like du -x: another file system mounted inside is not this dataset's usage.
    if (st.type !== 'directory' || st.dev !== device) return;
    let names: string[];
    try {
      names = (await limiter.run(() => fs.readdir(abs))).map((e) => e.name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (let i = 0; i < names.length && !overBudget(); i += BATCH) {
      await Promise.all(
        names.slice(i, i + BATCH).map((name) => {
          const child = rel ? `${rel}/${name}` : name;
          return exclude.has(child) ? undefined : visit(child);
        }),
      );
    }
  };
  await visit('');
  return result;
}
