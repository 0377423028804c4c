import path from 'node:path';
import type { HostFs } from '@moxnas/host';
import type { RenderedConfig } from './managed-config';

/** One owned file: what it is on disk now (null: missing) and what the render makes it (null: removed). */
export interface PlannedFile {
  path: string;
  before: string | null;
  after: string | null;
  mode: number;
}

/** A file the engine has touched, with what to put back. */
export interface WrittenFile {
  path: string;
  before: string | null;
}

/** What each owned file is now and would become: rendered files, and strays in owned directories (removed). */
export async function planFiles(fs: HostFs, rendered: RenderedConfig): Promise<PlannedFile[]> {
  const plan: PlannedFile[] = [];
  for (const [file, content] of rendered.files) {
    plan.push({ path: file, before: await fs.readFile(file), after: content, mode: 0o644 });
  }
  for (const dir of rendered.ownedDirs) {
    if (!(await fs.exists(dir))) continue;
    for (const entry of await fs.readdir(dir)) {
      const file = path.join(dir, entry.name);
      if (entry.type === 'file' && !rendered.files.has(file)) plan.push({ path: file, before: await fs.readFile(file), after: null, mode: 0o644 });
    }
  }
  return plan.sort((a, b) => a.path.localeCompare(b.path));
}

/** Writes the changed files, noting each in `written` before it is touched (so a failure midway restores it). */
export async function writeFiles(fs: HostFs, changed: readonly PlannedFile[], written: WrittenFile[]): Promise<void> {
  for (const c of changed) {
    written.push({ path: c.path, before: c.before });
    if (c.after === null) await fs.rm(c.path, { force: true });
    else {
      await fs.mkdir(path.dirname(c.path));
      await fs.writeFileAtomic(c.path, c.after, c.before === null ? { mode: c.mode } : undefined);
    }
  }
}

/** Puts back what `writeFiles` touched, newest first: the old content, or no file. */
export async function restoreFiles(fs: HostFs, written: readonly WrittenFile[]): Promise<void> {
  for (const w of [...written].reverse()) {
    if (w.before === null) await fs.rm(w.path, { force: true });
    else await fs.writeFileAtomic(w.path, w.before);
  }
}
