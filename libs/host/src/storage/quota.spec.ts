import type { MountInfoEntry } from '../parsers/mountinfo.parser';
import { FakeCommandRunner } from '../testing/command-runner.fake';
import { FakeHostFs } from '../testing/host-fs.fake';
import { detectHardQuota, hardQuotaApplies, setHardQuota } from './quota';

const mount = (fsType: string, superOptions: string[] = []): MountInfoEntry => ({
  mountId: 1, parentId: 0, major: 8, minor: 1, root: '/', mountPoint: '/mnt/p', mountOptions: ['rw'], optionalFields: [], fsType, source: '/dev/sdb1', superOptions,
});

describe('hard quotas', () => {
  it('detects what the file system offers, with the reason and the fix when not', async () => {
    const fs = new FakeHostFs();
    const none = new FakeCommandRunner();
    expect(await detectHardQuota(none, fs, { path: '/mnt/p', mount: mount('ext4') })).toMatchObject({ kind: null, reason: expect.stringMatching(/soft/) });
    expect(await detectHardQuota(none, fs, { path: '/mnt/p', mount: mount('xfs', ['rw', 'noquota']) })).toMatchObject({ kind: null, fix: expect.stringMatching(/prjquota/) });
    expect(await detectHardQuota(new FakeCommandRunner().on('xfs_quota', () => ({})), fs, { path: '/mnt/p', mount: mount('xfs', ['rw', 'prjquota']) })).toMatchObject({ kind: 'xfs-project' });
    expect(await detectHardQuota(none, fs, { path: '/mnt/p', mount: mount('zfs') })).toMatchObject({ kind: null, reason: expect.stringMatching(/\/dev\/zfs/) });
    const btrfsOff = new FakeCommandRunner().on('btrfs', () => ({ code: 1, stderr: 'ERROR: can\'t list qgroups: quotas not enabled' }));
    expect(await detectHardQuota(btrfsOff, fs, { path: '/mnt/p', mount: mount('btrfs') })).toMatchObject({ kind: null, fix: 'btrfs quota enable /mnt/p' });
  });

  it('sets limits with argv per kind', async () => {
    const runner = new FakeCommandRunner().on('zfs', () => ({})).on('btrfs', () => ({})).on('xfs_quota', () => ({}));
    await setHardQuota(runner, 'zfs', { path: '/mnt/p/a', mountPoint: '/mnt/p', zfsName: 'tank/a' }, 1048576);
    await setHardQuota(runner, 'btrfs-qgroup', { path: '/mnt/p/a', mountPoint: '/mnt/p' }, null);
    await setHardQuota(runner, 'xfs-project', { path: '/mnt/p/a', mountPoint: '/mnt/p', projectId: 10001 }, 5000);
    expect(runner.calls.map((c) => [c.command, ...c.args])).toEqual([
      ['zfs', 'set', 'quota=1048576', 'tank/a'],
      ['btrfs', 'qgroup', 'limit', 'none', '/mnt/p/a'],
      ['xfs_quota', '-x', '-c', 'project -s -p /mnt/p/a 10001', '/mnt/p'],
      ['xfs_quota', '-x', '-c', 'limit -p bhard=5k 10001', '/mnt/p'],
    ]);
  });

  it('falls back to soft quotas where a hard one cannot be addressed', () => {
    expect(hardQuotaApplies('xfs-project', { path: '/mnt/p/my files', mountPoint: '/mnt/p' })).toMatch(/spaces/);
    expect(hardQuotaApplies('zfs', { path: '/mnt/p/a', mountPoint: '/mnt/p', zfsName: null })).toMatch(/plain directory/);
    expect(hardQuotaApplies('btrfs-qgroup', { path: '/mnt/p/a', mountPoint: '/mnt/p', btrfsSubvolume: true })).toBeNull();
  });
});
