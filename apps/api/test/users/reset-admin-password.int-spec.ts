import type { AuditEntry } from '@moxnas/contracts';
import { command } from '../../../cli/src/commands/reset-admin-password';
import { CacheService } from '../../src/core/cache/cache.service';
import type { TestApp } from '../support/test-app';
import { testBackend } from '../support/test-db';
import { adminToken, ADMIN_PASSWORD, login, startUsersApp } from './users-kit';

/** Runs the CLI command in this process against the test app's database, data dir and Redis prefix. */
async function runCli(app: TestApp, args: string[]): Promise<{ code: number; stdout: string }> {
  const env: Record<string, string | undefined> = {
    MOXNAS_DATA_DIR: app.config.dataDir,
    MOXNAS_ETC_ROOT: app.config.etcRoot,
    MOXNAS_HOST_ACCOUNTS: 'off',
    MOXNAS_LOG_LEVEL: 'silent',
    MOXNAS_REDIS_PREFIX: app.config.redisPrefix,
    DATABASE_URL: app.config.database.kind === 'postgres' ? app.config.database.url : undefined,
    REDIS_URL: app.config.redisUrl,
  };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const lines: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    const code = await command.run(args);
    return { code, stdout: lines.join('') };
  } finally {
    write.mockRestore();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe(`moxnas reset-admin-password (${testBackend()} database)`, () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startUsersApp();
  });
  afterAll(() => app?.close());

  it('prints a new password that works at once, even for a locked-out admin, and ends the old sessions', async () => {
    const before = await adminToken(app);
    for (let i = 0; i < 5; i++) await login(app, 'admin', 'not the password', { ip: '203.0.113.9' });
    expect((await login(app, 'admin', ADMIN_PASSWORD)).res.status).toBe(423);

    const { code, stdout } = await runCli(app, []);
    expect(code).toBe(0);
    const password = /New password: (\S+)/.exec(stdout)?.[1] ?? '';
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);

    const fresh = await login(app, 'admin', password);
    expect(fresh.res.status).toBe(200);
    expect(fresh.res.body.user.mustChangePassword).toBe(true);
    expect((await login(app, 'admin', ADMIN_PASSWORD)).res.status).toBe(401);

    // With Redis the CLI's revocation reaches the app at once; with the in-process cache, once the
    // app's cached state (30 s) has expired, which is what dropping it here stands for.
    if (!app.config.redisUrl) await app.app.get(CacheService).del(`auth:user:${fresh.res.body.user.id}`);
    expect((await app.request({ url: '/api/auth/me', token: before })).status).toBe(401);

    // Recorded in the audit log as done on the box.
    const changed = await app.request({ method: 'POST', url: '/api/auth/password', token: fresh.accessToken, body: { currentPassword: password, newPassword: ADMIN_PASSWORD } });
    expect(changed.status).toBe(200);
    const token = await adminToken(app);
    const audit = await app.request<{ items: AuditEntry[] }>({ url: '/api/system/audit?action=cli.', token });
    expect(audit.body.items[0]).toMatchObject({ action: 'cli.resetAdminPassword', authMethod: 'cli', actor: 'root', target: 'user:admin' });
  });

  it('fails cleanly for an unknown user and refuses a bad name', async () => {
    const unknown = await runCli(app, ['--user', 'nosuchuser']);
    expect(unknown.code).toBe(1);
    await expect(runCli(app, ['--user', 'Bad Name'])).rejects.toThrow(/not a valid username/);
    await expect(runCli(app, ['--bogus'])).rejects.toThrow();
  });
});
