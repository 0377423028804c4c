import { FakeCommandRunner } from '../testing/command-runner.fake';
import { FakeHostFs } from '../testing/host-fs.fake';
import { BtrfsSnapshotDriver } from './btrfs-snapshot.driver';
import { createDatasetStorage } from './dataset-backend';
import type { StorageFs } from './storage-fs';
import { ZfsSnapshotDriver } from './zfs-snapshot.driver';

/** The btrfs driver only needs HostFs calls; the StorageFs extras are never reached. */
function fakeStorageFs(): StorageFs {
  const fs = new FakeHostFs();
  const unused = () => Promise.reject(new Error('not used by this driver'));
  return Object.assign(fs, { lstatExact: unused, lchown: unused, lutimes: unused, readlink: unused, copyFileData: unused, mkdirExclusive: (p: string) => fs.mkdir(p), createLineWriter: unused, readLines: async function* () {} }) as unknown as StorageFs;
}

describe('ZfsSnapshotDriver', () => {
  it('snapshots, lists and destroys with argv, tagging the task in a user property', async () => {
    const runner = new FakeCommandRunner()
      .on('zfs', (args) =>
        args[0] === 'list'
          ? { stdout: 'tank/media@GMT-2024.05.01-10.00.00\tabc\ntank/media@manual\t-\ntank/media@GMT-2024.04.01-10.00.00\t-\n' }
          : {},
      );
    const driver = new ZfsSnapshotDriver(runner);
    const target = { path: '/mnt/tank/media', zfsName: 'tank/media' };
    await driver.create(target, { name: 'GMT-2024.05.01-10.00.00', meta: { taskId: 'abc', stats: null } });
    const list = await driver.list(target);
    await driver.delete(target, 'GMT-2024.05.01-10.00.00');
    expect(runner.calls.map((c) => c.args)).toEqual([
      ['snapshot', '-o', 'moxnas:task=abc', 'tank/media@GMT-2024.05.01-10.00.00'],
      ['list', '-H', '-p', '-t', 'snapshot', '-d', '1', '-o', 'name,moxnas:task', 'tank/media'],
      ['destroy', 'tank/media@GMT-2024.05.01-10.00.00'],
    ]);
    expect(list.map((s) => [s.name, s.meta?.taskId])).toEqual([
      ['GMT-2024.04.01-10.00.00', null],
      ['GMT-2024.05.01-10.00.00', 'abc'],
    ]);
    expect(driver.treePath(target, 'GMT-2024.05.01-10.00.00')).toBe('/mnt/tank/media/.zfs/snapshot/GMT-2024.05.01-10.00.00');
    expect(driver.shadow).toEqual({ snapdir: '.zfs/snapshot', format: 'GMT-%Y.%m.%d-%H.%M.%S' });
  });

  it('refuses a dataset that is not a ZFS file system and names with @', async () => {
    const driver = new ZfsSnapshotDriver(new FakeCommandRunner());
    await expect(driver.create({ path: '/x' }, { name: 'GMT-2024.05.01-10.00.00' })).rejects.toThrow(/not a ZFS file system/);
    await expect(driver.create({ path: '/x', zfsName: 'tank/x' }, { name: '@GMT-2024.05.01-10.00.00' })).rejects.toThrow(/not a ZFS snapshot name/);
  });
});

describe('BtrfsSnapshotDriver', () => {
  it('takes read-only subvolume snapshots into .snapshots and deletes them', async () => {
    const fs = fakeStorageFs();
    // What createDatasetStorage makes: the dataset subvolume with its `.snapshots` subvolume.
    await fs.mkdir('/pool/ds');
    await fs.mkdir('/pool/ds/.snapshots');
    const runner = new FakeCommandRunner().on('btrfs', async (args) => {
      if (args[1] === 'snapshot') await fs.mkdir(args[4]);
      if (args[1] === 'delete') await fs.rm(args[2], { recursive: true });
      return {};
    });
    const driver = new BtrfsSnapshotDriver(fs, runner);
    const target = { path: '/pool/ds' };
    await driver.create(target, { name: '@GMT-2024.05.01-10.00.00', meta: { taskId: 't1', stats: null } });
    expect((await driver.list(target)).map((s) => [s.name, s.meta?.taskId])).toEqual([['@GMT-2024.05.01-10.00.00', 't1']]);
    await driver.delete(target, '@GMT-2024.05.01-10.00.00');
    expect(runner.calls.map((c) => c.args)).toEqual([
      ['subvolume', 'snapshot', '-r', '/pool/ds', '/pool/ds/.snapshots/@GMT-2024.05.01-10.00.00'],
      ['subvolume', 'delete', '/pool/ds/.snapshots/@GMT-2024.05.01-10.00.00'],
    ]);
    expect(await driver.list(target)).toEqual([]);
  });

  it('makes a missing .snapshots a subvolume of its own (outside the dataset qgroup) before the first snapshot', async () => {
    const fs = fakeStorageFs();
    await fs.mkdir('/pool/ds');
    const runner = new FakeCommandRunner().on('btrfs', async (args) => {
      if (args[1] === 'create') await fs.mkdir(args[2]);
      if (args[1] === 'snapshot') await fs.mkdir(args[4]);
      return {};
    });
    const driver = new BtrfsSnapshotDriver(fs, runner);
    await driver.create({ path: '/pool/ds' }, { name: '@GMT-2024.05.01-10.00.00' });
    expect(runner.calls.map((c) => c.args)).toEqual([
      ['subvolume', 'create', '/pool/ds/.snapshots'],
      ['subvolume', 'snapshot', '-r', '/pool/ds', '/pool/ds/.snapshots/@GMT-2024.05.01-10.00.00'],
    ]);
    expect((await fs.lstat('/pool/ds/.snapshots'))?.mode).toBe(0o755);
  });

  it('refuses a .snapshots that is not a directory', async () => {
    const fs = fakeStorageFs();
    await fs.mkdir('/pool/ds');
    await fs.writeFileAtomic('/pool/ds/.snapshots', 'x');
    const runner = new FakeCommandRunner().on('btrfs', () => ({}));
    await expect(new BtrfsSnapshotDriver(fs, runner).create({ path: '/pool/ds' }, { name: '@GMT-2024.05.01-10.00.00' })).rejects.toThrow(/not a directory/);
    expect(runner.calls).toEqual([]);
  });
});

describe('createDatasetStorage on btrfs', () => {
  it('creates the dataset subvolume and its .snapshots subvolume with argv', async () => {
    const fs = fakeStorageFs();
    await fs.mkdir('/pool');
    const runner = new FakeCommandRunner().on('btrfs', async (args) => {
      await fs.mkdir(args[2]);
      return {};
    });
    await createDatasetStorage(fs, runner, { path: '/pool/media', kind: 'btrfs-subvolume', mode: 0o750 });
    expect(runner.calls.map((c) => c.args)).toEqual([
      ['subvolume', 'create', '/pool/media'],
      ['subvolume', 'create', '/pool/media/.snapshots'],
    ]);
    expect((await fs.lstat('/pool/media'))?.mode).toBe(0o750);
    expect((await fs.lstat('/pool/media/.snapshots'))?.mode).toBe(0o755);
  });
});
