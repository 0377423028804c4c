import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CommandError, type CommandRunner, type RunOptions, type RunResult } from '@moxnas/host';

/** Verdict of a daemon's own checker on a candidate file. */
export interface ConfigCheckResult {
  ok: boolean;
  /** What the checker said that matters (errors and warnings), noise removed; empty when clean. */
  messages: string[];
  /** Which checker gave the verdict. */
  checker: 'testparm' | 'exportfs' | 'exports-parser' | 'vsftpd';
  /** Why a weaker checker was used, when it was (for example: not root, so no exportfs). */
  note?: string;
}

export interface CheckOptions {
  /** Where candidate files are written (default: the OS temp dir). A private subdirectory is used and removed. */
  tmpDir?: string;
  /** Per-command time limit (default 20 s). */
  timeoutMs?: number;
}

/**
 * Runs a checker whose non-zero exit is a verdict, not a failure: returns the result either way.
 * A missing binary, a refused command or a timeout still throw (we could not check).
 */
export async function runForVerdict(runner: CommandRunner, command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  try {
    return await runner.run(command, args, options);
  } catch (e) {
    if (e instanceof CommandError && e.kind === 'failed' && e.result) return e.result;
    throw e;
  }
}

/**
 * Gives `fn` a private directory (mode 0700, so no other local user can swap the candidate between
 * write and check) and removes it afterwards, whatever happens.
 */
export async function withScratchDir<T>(options: CheckOptions, fn: (dir: string) => Promise<T>): Promise<T> {
  const base = options.tmpDir ?? os.tmpdir();
  await fs.mkdir(base, { recursive: true });
  const dir = await fs.mkdtemp(path.join(base, 'moxnas-check-'));
  try {
    await fs.chmod(dir, 0o700);
    return await fn(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Writes a candidate file (mode 0600) into a scratch dir; returns its path. */
export async function writeCandidate(dir: string, name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, text, { mode: 0o600 });
  return file;
}

/** Non-empty, trimmed lines. */
export function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}
