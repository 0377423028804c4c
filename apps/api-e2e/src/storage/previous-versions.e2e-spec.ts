import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { ApplyResult, Dataset, Pool, ResponseOf, ServiceStatus, SmbShareMutation, snapshotsApi } from '@moxnas/contracts';
import { startStorageApp, uniqueName, type StorageApp } from '../../../api/test/storage/storage-kit';
import { binaryPath, describeHost, exec, freePort, tempDir, waitFor } from '../host/support/host-test-env';

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * Windows "Previous Versions" end to end, all through the API: a copy snapshot of a dataset, SMB
 * shares with previous versions on (the shares module renders shadow_copy2 with the storage
 * module's layout), the app's own smbd, and smbclient seeing the @GMT version and reading the old
 * content from it.
 */
describeHost('SMB Previous Versions of copy snapshots', { root: true, binaries: ['smbd', 'smbclient'] }, () => {
  let app: StorageApp;
  let root: string;
  let ds: Dataset;
  let port: number;
  const smbclient = (share: string, command: string) => exec(binaryPath('smbclient') as string, [`//127.0.0.1/${share}`, '-p', String(port), '-N', '-c', command]);

  beforeAll(async () => {
    app = await startStorageApp();
    root = await tempDir('prevver');
    // The guest account must be able to walk down to the share.
    await fs.chmod(root, 0o755);
    await fs.mkdir(path.join(root, 'pool'), { mode: 0o755 });
    const pool = (await app.api<Pool>('POST', '/api/storage/pools', { name: uniqueName(), path: path.join(root, 'pool') })).body;
    ds = (await app.api<Dataset>('POST', '/api/storage/datasets', { poolId: pool.id, name: 'office', mode: '0755' })).body;
    await fs.writeFile(path.join(ds.path, 'report.txt'), 'version one\n', { mode: 0o644 });
    await fs.mkdir(path.join(ds.path, 'team'), { mode: 0o755 });
    await fs.writeFile(path.join(ds.path, 'team/notes.txt'), 'old notes\n', { mode: 0o644 });

    app.setNow(new Date('2024-06-01T08:00:00Z'));
    const snap = await app.api<ResponseOf<typeof snapshotsApi.create>>('POST', '/api/storage/snapshots', { datasetId: ds.id });
    expect((await app.job(snap.body.job.id)).state).toBe('succeeded');
    await fs.writeFile(path.join(ds.path, 'report.txt'), 'version two, rewritten\n');
    await fs.writeFile(path.join(ds.path, 'team/notes.txt'), 'new notes\n');

    // What the shares module renders: the dataset's previousVersions options, for a share on the
    // dataset root and for one on a directory below it alike.
    const options = (await app.api<Dataset>('GET', `/api/storage/datasets/${ds.id}`)).body.previousVersions;
    expect(options).toEqual({ mountpoint: ds.path, snapdir: '.snapshots', format: '@GMT-%Y.%m.%d-%H.%M.%S' });

    // The admin's path: SMB on a free loopback port, two shares with Previous Versions through the
    // shares API, and the app's own smbd serving them.
    port = await freePort();
    const settings = await app.api<{ apply: ApplyResult }>('PUT', '/api/services/smb/settings', { port, interfaces: ['127.0.0.1'] });
    expect(settings.status).toBe(200);
    for (const [name, sharePath] of [
      ['office', ds.path],
      ['team', path.join(ds.path, 'team')],
    ] as const) {
      const share = await app.api<SmbShareMutation>('POST', '/api/shares/smb', { name, path: sharePath, guestOk: true, readOnly: true, previousVersions: true });
      expect({ name, status: share.status, text: share.status === 201 ? '' : share.text }).toEqual({ name, status: 201, text: '' });
      expect(share.body.share.previousVersions).toBe(true);
    }
    const started = await app.api<ServiceStatus>('POST', '/api/services/smb/start');
    expect({ status: started.status, state: started.body.state }).toEqual({ status: 200, state: 'running' });
    await waitFor(() => listening(port), `smbd on port ${port}`);
  }, 120_000);

  afterAll(async () => {
    // Closing the app stops the smbd it supervises.
    await app?.close();
    await fs.rm(root, { recursive: true, force: true });
  });

  it('lists the snapshot as a previous version of a changed file and serves its old content', async () => {
    const info = await smbclient('office', 'allinfo report.txt');
    expect(info.code).toBe(0);
    expect(info.stdout).toContain('@GMT-2024.06.01-08.00.00');
    const out = path.join(root, 'old-report.txt');
    const get = await smbclient('office', `get "@GMT-2024.06.01-08.00.00\\report.txt" "${out}"`);
    expect(get.code).toBe(0);
    expect(await fs.readFile(out, 'utf8')).toBe('version one\n');
    const now = path.join(root, 'current-report.txt');
    await smbclient('office', `get report.txt "${now}"`);
    expect(await fs.readFile(now, 'utf8')).toBe('version two, rewritten\n');
  });

  it('serves previous versions on a share below the dataset root too, and hides the snapshot directory', async () => {
    const info = await smbclient('team', 'allinfo notes.txt');
    expect(info.stdout).toContain('@GMT-2024.06.01-08.00.00');
    const out = path.join(root, 'old-notes.txt');
    expect((await smbclient('team', `get "@GMT-2024.06.01-08.00.00\\notes.txt" "${out}"`)).code).toBe(0);
    expect(await fs.readFile(out, 'utf8')).toBe('old notes\n');
    const ls = await smbclient('office', 'ls');
    expect(ls.stdout).toMatch(/\.snapshots\s+DH/);
  });
});
