import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

// One skip-or-fail rule for every gated test (apps/api/test/support/host-gate.ts).
export { REQUIRE_HOST_TESTS, binaryPath, missingOnHost as missingRequirements, describeOnHost as describeHost } from '../../../../api/test/support/host-gate';
export { freePort } from '../../../../api/test/support/free-port';
export type { HostNeeds as HostRequirements } from '../../../../api/test/support/host-gate';

export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `moxnas-${prefix}-`));
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a client tool (smbclient, curl) the way an admin would; tests only. */
export function exec(file: string, args: readonly string[], timeoutMs = 20_000): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile(file, [...args], { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export async function waitFor<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The first line a server sends after connect (FTP's 220 greeting). */
export function readGreeting(port: number, host = '127.0.0.1', timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ host, port });
    let data = '';
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new Error(`no greeting from ${host}:${port} within ${timeoutMs} ms`));
    });
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('utf8');
      if (data.includes('\n')) {
        socket.end();
        resolve(data.split('\n')[0].trim());
      }
    });
    socket.on('error', reject);
  });
}

/** Pids of live processes whose command line contains the needle (a temp-dir path unique to a test). */
export async function processesMentioning(needle: string): Promise<number[]> {
  const { readdir, readFile } = await import('node:fs/promises');
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0').join(' ');
      if (cmdline.includes(needle)) pids.push(Number(entry));
    } catch {
      /* exited meanwhile */
    }
  }
  return pids;
}

/** SIGKILLs every live process whose command line contains the needle (a test's own daemons). */
export async function killProcessesMentioning(needle: string): Promise<void> {
  for (const pid of await processesMentioning(needle)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}
