import fs from 'node:fs/promises';
import path from 'node:path';

export const LOCK_FILE = 'moxnas.lock';

/** Another live server holds the data dir. The message is one line, for the terminal. */
export class DataDirLockedError extends Error {
  constructor(
    readonly lockFile: string,
    readonly holder: number,
  ) {
    super(`MoxNAS is already running on the data dir ${path.dirname(lockFile)} (pid ${holder}, lock ${lockFile}); stop it first or start this one with another MOXNAS_DATA_DIR.`);
    this.name = 'DataDirLockedError';
  }
}

interface Holder {
  pid: number;
  /** Start time of the process (field 22 of /proc/<pid>/stat): a reused pid is not the holder. */
  started: string | null;
}

/** Start time of a live process, null when /proc does not say; undefined when it does not run. */
async function startTimeOf(pid: number): Promise<string | null | undefined> {
  try {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses; fields count after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    return fields[19] ?? null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return null;
  }
  try {
    process.kill(pid, 0);
    return null;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? null : undefined;
  }
}

async function holderAlive(holder: Holder): Promise<boolean> {
  const started = await startTimeOf(holder.pid);
  if (started === undefined) return false;
  return holder.started === null || started === null || started === holder.started;
}

async function linked(from: string, to: string): Promise<boolean> {
  try {
    await fs.link(from, to);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function parse(text: string): Holder | null {
  try {
    const doc = JSON.parse(text) as Partial<Holder>;
    if (Number.isInteger(doc.pid) && (doc.pid as number) > 0) return { pid: doc.pid as number, started: typeof doc.started === 'string' ? doc.started : null };
  } catch {
    /* a torn or foreign file: not a holder */
  }
  return null;
}

/**
 * One server per data dir. Two servers on one data dir open the same embedded database files, bind
 * the same socket (the second one replaced the first one's, which then answered 503 to every data
 * route while its readiness probe, on an older connection, still said 200) and supervise the same
 * daemons. So the server takes `<dataDir>/moxnas.lock` before anything else touches the data dir:
 * created exclusively, holding the pid and start time of its process. A lock whose process is gone
 * (kill -9, power loss) is stale and taken over.
 */
export class DataDirLock {
  private constructor(
    readonly file: string,
    private readonly content: string,
  ) {}

  static async acquire(dataDir: string): Promise<DataDirLock> {
    await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
    const file = path.join(dataDir, LOCK_FILE);
    const content = `${JSON.stringify({ pid: process.pid, started: (await startTimeOf(process.pid)) ?? null })}\n`;
    // Written whole beside it, then linked into place: link() fails when the lock exists, and the
    // lock is never seen half written.
    const draft = `${file}.${process.pid}`;
    await fs.writeFile(draft, content, { mode: 0o644 });
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        if (await linked(draft, file)) return new DataDirLock(file, content);
        const text = await fs.readFile(file, 'utf8').catch(() => null);
        if (text === null) continue; // released meanwhile
        const holder = parse(text);
        if (holder && (await holderAlive(holder))) throw new DataDirLockedError(file, holder.pid);
        // Stale: remove it only if it is still the file we judged (another starter may have taken over).
        if ((await fs.readFile(file, 'utf8').catch(() => null)) === text) await fs.rm(file, { force: true });
      }
    } finally {
      await fs.rm(draft, { force: true });
    }
    throw new Error(`could not take the lock ${file}: it keeps changing (several MoxNAS servers starting at once?)`);
  }

  /** Removes the lock if it is still ours. */
  async release(): Promise<void> {
    if ((await fs.readFile(this.file, 'utf8').catch(() => null)) === this.content) await fs.rm(this.file, { force: true });
  }
}
