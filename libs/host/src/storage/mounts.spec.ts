import fs from 'node:fs';
import path from 'node:path';
import { parseMountInfo } from '../parsers/mountinfo.parser';
import { candidateMounts, containingMount, isSystemPath, isWithin } from './mounts';

const lxc = parseMountInfo(fs.readFileSync(path.join(__dirname, '../parsers/__fixtures__/mountinfo-lxc.txt'), 'utf8'));

describe('mounts', () => {
  it('offers data mounts as pool candidates, not /, pseudo or system file systems', () => {
    expect(candidateMounts(lxc).map((m) => m.mountPoint)).toEqual(['/mnt/tank', '/mnt/media library', '/mnt/back\\slash\ttab']);
  });

  it('finds the mount a path lives on: the longest mount point, the last of equals', () => {
    expect(containingMount(lxc, '/mnt/tank/photos/2024')?.mountPoint).toBe('/mnt/tank');
    expect(containingMount(lxc, '/mnt/tankette')?.mountPoint).toBe('/');
    const stacked = parseMountInfo('1 0 8:1 / / rw - ext4 /dev/sda1 rw\n2 1 8:2 / /srv rw - ext4 /dev/sdb1 rw\n3 1 0:40 / /srv rw - tmpfs tmpfs rw\n');
    expect(containingMount(stacked, '/srv/x')?.fsType).toBe('tmpfs');
  });

  it('tells paths inside others and system places apart', () => {
    expect(isWithin('/a/b', '/a')).toBe(true);
    expect(isWithin('/ab', '/a')).toBe(false);
    expect(isWithin('/a', '/a')).toBe(true);
    expect(isSystemPath('/etc/samba')).toBe(true);
    expect(isSystemPath('/')).toBe(true);
    expect(isSystemPath('/srv/data')).toBe(false);
    expect(isSystemPath('/var/lib/mysql')).toBe(true);
  });
});
