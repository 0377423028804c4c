import fs from 'node:fs/promises';
import path from 'node:path';
import type { ConfigDocument, ConfigImportResult, ErrorResponse, SmbShare, SmbShareMutation } from '@moxnas/contracts';
import { hostPaths } from '../../src/core/config/host-paths';
import { DatabaseService } from '../../src/core/database/database.service';
import { registerPool, startSharesApp, tempDir, type SharesApp } from './shares-kit';

/**
 * Issue 14 made new SMB share names stricter (no leading - or #, no parentheses: defect 11) and gave
 * recycle bins `perUser` (defect 2). What a box stored before must keep working: such a share is
 * still served, survives a config export and import, and only a rename needs a name the API takes.
 */
describe('shares stored before the stricter rules', () => {
  let app: SharesApp;
  let pool: string;
  let id: string;
  const legacy = 'Media (old)';

  beforeAll(async () => {
    app = await startSharesApp();
    pool = await tempDir();
    await registerPool(app, pool);
    await fs.mkdir(path.join(pool, 'media'));
    const res = await app.api<SmbShareMutation>('POST', '/api/shares/smb', { name: 'media', path: path.join(pool, 'media'), recycleBin: { repository: '.bin' } });
    if (res.status !== 201) throw new Error(`share: ${res.status} ${res.text}`);
    id = res.body.share.id;
    // The row as the previous release could store it: a name with parentheses, a bin without perUser.
    await app.app
      .get(DatabaseService)
      .dataSource.query(`UPDATE smb_shares SET name = $1, name_key = $2, recycle_bin = recycle_bin - 'perUser' WHERE id = $3`, [legacy, legacy.toLowerCase(), id]);
  });

  afterAll(async () => {
    await app?.close();
    if (pool) await fs.rm(pool, { recursive: true, force: true });
  });

  const smbConf = () => fs.readFile(hostPaths(app.config).smbConf, 'utf8');

  it('keeps serving it: an apply renders its section', async () => {
    const res = await app.api<SmbShareMutation>('PATCH', `/api/shares/smb/${id}`, { comment: 'still here' });
    expect(res.status).toBe(200);
    expect(await smbConf()).toContain(`[${legacy}]\n`);
  });

  it('takes a new name only when the API accepts it', async () => {
    const res = await app.api<ErrorResponse>('PATCH', `/api/shares/smb/${id}`, { name: '-o' });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ field: 'name', message: expect.stringMatching(/must not start with - or #/) }]);
  });

  it('exports and imports it again, the bin read as the migration reads it', async () => {
    const passphrase = 'stored-before passphrase';
    const exported = await app.api<ConfigDocument>('POST', '/api/system/config/export', { passphrase, sections: ['shares'] });
    expect(exported.status).toBe(200);
    expect((await app.api('DELETE', `/api/shares/smb/${id}`)).status).toBe(200);
    const res = await app.api<ConfigImportResult>('POST', '/api/system/config/import', { document: exported.body, passphrase });
    expect({ status: res.status, sections: res.body.sections?.map((s) => [s.name, s.status, s.message]) }).toEqual({ status: 200, sections: [['shares', 'changed', null]] });
    const back = await app.api<SmbShare>('GET', `/api/shares/smb/${id}`);
    expect(back.body).toMatchObject({ name: legacy, recycleBin: { repository: '.bin', perUser: true } });
    expect(await smbConf()).toContain(`[${legacy}]\n`);
  });
});
