import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { Dataset, Pool, ResponseOf, snapshotsApi } from '@moxnas/contracts';
// eslint-disable-next-line @nx/enforce-module-boundaries -- drives the real API in-process, like the integration tests
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
 * Windows "Previous Versions" end to end: the API takes a copy snapshot, a real smbd serves the
 * dataset with the shadow_copy2 options the storage module hands to the shares module, and
 * smbclient sees the @GMT version and reads the old content from it.
 */
describeHost('SMB Previous Versions of copy snapshots', { root: true, binaries: ['smbd', 'smbclient'] }, () => {
  let app: StorageApp;
  let root: string;
  let ds: Dataset;
  let smbd: ChildProcess | undefined;
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

    port = await freePort();
    const smb = path.join(root, 'smb');
    for (const d of ['private', 'lock', 'state', 'cache', 'pid', 'ncalrpc']) await fs.mkdir(path.join(smb, d), { recursive: true });
    const shareSection = (name: string, sharePath: string, o: typeof options) =>
      [
        `[${name}]`,
        `  path = ${sharePath}`,
        '  guest ok = yes',
        '  read only = yes',
        '  vfs objects = shadow_copy2',
        `  shadow:mountpoint = ${o.mountpoint}`,
        `  shadow:snapdir = ${o.snapdir}`,
        `  shadow:format = ${o.format}`,
        '  shadow:sort = desc',
        '  shadow:localtime = no',
        `  hide files = /${o.snapdir}/`,
      ].join('\n');
    const conf = [
      '[global]',
      `  smb ports = ${port}`,
      '  interfaces = 127.0.0.1',
      '  bind interfaces only = yes',
      `  private dir = ${smb}/private`,
      `  lock directory = ${smb}/lock`,
      `  state directory = ${smb}/state`,
      `  cache directory = ${smb}/cache`,
      `  pid directory = ${smb}/pid`,
      `  ncalrpc dir = ${smb}/ncalrpc`,
      `  passdb backend = tdbsam:${smb}/private/passdb.tdb`,
      `  log file = ${smb}/log.%m`,
      '  server role = standalone server',
      '  map to guest = Bad User',
      '  guest account = nobody',
      '  disable netbios = yes',
      '  load printers = no',
      '  printcap name = /dev/null',
      '  disable spoolss = yes',
      shareSection('office', ds.path, options),
      shareSection('team', path.join(ds.path, 'team'), options),
      '',
    ].join('\n');
    await fs.writeFile(path.join(smb, 'smb.conf'), conf);
    // A session of its own: smbd signals its whole process group when it shuts down, which must
    // not be the test runner's.
    smbd = spawn(binaryPath('smbd') as string, ['--foreground', '--no-process-group', '-s', path.join(smb, 'smb.conf')], { stdio: 'ignore', detached: true });
    await waitFor(() => listening(port), `smbd on port ${port}`);
  }, 120_000);

  afterAll(async () => {
    if (smbd && smbd.exitCode === null) {
      const exited = new Promise((r) => smbd?.once('exit', r));
      smbd.kill('SIGTERM');
      const timer = setTimeout(() => smbd?.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
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
