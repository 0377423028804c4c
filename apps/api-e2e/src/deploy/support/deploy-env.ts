import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';

/** The repository root (this file is apps/api-e2e/src/deploy/support/). */
export const REPO_ROOT = path.resolve(__dirname, '../../../../..');

// One skip-or-fail rule for every gated test (apps/api/test/support/host-gate.ts).
export { REQUIRE_HOST_TESTS, binaryPath as which, describeOnHost as describeWhen } from '../../../../api/test/support/host-gate';
export { freePort } from '../../../../api/test/support/free-port';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command without a shell; never rejects on a non-zero exit (callers assert on `code`). */
export function run(
  file: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; input?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      [...args],
      { env: options.env ?? process.env, cwd: options.cwd, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          // Spawn failure or timeout: there is no exit code to assert on.
          if (err.killed) reject(new Error(`${file} ${args.join(' ')} timed out after ${options.timeoutMs ?? 60_000} ms\n${stdout}\n${stderr}`));
          else if (err.code === 'ENOENT') reject(new Error(`${file} is not installed`));
          else resolve({ code: 1, stdout: String(stdout), stderr: `${String(stderr)}${err.message}` });
          return;
        }
        resolve({ code: err ? Number(err.code) : 0, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function exists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch {
    return false;
  }
}

/** A long-running child whose output is kept for the failure message. */
export interface Background {
  child: ChildProcess;
  output(): string;
  stop(timeoutMs?: number): Promise<void>;
}

export function background(file: string, args: readonly string[], env: NodeJS.ProcessEnv): Background {
  const child = spawn(file, [...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  child.stdout?.on('data', (d: Buffer) => chunks.push(d));
  child.stderr?.on('data', (d: Buffer) => chunks.push(d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => Buffer.concat(chunks).toString('utf8'),
    async stop(timeoutMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
