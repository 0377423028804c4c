import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { waitFor } from '../../../../api/test/support/tcp-proxy';
import { freePort } from '../../../../api/test/support/free-port';

export { freePort };

function postgresBin(): string | null {
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return null;
  const versions = fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, 'bin/pg_ctl'))).sort((a, b) => Number(a) - Number(b));
  return versions.length ? path.join(base, versions[versions.length - 1], 'bin') : null;
}

export const canRunScratchPostgres = (): boolean => process.getuid?.() === 0 && postgresBin() !== null && fs.existsSync('/usr/sbin/runuser');
export const canRunScratchRedis = (): boolean => fs.existsSync('/usr/bin/redis-server');

/**
 * A throwaway PostgreSQL cluster of our own (initdb + pg_ctl as the postgres user, trust on
 * loopback, a free port): the suite stops and starts it, never the machine's shared server.
 */
export class ScratchPostgres {
  dir = '';
  port = 0;
  private readonly bin = postgresBin()!;

  private asPostgres(cmd: string, args: string[]): void {
    execFileSync('/usr/sbin/runuser', ['-u', 'postgres', '--', path.join(this.bin, cmd), ...args], { stdio: 'pipe', timeout: 60_000 });
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async init(): Promise<void> {
    this.port = await freePort();
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'moxnas-pg-'));
    execFileSync('chown', ['postgres:postgres', this.dir]);
    this.asPostgres('initdb', ['-D', path.join(this.dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
    await this.start();
  }

  async start(): Promise<void> {
    this.asPostgres('pg_ctl', [
      '-D', path.join(this.dir, 'data'), '-l', path.join(this.dir, 'log'), '-w', '-t', '60',
      '-o', `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start',
    ]);
    await waitFor(() => this.ping(), (ok) => ok, 30_000, 200);
  }

  /** `pg_ctl stop -m immediate`: the server goes away at once, as in a crash. */
  stop(): void {
    this.asPostgres('pg_ctl', ['-D', path.join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
  }

  async ping(): Promise<boolean> {
    const c = new Client({ connectionString: this.url, connectionTimeoutMillis: 2000 });
    try {
      await c.connect();
      await c.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  async destroy(): Promise<void> {
    if (!this.dir) return;
    try {
      this.stop();
    } catch {
      /* already stopped */
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A throwaway redis-server of our own on a free port; kill() takes it away like a crash. */
export class ScratchRedis {
  port = 0;
  private child: ChildProcess | undefined;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (!this.port) this.port = await freePort();
    this.child = spawn('/usr/bin/redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitFor(
      () =>
        new Promise<boolean>((resolve) => {
          const s = net.connect(this.port, '127.0.0.1', () => {
            s.end();
            resolve(true);
          });
          s.on('error', () => resolve(false));
        }),
      (ok) => ok,
      15_000,
      100,
    );
  }

  kill(): void {
    this.child?.kill('SIGKILL');
    this.child = undefined;
  }
}
