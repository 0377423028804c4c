import { randomBytes } from 'node:crypto';
import { constants, promises as fsp, type BigIntStats } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { NodeHostFs } from '../fs/node-host-fs';
import type { FileType } from '../fs/host-fs';
import type { ExactStat, LineWriter, StorageFs } from './storage-fs';

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function typeOf(s: BigIntStats): FileType {
  if (s.isFile()) return 'file';
  if (s.isDirectory()) return 'directory';
  if (s.isSymbolicLink()) return 'symlink';
  return 'other';
}

const CHUNK = 1024 * 1024;

/** The real StorageFs: NodeHostFs plus the calls snapshots, restores and usage walks need. */
export class NodeStorageFs extends NodeHostFs implements StorageFs {
  async lstatExact(p: string): Promise<ExactStat | null> {
    let s: BigIntStats;
    try {
      s = await fsp.lstat(p, { bigint: true });
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
    return {
      type: typeOf(s),
      size: Number(s.size),
      mode: Number(s.mode & 0o7777n),
      uid: Number(s.uid),
      gid: Number(s.gid),
      ino: Number(s.ino),
      dev: Number(s.dev),
      nlink: Number(s.nlink),
      // From the nanosecond fields: bigint stats truncate the *Ms fields to whole milliseconds.
      mtimeMs: Number(s.mtimeNs) / 1e6,
      mtimeNs: s.mtimeNs,
      atimeMs: Number(s.atimeNs) / 1e6,
      blocks: Number(s.blocks),
    };
  }

  lchown(p: string, uid: number, gid: number): Promise<void> {
    return fsp.lchown(p, uid, gid);
  }

  lutimes(p: string, atimeMs: number, mtimeMs: number): Promise<void> {
    return fsp.lutimes(p, atimeMs / 1000, mtimeMs / 1000);
  }

  readlink(p: string): Promise<string> {
    return fsp.readlink(p);
  }

  async copyFileData(source: string, target: string, signal?: AbortSignal): Promise<number> {
    // O_NOFOLLOW on the source too: a file swapped for a symlink mid-walk must not pull in data
    // from outside the dataset.
    const input = await fsp.open(source, constants.O_RDONLY | constants.O_NOFOLLOW);
    let output: fsp.FileHandle | undefined;
    try {
      output = await fsp.open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      const buffer = Buffer.allocUnsafe(CHUNK);
      let total = 0;
      for (;;) {
        if (signal?.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
        const { bytesRead } = await input.read(buffer, 0, CHUNK, null);
        if (bytesRead === 0) break;
        let written = 0;
        while (written < bytesRead) {
          const { bytesWritten } = await output.write(buffer, written, bytesRead - written);
          written += bytesWritten;
        }
        total += bytesRead;
      }
      return total;
    } finally {
      await input.close();
      await output?.close();
    }
  }

  async mkdirExclusive(p: string, mode: number): Promise<void> {
    await fsp.mkdir(p, { mode });
    // mkdir's mode is narrowed by the umask; set it exactly.
    await fsp.chmod(p, mode);
  }

  async createLineWriter(file: string, mode = 0o600): Promise<LineWriter> {
    const temp = path.join(path.dirname(file), `.${path.basename(file).slice(0, 180)}.moxnas-tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
    const handle = await fsp.open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
    let pending: string[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (!pending.length) return;
      const data = pending.join('');
      pending = [];
      pendingBytes = 0;
      await handle.write(data);
    };
    let closed = false;
    return {
      write: async (line: string) => {
        pending.push(`${line}\n`);
        pendingBytes += line.length + 1;
        if (pendingBytes >= 256 * 1024) await flush();
      },
      commit: async () => {
        await flush();
        await handle.sync();
        await handle.close();
        closed = true;
        await fsp.chmod(temp, mode);
        await fsp.rename(temp, file);
      },
      abort: async () => {
        if (!closed) await handle.close().catch(() => undefined);
        closed = true;
        await fsp.rm(temp, { force: true });
      },
    };
  }

  async *readLines(file: string): AsyncIterable<string> {
    let stream;
    try {
      const handle = await fsp.open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
      stream = handle.createReadStream({ encoding: 'utf8' });
    } catch (err) {
      if (isMissing(err)) return;
      throw err;
    }
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    try {
      for await (const line of lines) yield line;
    } finally {
      lines.close();
      stream.destroy();
    }
  }
}
