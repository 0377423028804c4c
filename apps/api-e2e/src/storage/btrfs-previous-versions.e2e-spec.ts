import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { Dataset, Pool, ResponseOf, ServiceStatus, SmbShareMutation, snapshotsApi } from '@moxnas/contracts';
import { startStorageApp, uniqueName, type StorageApp } from '../../../api/test/storage/storage-kit';
import { binaryPath, describeHost, exec, freePort, waitFor } from '../host/support/host-test-env';
import { BTRFS_LOOP_NEEDS, makeBtrfsLoop, type BtrfsLoop } from './support/btrfs-loop';

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
 * Windows "Previous Versions" of btrfs snapshots: a dataset on a loop-mounted btrfs pool (a
 * subvolume), a read-only subvolume snapshot taken through the API, an SMB share with previous
 * versions on, the app's own smbd, and smbclient listing the @GMT version and reading the old content.
 */
describeHost('SMB Previous Versions of btrfs snapshots', { ...BTRFS_LOOP_NEEDS, binaries: [...(BTRFS_LOOP_NEEDS.binaries ?? []), 'smbd', 'smbclient'] }, () => {
  let app: StorageApp;
  let loop: BtrfsLoop;
  let ds: Dataset;
  let port: number;
  const smbclient = (share: string, command: string) => exec(binaryPath('smbclient') as string, [`//127.0.0.1/${share}`, '-p', String(port), '-N', '-c', command]);

  beforeAll(async () => {
    loop = await makeBtrfsLoop('btrfs-pv');
    app = await startStorageApp();
    const pool = await app.api<Pool>('POST', '/api/storage/pools', { name: uniqueName(), path: loop.mountPoint });
    expect({ status: pool.status, driver: pool.body.snapshotDriver }).toEqual({ status: 201, driver: 'btrfs' });
    ds = (await app.api<Dataset>('POST', '/api/storage/datasets', { poolId: pool.body.id, name: 'office', mode: '0755' })).body;
    expect(ds.backend).toBe('btrfs-subvolume');
    await fs.writeFile(path.join(ds.path, 'report.txt'), 'version one\n', { mode: 0o644 });
    await fs.mkdir(path.join(ds.path, 'team'), { mode: 0o755 });
    await fs.writeFile(path.join(ds.path, 'team/notes.txt'), 'old notes\n', { mode: 0o644 });

    app.setNow(new Date('2024-06-01T08:00:00Z'));
    const snap = await app.api<ResponseOf<typeof snapshotsApi.create>>('POST', '/api/storage/snapshots', { datasetId: ds.id });
    expect((await app.job(snap.body.job.id)).state).toBe('succeeded');
    await fs.writeFile(path.join(ds.path, 'report.txt'), 'version two, rewritten\n');
    await fs.writeFile(path.join(ds.path, 'team/notes.txt'), 'new notes\n');
    expect(ds.previousVersions).toEqual({ mountpoint: ds.path, snapdir: '.snapshots', format: '@GMT-%Y.%m.%d-%H.%M.%S' });

    port = await freePort();
    expect((await app.api('PUT', '/api/services/smb/settings', { port, interfaces: ['127.0.0.1'] })).status).toBe(200);
    for (const [name, sharePath] of [
      ['office', ds.path],
      ['team', path.join(ds.path, 'team')],
    ] as const) {
      const share = await app.api<SmbShareMutation>('POST', '/api/shares/smb', { name, path: sharePath, guestOk: true, readOnly: true, previousVersions: true });
      expect({ name, status: share.status, text: share.status === 201 ? '' : share.text }).toEqual({ name, status: 201, text: '' });
    }
    const started = await app.api<ServiceStatus>('POST', '/api/services/smb/start');
    expect({ status: started.status, state: started.body.state }).toEqual({ status: 200, state: 'running' });
    await waitFor(() => listening(port), `smbd on port ${port}`);
  }, 120_000);

  afterAll(async () => {
    // Closing the app stops its smbd, which would otherwise keep the file system busy.
    await app?.close();
    await loop?.remove();
  });

  it('lists the subvolume snapshot as a previous version and serves the old content', async () => {
    const info = await smbclient('office', 'allinfo report.txt');
    expect(info.code).toBe(0);
    expect(info.stdout).toContain('@GMT-2024.06.01-08.00.00');
    const out = path.join(loop.root, 'old-report.txt');
    expect((await smbclient('office', `get "@GMT-2024.06.01-08.00.00\\report.txt" "${out}"`)).code).toBe(0);
    expect(await fs.readFile(out, 'utf8')).toBe('version one\n');
    const ls = await smbclient('office', 'ls @GMT-2024.06.01-08.00.00\\*');
    expect(ls.code).toBe(0);
    expect(ls.stdout).toMatch(/report\.txt/);
  });

  it('serves previous versions on a share below the dataset root too', async () => {
    const info = await smbclient('team', 'allinfo notes.txt');
    expect(info.stdout).toContain('@GMT-2024.06.01-08.00.00');
    const out = path.join(loop.root, 'old-notes.txt');
    expect((await smbclient('team', `get "@GMT-2024.06.01-08.00.00\\notes.txt" "${out}"`)).code).toBe(0);
    expect(await fs.readFile(out, 'utf8')).toBe('old notes\n');
  });
});
