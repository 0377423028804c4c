import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { binaryPath, type ExecResult } from '../../host/support/host-test-env';

/**
 * Real clients for the shares e2e test: smbclient, curl (FTP) and exportfs inside a private mount
 * namespace. Passwords go over the environment (smbclient's PASSWD) or stdin (curl -K -), never
 * argv, so they do not show in `ps`.
 */

export interface RunOptions {
  env?: Record<string, string>;
  stdin?: string;
  timeoutMs?: number;
}

/** Runs a binary without a shell; resolves with its exit code and output, never rejects. */
export function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<ExecResult> {
  return new Promise((resolve) => {
    const bin = binaryPath(file) ?? file;
    const child = spawn(bin, [...args], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C.UTF-8', ...(options.env ?? {}) }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: 127, stdout, stderr: `${stderr}${e.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.end(options.stdin ?? '');
  });
}

export interface Credentials {
  user: string;
  password: string;
}

export class SmbClient {
  constructor(private readonly port: number) {}

  /** One smbclient session; `who` null = anonymous (-N), which Samba maps to the guest account. */
  run(share: string, who: Credentials | null, command: string): Promise<ExecResult> {
    const auth = who ? ['-U', who.user] : ['-N'];
    return run('smbclient', [`//127.0.0.1/${share}`, '-p', String(this.port), '-m', 'SMB3', ...auth, '-c', command], who ? { env: { PASSWD: who.password } } : {});
  }

  /** 'OK', or the NT_STATUS smbclient reported (the first one), or the exit code. */
  async status(share: string, who: Credentials | null, command = 'ls'): Promise<string> {
    const r = await this.run(share, who, command);
    const nt = /NT_STATUS_[A-Z_]+/.exec(`${r.stdout}\n${r.stderr}`)?.[0];
    if (r.code === 0 && !nt) return 'OK';
    return nt ?? `exit ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`;
  }
}

export class FtpClient {
  constructor(private readonly port: number) {}

  private curl(who: Credentials, args: string[]): Promise<ExecResult> {
    // -K - reads the credentials from stdin; --ftp-pasv is curl's default but stated for clarity.
    // -v: the server's replies land in stderr, so a failure says what vsftpd answered.
    return run('curl', ['-sS', '-v', '--max-time', '20', '--ftp-pasv', '-K', '-', ...args], { stdin: `user = "${who.user}:${who.password}"\n` });
  }

  private url(remote: string): string {
    return `ftp://127.0.0.1:${this.port}/${remote.replace(/^\//, '')}`;
  }

  upload(who: Credentials, local: string, remote: string): Promise<ExecResult> {
    return this.curl(who, ['-T', local, this.url(remote)]);
  }

  download(who: Credentials, remote: string, local: string): Promise<ExecResult> {
    return this.curl(who, ['-o', local, this.url(remote)]);
  }

  /** Names in a directory (NLST). */
  async list(who: Credentials, dir = ''): Promise<ExecResult & { names: string[] }> {
    const r = await this.curl(who, ['--list-only', this.url(dir.endsWith('/') || dir === '' ? dir : `${dir}/`)]);
    return { ...r, names: r.stdout.split(/\r?\n/).filter(Boolean).sort() };
  }

  /** Sends raw commands after login (curl -Q), then lists the current directory. */
  quote(who: Credentials, commands: string[]): Promise<ExecResult> {
    return this.curl(who, [...commands.flatMap((c) => ['-Q', c]), '--list-only', this.url('')]);
  }
}

/**
 * 'OK', or the FTP reply code curl complains about (such as 530 or 550) followed by curl's message,
 * so a failed expectation shows why: match failures with /^550\b/.
 */
export function ftpOutcome(r: ExecResult): string {
  if (r.code === 0) return 'OK';
  const lines = r.stderr.split('\n');
  const replies = lines.filter((l) => /^< [45]\d\d/.test(l)).map((l) => l.slice(2).trim());
  const curlSays = lines.filter((l) => l.startsWith('curl: ')).join(' ');
  const code = /^([45]\d\d)/.exec(replies[replies.length - 1] ?? '')?.[1] ?? /\b([45]\d\d)\b/.exec(curlSays)?.[1] ?? 'curl';
  return `${code} (curl exit ${r.code}): ${[...replies, curlSays].join(' | ')}`;
}

export interface ExportfsCheck {
  /** exit code and stderr of `exportfs -ra` on the file. */
  reexport: ExecResult;
  /** `exportfs -v` after it. */
  verbose: string;
  /** Options per path and client, parsed from `exportfs -v`. */
  exports: Map<string, Map<string, string[]>>;
}

/**
 * Bind-mounts `file` over /etc/exports (and scratch dirs over /etc/exports.d and /var/lib/nfs)
 * inside `unshare -m --propagation private`, so the host never sees the mounts, then runs
 * `exportfs -ra` and `exportfs -v`. The script is fixed; the paths arrive as arguments.
 */
export async function checkExportsInNamespace(file: string, scratch: string): Promise<ExportfsCheck> {
  const dir = await fs.mkdtemp(path.join(scratch, 'nsexp-'));
  const state = path.join(dir, 'state');
  const empty = path.join(dir, 'exports.d');
  await fs.mkdir(state);
  await fs.mkdir(empty);
  const script = [
    'set -e',
    'mount --bind "$1" /etc/exports',
    'if [ -d /etc/exports.d ]; then mount --bind "$2" /etc/exports.d; fi',
    'mount --bind "$3" /var/lib/nfs',
    'set +e',
    'exportfs -ra 2>"$4/ra.stderr"',
    'echo $? >"$4/ra.code"',
    'exportfs -v >"$4/v.stdout" 2>"$4/v.stderr"',
  ].join('\n');
  const r = await run('unshare', ['-m', '--propagation', 'private', '--', binaryPath('bash') ?? '/bin/bash', '-c', script, 'nscheck', file, empty, state, dir]);
  if (r.code !== 0) throw new Error(`the namespace check could not run: ${r.code} ${r.stderr}`);
  const code = Number((await fs.readFile(path.join(dir, 'ra.code'), 'utf8')).trim());
  const stderr = await fs.readFile(path.join(dir, 'ra.stderr'), 'utf8');
  const verbose = await fs.readFile(path.join(dir, 'v.stdout'), 'utf8');
  await fs.rm(dir, { recursive: true, force: true });
  return { reexport: { code, stdout: '', stderr }, verbose, exports: parseExportfsVerbose(verbose) };
}

/**
 * `exportfs -v` prints `path<TAB>client(opts)`, with the client on the next line when the path is
 * long; one client per line.
 */
export function parseExportfsVerbose(text: string): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const token of text.split(/\s+/).filter(Boolean)) {
    const m = /^(.*)\(([^)]*)\)$/.exec(token);
    if (m && current) current.set(m[1], m[2].split(','));
    else if (token.startsWith('/')) {
      current = out.get(token) ?? new Map<string, string[]>();
      out.set(token, current);
    }
  }
  return out;
}
