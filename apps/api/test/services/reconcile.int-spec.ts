import fs from 'node:fs';
import { ApplyEngine } from '../../src/modules/services/apply/apply-engine';
import { ReconcileService } from '../../src/modules/services/reconcile.service';
import { ServicesService } from '../../src/modules/services/services.service';
import { startTestApp, type TestApp } from '../support/test-app';

/** Reconcile rebuilds the managed files from the database and is idempotent. */
describe('reconcile', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { MOXNAS_HOST_ACCOUNTS: 'off' } });
  });
  afterAll(() => app?.close());

  it('writes every managed file at start, rebuilds a deleted or edited one, and changes nothing when run again', async () => {
    const services = app.app.get(ServicesService);
    const engine = app.app.get(ApplyEngine);
    const reconcile = app.app.get(ReconcileService);
    const files = ['smb', 'nfs', 'ftp'].map((s) => services.mainFile(s as 'smb'));
    for (const f of files) expect(fs.existsSync(f)).toBe(true);
    const expected = (await engine.renderCurrent('smb')).files.get(files[0])!;
    expect(fs.readFileSync(files[0], 'utf8')).toBe(expected);

    fs.rmSync(files[0]);
    fs.appendFileSync(files[2], 'write_enable=YES\n');
    const first = await reconcile.reconcile({ startDaemons: false });
    expect(Object.values(first.services).every((r) => r.ok)).toBe(true);
    expect(fs.readFileSync(files[0], 'utf8')).toBe(expected);
    expect(fs.readFileSync(files[2], 'utf8')).toBe((await engine.renderCurrent('ftp')).files.get(files[2]));

    const revisionsBefore = (await services.listRevisions('smb')).length;
    const stat = fs.statSync(files[0]);
    await reconcile.reconcile({ startDaemons: false });
    expect((await services.listRevisions('smb')).length).toBe(revisionsBefore);
    expect(fs.statSync(files[0]).mtimeMs).toBe(stat.mtimeMs);
  });
});
