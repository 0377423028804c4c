import type { AlertChannel, ConfigDocument, ConfigImportResult } from '@moxnas/contracts';
import { ConfigBackupRegistry } from '../../src/modules/system/config-backup/config-backup.registry';
import { decryptConfig, encryptConfig } from '../../src/modules/system/config-backup/config-crypto';
import { startTestApp, type TestApp } from '../support/test-app';
import { z } from 'zod';

const ADMIN_PASSWORD = 'backup-test-Admin-pass-1';
const PASSPHRASE = 'a long passphrase for the backup';
const SECRET = 'webhook-secret-kept-in-the-backup';

interface ErrorBody {
  message: string;
  errors?: { field: string; message: string }[];
}

describe('configuration export and import', () => {
  let app: TestApp;
  let token: string;
  const api = <T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) => app.request<T>({ method, url, body, token });
  const channels = async () => (await api<AlertChannel[]>('GET', '/api/system/alert-channels')).body;

  beforeAll(async () => {
    app = await startTestApp({ env: { MOXNAS_ADMIN_PASSWORD: ADMIN_PASSWORD, MOXNAS_HOST_ACCOUNTS: 'off' } });
    const login = await app.request<{ accessToken: string }>({ method: 'POST', url: '/api/auth/login', body: { username: 'admin', password: ADMIN_PASSWORD } });
    token = login.body.accessToken;
    await api('POST', '/api/system/alert-channels', { type: 'webhook', name: 'ops hook', webhook: { url: 'http://127.0.0.1:9/hook', secret: SECRET } });
    await api('POST', '/api/system/alert-channels', {
      type: 'email',
      name: 'ops mail',
      minSeverity: 'critical',
      email: { host: 'smtp.example.com', from: 'nas@example.com', to: ['ops@example.com'], username: 'nas', password: 'smtp-password-1' },
    });
  });
  afterAll(() => app?.close());

  let doc: ConfigDocument;
  let original: AlertChannel[];

  it('exports every section encrypted with the passphrase', async () => {
    const res = await api<ConfigDocument>('POST', '/api/system/config/export', { passphrase: PASSPHRASE });
    expect(res.status).toBe(200);
    doc = res.body;
    expect(doc).toMatchObject({ format: 'moxnas-config', version: 1, encryption: { kdf: 'scrypt', cipher: 'aes-256-gcm' } });
    expect(doc.sections.map((s) => s.name)).toContain('alertChannels');
    expect(res.text).not.toContain(SECRET);
    expect(res.text).not.toContain('smtp-password-1');
    expect(res.text).not.toContain('ops hook');
    const clear = (await decryptConfig(doc, PASSPHRASE)) as { sections: Record<string, { data: unknown }> };
    expect(JSON.stringify(clear.sections['alertChannels'].data)).toContain(SECRET);
    original = await channels();
  });

  it('refuses bad requests field by field', async () => {
    const short = await api<ErrorBody>('POST', '/api/system/config/export', { passphrase: 'short' });
    expect(short.status).toBe(422);
    expect(short.body.errors).toEqual([{ field: 'passphrase', message: 'must be at least 12 characters' }]);
    const unknown = await api<ErrorBody>('POST', '/api/system/config/export', { passphrase: PASSPHRASE, sections: ['alertChannels', 'nope'] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors![0].field).toBe('sections.1');
  });

  it('shows what an import would change without changing anything', async () => {
    const [hook, mail] = original;
    expect((await api('DELETE', `/api/system/alert-channels/${mail.id}`)).status).toBe(204);
    await api('PUT', `/api/system/alert-channels/${hook.id}`, { type: 'webhook', name: 'renamed hook', minSeverity: 'info', webhook: { url: 'http://127.0.0.1:9/hook', secret: 'a-different-secret-value' } });
    await api('POST', '/api/system/alert-channels', { type: 'webhook', name: 'added later', webhook: { url: 'http://127.0.0.1:9/x', secret: SECRET } });
    const before = await channels();

    const res = await api<ConfigImportResult>('POST', '/api/system/config/import?dryRun=true', { document: doc, passphrase: PASSPHRASE });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dryRun: true, applied: false });
    const section = res.body.sections.find((s) => s.name === 'alertChannels')!;
    expect(section.status).toBe('changed');
    expect(section.changes).toEqual(
      expect.arrayContaining([
        { action: 'create', kind: 'alert channel', name: 'ops mail', fields: [] },
        { action: 'update', kind: 'alert channel', name: 'ops hook', fields: ['minSeverity', 'name', 'webhook.secret'] },
        { action: 'delete', kind: 'alert channel', name: 'added later', fields: [] },
      ]),
    );
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
    expect(await channels()).toEqual(before);
  });

  it('refuses a wrong passphrase or an invalid section and changes nothing', async () => {
    const before = await channels();
    const wrong = await api<ErrorBody>('POST', '/api/system/config/import', { document: doc, passphrase: 'not the right passphrase' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors![0].field).toBe('passphrase');

    // A file whose section does not validate (as a hand-edited or corrupted export would).
    const clear = (await decryptConfig(doc, PASSPHRASE)) as { sections: Record<string, { version: number; data: { id: string; channel: { webhook?: { url: string } } }[] }> };
    const broken = structuredClone(clear);
    const hookEntry = broken.sections['alertChannels'].data.find((c) => c.channel.webhook)!;
    hookEntry.channel.webhook!.url = 'gopher://example.com';
    broken.sections['shares.smb'] = { version: 1, data: [] };
    const header = { format: doc.format, version: doc.version, createdAt: doc.createdAt, appVersion: doc.appVersion, hostname: doc.hostname, sections: [...doc.sections, { name: 'shares.smb', version: 1 }] };
    const badDoc = await encryptConfig(header, broken, PASSPHRASE, { N: 16384, r: 8, p: 1 });
    const idx = broken.sections['alertChannels'].data.indexOf(hookEntry);
    const invalid = await api<ErrorBody>('POST', '/api/system/config/import', { document: badDoc, passphrase: PASSPHRASE });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors).toEqual([{ field: `document.sections.alertChannels.${idx}.channel.webhook.url`, message: 'must be an http:// or https:// URL' }]);
    expect(await channels()).toEqual(before);
  });

  it('imports: the channels and their secrets are back as exported; unknown sections are skipped', async () => {
    const registry = app.app.get(ConfigBackupRegistry);
    let afterImport = 0;
    registry.contribute({
      name: 'test.section',
      version: 1,
      order: 1,
      schema: z.array(z.string()),
      export: async () => ['x'],
      plan: async () => [],
      import: async () => undefined,
      afterImport: async () => {
        afterImport++;
      },
    });
    const res = await api<ConfigImportResult>('POST', '/api/system/config/import', { document: doc, passphrase: PASSPHRASE });
    expect(res.status).toBe(200);
    expect(res.body.applied).toBe(true);
    expect(res.body.sections.find((s) => s.name === 'alertChannels')!.status).toBe('changed');
    // `test.section` was not in the file: nothing to do for it.
    expect(res.body.sections.map((s) => s.name)).not.toContain('test.section');
    expect(afterImport).toBe(0);
    const after = await channels();
    expect(after.map(({ updatedAt: _u, createdAt: _c, ...c }) => c)).toEqual(original.map(({ updatedAt: _u, createdAt: _c, ...c }) => c));
    // The re-export carries the original secret again.
    const again = await api<ConfigDocument>('POST', '/api/system/config/export', { passphrase: PASSPHRASE, sections: ['alertChannels'] });
    const clear = (await decryptConfig(again.body, PASSPHRASE)) as { sections: Record<string, { data: unknown }> };
    expect(JSON.stringify(clear.sections['alertChannels'].data)).toContain(SECRET);
    expect(JSON.stringify(clear.sections['alertChannels'].data)).toContain('smtp-password-1');
    // Importing the same file again changes nothing.
    const same = await api<ConfigImportResult>('POST', '/api/system/config/import?dryRun=true', { document: doc, passphrase: PASSPHRASE });
    expect(same.body.sections.find((s) => s.name === 'alertChannels')).toMatchObject({ status: 'unchanged', changes: [] });
  });

  it('is for admins only', async () => {
    expect((await app.request({ method: 'POST', url: '/api/system/config/export', body: { passphrase: PASSPHRASE } })).status).toBe(401);
  });
});
