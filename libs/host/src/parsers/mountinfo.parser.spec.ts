import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseMountInfo, unescapeMountField } from './mountinfo.parser';

const fixture = (name: string) => readFileSync(path.join(__dirname, '__fixtures__', name), 'utf8');

describe('parseMountInfo', () => {
  const mounts = parseMountInfo(fixture('mountinfo-lxc.txt'));

  it('parses every well-formed line and skips garbage', () => {
    expect(mounts.map((m) => m.mountPoint)).toEqual([
      '/',
      '/mnt/tank',
      '/mnt/media library',
      '/mnt/back\\slash\ttab',
      '/proc',
      '/dev',
      '/mnt/nosuper',
    ]);
  });

  it('splits ids, device numbers, optional fields and both option lists', () => {
    expect(mounts[1]).toEqual({
      mountId: 1403,
      parentId: 1402,
      major: 0,
      minor: 48,
      root: '/subvol-101-disk-1',
      mountPoint: '/mnt/tank',
      mountOptions: ['rw', 'relatime'],
      optionalFields: ['shared:721', 'master:1'],
      fsType: 'zfs',
      source: 'rpool/data/subvol-101-disk-1',
      superOptions: ['rw', 'xattr', 'posixacl', 'casesensitive'],
    });
  });

  it('unescapes octal sequences in root and mount point', () => {
    expect(mounts[2]).toMatchObject({ root: '/srv/media library', mountPoint: '/mnt/media library', major: 8, minor: 17, optionalFields: ['shared:722'] });
  });

  it('handles a line without optional fields or super options', () => {
    expect(mounts[3].optionalFields).toEqual([]);
    expect(mounts[6]).toMatchObject({ fsType: 'fuse.lxcfs', source: 'lxcfs', superOptions: [] });
  });
});

describe('unescapeMountField', () => {
  it('turns \\040, \\011, \\012 and \\134 back into characters', () => {
    expect(unescapeMountField('a\\040b\\011c\\012d\\134e')).toBe('a b\tc\nd\\e');
    expect(unescapeMountField('plain')).toBe('plain');
  });
});
