import fs from 'node:fs/promises';
import path from 'node:path';
import type { AlertChannel } from '@moxnas/contracts';
import { command as backup } from '../../../cli/src/commands/backup';
import { command as restore } from '../../../cli/src/commands/restore';
import type { CliCommand } from '../../../cli/src/command';
import { CacheService } from '../../src/core/cache/cache.service';
import { startTestApp, type TestApp } from '../support/test-app';
import { testBackend } from '../support/test-db';

const ADMIN_PASSWORD = 'cli-backup-Admin-pass-1';
const PASSPHRASE = 'the passphrase of the cli backup';

/** Runs a CLI command in this process against the test app's database, data dir and Redis prefix. */
async function runCli(app: TestApp, command: CliCommand, args: string[], extraEnv: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: Record<string, string | undefined> = {
    MOXNAS_DATA_DIR: app.config.dataDir,
    MOXNAS_ETC_ROOT: app.config.etcRoot,
    MOXNAS_HOST_ACCOUNTS: 'off',
    MOXNAS_LOG_LEVEL: 'silent',
    MOXNAS_REDIS_PREFIX: app.config.redisPrefix,
    DATABASE_URL: app.config.database.kind === 'postgres' ? app.config.database.url : undefined,
    REDIS_URL: app.config.redisUrl,
    MOXNAS_BACKUP_PASSPHRASE: PASSPHRASE,
    ...extraEnv,
  };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const out: string[] = [];
  const errs: string[] = [];
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    errs.push(String(chunk));
    return true;
  });
  try {
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    const code = await command.run(args);
    return { code, stdout: out.join(''), stderr: errs.join('') };
  } finally {
    o.mockRestore();
    e.mockRestore();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe(`moxnas backup and restore (${testBackend()} database)`, () => {
  let app: TestApp;
  let token: string;
  let file: string;
  const channels = async () => (await app.request<AlertChannel[]>({ url: '/api/system/alert-channels', token })).body.map((c) => ({ id: c.id, name: c.name, minSeverity: c.minSeverity }));

  beforeAll(async () => {
    app = await startTestApp({ env: { MOXNAS_ADMIN_PASSWORD: ADMIN_PASSWORD, MOXNAS_HOST_ACCOUNTS: 'off' } });
    token = (await app.request<{ accessToken: string }>({ method: 'POST', url: '/api/auth/login', body: { username: 'admin', password: ADMIN_PASSWORD } })).body.accessToken;
    await app.request({ method: 'POST', url: '/api/system/alert-channels', token, body: { type: 'webhook', name: 'cli hook', webhook: { url: 'http://127.0.0.1:9/hook', secret: 'cli-webhook-secret-1' } } });
    file = path.join(app.config.dataDir, 'backups', 'nas.moxnas-backup');
    await fs.mkdir(path.dirname(file), { recursive: true });
  });
  afterAll(() => app?.close());

  it('backup writes the encrypted export to a 0600 file with what a restore needs', async () => {
    const res = await runCli(app, backup, ['--output', file]);
    expect(res).toMatchObject({ code: 0 });
    expect(res.stdout).toMatch(/Wrote .* \(mode 0600\): .*users.*/);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    const text = await fs.readFile(file, 'utf8');
    const parsed = JSON.parse(text) as { format: string; schema: string; requires: { pools: unknown[] }; document: { format: string } };
    expect(parsed).toMatchObject({ format: 'moxnas-backup', version: 1, requires: { pools: [] }, document: { format: 'moxnas-config' } });
    expect(parsed.schema).toMatch(/\d{13}$/);
    expect(text).not.toContain('cli-webhook-secret-1');
    expect(text).not.toContain('$argon2');
    // An existing file is replaced only with --force.
    expect((await runCli(app, backup, ['--output', file])).code).toBe(1);
    expect((await runCli(app, backup, ['--output', file, '--force'])).code).toBe(0);
  });

  it('restore --dry-run prints the diff and changes nothing; restore applies it', async () => {
    const [hook] = await channels();
    expect((await app.request({ method: 'DELETE', url: `/api/system/alert-channels/${hook.id}`, token })).status).toBe(204);
    const changed = await app.request<{ accessToken: string }>({ method: 'POST', url: '/api/auth/password', token, body: { currentPassword: ADMIN_PASSWORD, newPassword: 'Changed-Passw0rd-xyz' } });
    expect(changed.status).toBe(200);
    token = changed.body.accessToken;
    const before = await channels();

    const dry = await runCli(app, restore, ['--input', file, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('nothing was changed');
    expect(dry.stdout).toContain('+ alert channel cli hook');
    expect(dry.stdout).toMatch(/~ user admin \[password\]/);
    expect(await channels()).toEqual(before);
    const me = await app.request<{ id: string }>({ url: '/api/auth/me', token });

    const applied = await runCli(app, restore, ['--input', file]);
    expect(applied.stdout).toContain('Restored');
    expect(applied.code).toBe(0);
    // The admin's password is the backup's again; log in anew. With Redis the CLI's change reaches the
    // app's auth cache at once; with the in-process cache after its 30 s, which dropping it stands for.
    if (!app.config.redisUrl) await app.app.get(CacheService).del(`auth:user:${me.body.id}`);
    const login = await app.request<{ accessToken: string }>({ method: 'POST', url: '/api/auth/login', body: { username: 'admin', password: ADMIN_PASSWORD }, headers: { 'x-forwarded-for': '198.51.100.77' } });
    expect(login.status).toBe(200);
    token = login.body.accessToken;
    expect((await channels()).map((c) => c.name)).toEqual(['cli hook']);
  });

  it('refuses a wrong passphrase, a foreign file and bad arguments, changing nothing', async () => {
    const before = await channels();
    const wrong = await runCli(app, restore, ['--input', file], { MOXNAS_BACKUP_PASSPHRASE: 'not the passphrase at all' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/passphrase: Wrong passphrase/);
    const other = path.join(path.dirname(file), 'other.json');
    await fs.writeFile(other, '{"hello":"world"}');
    const foreign = await runCli(app, restore, ['--input', other]);
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toMatch(/not a MoxNAS backup file/);
    await expect(runCli(app, backup, [])).rejects.toThrow(/--output FILE is required/);
    await expect(runCli(app, backup, ['--output', file], { MOXNAS_BACKUP_PASSPHRASE: undefined })).rejects.toThrow(/passphrase/);
    await expect(runCli(app, restore, ['--input', file, '--bogus'])).rejects.toThrow();
    expect(await channels()).toEqual(before);
  });
});
