import fs from 'node:fs/promises';
import path from 'node:path';
import type { ConfigDocument, ConfigImportResult, Pool, ShareImportReport, SmbShare } from '@moxnas/contracts';
import { APP_CONFIG, type AppConfig } from '../../src/core/config/config';
import { OriginalConfigs } from '../../src/modules/shares/original-configs';
import { registerPool, shareRows, snapshotFiles, startSharesApp, uniqueName, type SharesApp } from './shares-kit';

type Page<T> = { items: T[]; total: number };

describe('shares import and the shares section of the config export', () => {
  let app: SharesApp;
  let pool: Pool;

  beforeAll(async () => {
    app = await startSharesApp();
    pool = await registerPool(app);
  });
  afterAll(() => app?.close());

  const smbConf = (names: string[], extra = '') =>
    [
      '[global]',
      '  workgroup = HOME',
      ...names.flatMap((n) => [`[${n}]`, `  path = ${path.join(pool.path, n)}`, '  read only = no', '  comment = imported']),
      extra,
    ].join('\n');

  it('proposes shares from an uploaded smb.conf on a dry run, with errors for those that cannot be created, and changes nothing', async () => {
    const names = [uniqueName('imp'), uniqueName('imp')];
    for (const n of names) await fs.mkdir(path.join(pool.path, n));
    const body = { source: 'upload', smbConf: smbConf(names, `[broken]\n  path = /etc\n`) };
    const before = { files: await snapshotFiles(app.config.etcRoot), rows: await shareRows(app) };
    const res = await app.api<ShareImportReport>('POST', '/api/shares/import?dryRun=true', body);
    expect(res.status).toBe(200);
    expect(res.body.dryRun).toBe(true);
    expect(res.body.smb.map((p) => [p.share.name, p.errors.length])).toEqual([[names[0], 0], [names[1], 0], ['broken', 1]]);
    expect(res.body.smb[2].errors[0].field).toBe('path');
    expect(res.body.created).toEqual({ smb: 0, nfs: 0, ftp: 0 });
    expect(res.body.apply).toHaveLength(1);
    expect(res.body.apply[0].diffs[0].diff).toContain(`+[${names[0]}]`);
    expect({ files: await snapshotFiles(app.config.etcRoot), rows: await shareRows(app) }).toEqual(before);

    const real = await app.api<ShareImportReport>('POST', '/api/shares/import', body);
    expect(real.status).toBe(200);
    expect(real.body.created).toEqual({ smb: 2, nfs: 0, ftp: 0 });
    const list = await app.api<Page<SmbShare>>('GET', `/api/shares/smb?search=imp`);
    expect(list.body.items.map((s) => s.name).sort()).toEqual([...names].sort());
    // Importing again proposes the same shares, now refused as existing.
    const again = await app.api<ShareImportReport>('POST', '/api/shares/import?dryRun=true', body);
    expect(again.body.smb[0].errors).toEqual([{ field: 'name', message: expect.stringContaining('exists') }]);
  });

  it('creates an anonymous FTP share from an old vsftpd.conf only when this request confirms it', async () => {
    const pub = path.join(pool.path, uniqueName('pub'));
    await fs.mkdir(pub);
    const body = { source: 'upload', vsftpdConf: `anonymous_enable=YES\nanon_root=${pub}\n` };
    const unconfirmed = await app.api<ShareImportReport>('POST', '/api/shares/import', body);
    expect(unconfirmed.status).toBe(200);
    expect(unconfirmed.body.ftp.map((p) => [p.share.anonymous, p.errors.map((e) => e.field)])).toEqual([[true, ['confirmAnonymous']]]);
    expect(unconfirmed.body.created.ftp).toBe(0);
    const confirmed = await app.api<ShareImportReport>('POST', '/api/shares/import', { ...body, confirmAnonymous: true });
    expect(confirmed.body.ftp[0].errors).toEqual([]);
    expect(confirmed.body.created.ftp).toBe(1);
  });

  it('reads the host’s files kept at first start, before MoxNAS overwrote them', async () => {
    const originals = app.app.get(OriginalConfigs);
    expect(originals.dir).toBe(path.join(app.app.get<AppConfig>(APP_CONFIG).dataDir, 'imported-originals'));
    // At this app's first start the etc root had no smb.conf; the marker says the look was taken.
    await expect(fs.stat(path.join(originals.dir, '.taken'))).resolves.toBeTruthy();
    const name = uniqueName('orig');
    await fs.mkdir(path.join(pool.path, name));
    await fs.writeFile(path.join(originals.dir, 'smb.conf'), smbConf([name]));
    const res = await app.api<ShareImportReport>('POST', '/api/shares/import?dryRun=true', { source: 'host' });
    expect(res.status).toBe(200);
    expect(res.body.smb.map((p) => p.share.name)).toEqual([name]);
    await fs.rm(path.join(originals.dir, 'smb.conf'));
  });

  it('keeps a pristine copy only of files MoxNAS did not write, once', async () => {
    const originals = app.app.get(OriginalConfigs);
    await fs.rm(originals.dir, { recursive: true });
    await originals.keepOriginals();
    // The live smb.conf is MoxNAS's own by now: not an original.
    await expect(fs.stat(path.join(originals.dir, 'smb.conf'))).rejects.toThrow();
    await expect(fs.stat(path.join(originals.dir, '.taken'))).resolves.toBeTruthy();
  });

  it('exports the shares and imports them back, re-applying the files', async () => {
    const name = uniqueName('bk');
    await fs.mkdir(path.join(pool.path, name));
    const created = await app.api<{ share: SmbShare }>('POST', '/api/shares/smb', { name, path: path.join(pool.path, name) });
    expect(created.status).toBe(201);
    const passphrase = 'shares backup passphrase';
    const exported = await app.api<ConfigDocument>('POST', '/api/system/config/export', { passphrase, sections: ['shares'] });
    expect(exported.status).toBe(200);
    await app.api('DELETE', `/api/shares/smb/${created.body.share.id}`);
    const plan = await app.api<ConfigImportResult>('POST', '/api/system/config/import?dryRun=true', { document: exported.body, passphrase });
    expect(plan.status).toBe(200);
    const section = plan.body.sections.find((s) => s.name === 'shares')!;
    expect(section.changes).toEqual(expect.arrayContaining([{ action: 'create', kind: 'SMB share', name, fields: [] }]));
    const res = await app.api<ConfigImportResult>('POST', '/api/system/config/import', { document: exported.body, passphrase });
    expect(res.status).toBe(200);
    expect((await app.api<SmbShare>('GET', `/api/shares/smb/${created.body.share.id}`)).body.name).toBe(name);
    expect(await fs.readFile(path.join(app.config.etcRoot, 'etc/samba/smb.conf'), 'utf8')).toContain(`[${name}]`);
  });
});
