import path from 'node:path';
import type { DirEntry, FileStat, HostFs, Ownership, RmOptions, StatFs } from '../fs/host-fs';

interface Node {
  type: 'file' | 'directory' | 'symlink';
  content: Buffer;
  /** Symlink target. */
  target: string;
  mode: number;
  uid: number;
  gid: number;
  ino: number;
  mtimeMs: number;
}

function errno(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

/**
 * An in-memory HostFs for unit tests: files, directories, symlinks, modes and owners, with the
 * same "changed" semantics as NodeHostFs.writeFileAtomic. Paths are absolute POSIX paths.
 */
export class FakeHostFs implements HostFs {
  private readonly nodes = new Map<string, Node>();
  private nextIno = 1;
  /** Every path writeFileAtomic actually wrote, in order. */
  readonly writes: string[] = [];
  statfsResult: StatFs = {
    type: 'ext4',
    blockSize: 4096,
    totalBytes: 100 * 2 ** 30,
    freeBytes: 60 * 2 ** 30,
    availableBytes: 55 * 2 ** 30,
    totalInodes: 1_000_000,
    freeInodes: 900_000,
  };

  constructor(private readonly now: () => number = () => 0) {
    this.nodes.set('/', this.node('directory', 0o755));
  }

  /** Seeds a file (and its parent directories). */
  seed(file: string, content: string | Buffer, ownership: Ownership = {}): this {
    this.mkdirSync(path.posix.dirname(this.norm(file)), {});
    const node = this.node('file', ownership.mode ?? 0o644, ownership);
    node.content = Buffer.from(content);
    this.nodes.set(this.norm(file), node);
    return this;
  }

  async readFile(file: string): Promise<string | null> {
    const node = this.nodes.get(this.resolve(file));
    if (!node) return null;
    if (node.type !== 'file') throw errno('EISDIR', file);
    return node.content.toString('utf8');
  }

  async writeFileAtomic(file: string, content: string | Buffer, options: Ownership = {}): Promise<boolean> {
    const target = this.resolve(file);
    const parent = this.nodes.get(path.posix.dirname(target));
    if (parent?.type !== 'directory') throw errno('ENOENT', path.posix.dirname(target));
    const data = Buffer.from(content);
    const existing = this.nodes.get(target);
    if (existing && existing.type !== 'file') throw errno('EISDIR', file);
    const mode = options.mode ?? existing?.mode ?? 0o644;
    const uid = options.uid ?? existing?.uid ?? 0;
    const gid = options.gid ?? existing?.gid ?? 0;
    if (existing && existing.content.equals(data) && existing.mode === mode && existing.uid === uid && existing.gid === gid) return false;
    const node = this.node('file', mode, { uid, gid });
    node.content = data;
    this.nodes.set(target, node);
    this.writes.push(target);
    return true;
  }

  async mkdir(dir: string, options: Ownership = {}): Promise<void> {
    this.mkdirSync(this.norm(dir), options);
  }

  async stat(p: string): Promise<FileStat | null> {
    const resolved = this.tryResolve(p);
    const node = resolved === null ? undefined : this.nodes.get(resolved);
    return node ? this.toStat(node) : null;
  }

  async lstat(p: string): Promise<FileStat | null> {
    const node = this.nodes.get(this.norm(p));
    return node ? this.toStat(node) : null;
  }

  async realpath(p: string): Promise<string> {
    const resolved = this.resolve(p);
    if (!this.nodes.has(resolved)) throw errno('ENOENT', p);
    return resolved;
  }

  async readdir(dir: string): Promise<DirEntry[]> {
    const d = this.resolve(dir);
    const node = this.nodes.get(d);
    if (!node) throw errno('ENOENT', dir);
    if (node.type !== 'directory') throw errno('ENOTDIR', dir);
    return [...this.nodes.entries()]
      .filter(([p]) => p !== d && path.posix.dirname(p) === d)
      .map(([p, n]) => ({ name: path.posix.basename(p), type: n.type }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async rm(p: string, options: RmOptions = {}): Promise<void> {
    const target = this.norm(p);
    const node = this.nodes.get(target);
    if (!node) {
      if (options.force) return;
      throw errno('ENOENT', p);
    }
    const children = [...this.nodes.keys()].filter((k) => k.startsWith(`${target}/`));
    if (node.type === 'directory' && !options.recursive) throw errno('EISDIR', p);
    for (const child of children) this.nodes.delete(child);
    this.nodes.delete(target);
  }

  async rename(from: string, to: string): Promise<void> {
    const src = this.norm(from);
    const dst = this.norm(to);
    const node = this.nodes.get(src);
    if (!node) throw errno('ENOENT', from);
    for (const [k, n] of [...this.nodes.entries()]) {
      if (k === src || k.startsWith(`${src}/`)) {
        this.nodes.delete(k);
        this.nodes.set(dst + k.slice(src.length), n);
      }
    }
  }

  async chmod(p: string, mode: number): Promise<void> {
    this.must(p).mode = mode & 0o7777;
  }

  async chown(p: string, uid: number, gid: number): Promise<void> {
    const node = this.must(p);
    if (uid !== -1) node.uid = uid;
    if (gid !== -1) node.gid = gid;
  }

  async link(existing: string, newPath: string): Promise<void> {
    const node = this.must(existing);
    if (this.nodes.has(this.norm(newPath))) throw errno('EEXIST', newPath);
    this.nodes.set(this.norm(newPath), node);
  }

  async symlink(target: string, p: string): Promise<void> {
    if (this.nodes.has(this.norm(p))) throw errno('EEXIST', p);
    const node = this.node('symlink', 0o777);
    node.target = target;
    this.nodes.set(this.norm(p), node);
  }

  async statfs(p: string): Promise<StatFs> {
    this.must(p);
    return { ...this.statfsResult };
  }

  async exists(p: string): Promise<boolean> {
    const resolved = this.tryResolve(p);
    return resolved !== null && this.nodes.has(resolved);
  }

  private node(type: Node['type'], mode: number, ownership: Ownership = {}): Node {
    return { type, content: Buffer.alloc(0), target: '', mode, uid: ownership.uid ?? 0, gid: ownership.gid ?? 0, ino: this.nextIno++, mtimeMs: this.now() };
  }

  private mkdirSync(dir: string, options: Ownership): void {
    const parts = dir.split('/').filter(Boolean);
    let current = '';
    for (const part of parts) {
      current += `/${part}`;
      const node = this.nodes.get(current);
      if (node && node.type !== 'directory') throw errno('EEXIST', current);
      if (!node) this.nodes.set(current, this.node('directory', 0o755));
    }
    const leaf = this.nodes.get(dir);
    if (leaf) {
      if (options.mode !== undefined) leaf.mode = options.mode;
      if (options.uid !== undefined) leaf.uid = options.uid;
      if (options.gid !== undefined) leaf.gid = options.gid;
    }
  }

  private must(p: string): Node {
    const node = this.nodes.get(this.resolve(p));
    if (!node) throw errno('ENOENT', p);
    return node;
  }

  private norm(p: string): string {
    if (!path.posix.isAbsolute(p)) throw new Error(`FakeHostFs needs absolute paths, got ${p}`);
    return path.posix.normalize(p).replace(/(.)\/$/, '$1');
  }

  /** Follows symlinks in every component (at most 40, like the kernel). */
  private resolve(p: string): string {
    const resolved = this.tryResolve(p);
    if (resolved === null) throw errno('ELOOP', p);
    return resolved;
  }

  private tryResolve(p: string): string | null {
    let current = this.norm(p);
    for (let hops = 0; hops < 40; hops++) {
      const parts = current.split('/').filter(Boolean);
      let prefix = '';
      let changed = false;
      for (let i = 0; i < parts.length; i++) {
        const next = `${prefix}/${parts[i]}`;
        const node = this.nodes.get(next);
        if (node?.type === 'symlink') {
          const base = path.posix.isAbsolute(node.target) ? node.target : path.posix.join(prefix || '/', node.target);
          current = this.norm(path.posix.join(base, ...parts.slice(i + 1)));
          changed = true;
          break;
        }
        prefix = next;
      }
      if (!changed) return current;
    }
    return null;
  }

  private toStat(node: Node): FileStat {
    return {
      type: node.type,
      size: node.content.length,
      mode: node.mode,
      uid: node.uid,
      gid: node.gid,
      ino: node.ino,
      dev: 1,
      nlink: [...this.nodes.values()].filter((n) => n === node).length,
      mtimeMs: node.mtimeMs,
    };
  }
}
