import { FakeHostFs } from './host-fs.fake';

// The fake stands in for NodeHostFs in unit tests, so its semantics must match the real one's.
describe('FakeHostFs', () => {
  it('reports writes like NodeHostFs: unchanged content and metadata is not a change', async () => {
    const fs = new FakeHostFs();
    await fs.mkdir('/etc/samba');
    expect(await fs.writeFileAtomic('/etc/samba/smb.conf', 'a')).toBe(true);
    expect(await fs.writeFileAtomic('/etc/samba/smb.conf', 'a')).toBe(false);
    expect(await fs.writeFileAtomic('/etc/samba/smb.conf', 'a', { mode: 0o600 })).toBe(true);
    expect(await fs.stat('/etc/samba/smb.conf')).toMatchObject({ type: 'file', mode: 0o600, size: 1 });
    expect(fs.writes).toEqual(['/etc/samba/smb.conf', '/etc/samba/smb.conf']);
  });

  it('keeps mode and owner on rewrite and needs the parent directory', async () => {
    const fs = new FakeHostFs().seed('/srv/x', 'old', { mode: 0o640, uid: 1000, gid: 1000 });
    await fs.writeFileAtomic('/srv/x', 'new');
    expect(await fs.stat('/srv/x')).toMatchObject({ mode: 0o640, uid: 1000, gid: 1000 });
    await expect(fs.writeFileAtomic('/nope/x', 'y')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('follows symlinks for reads, writes and realpath, not for lstat', async () => {
    const fs = new FakeHostFs().seed('/data/real.conf', 'r');
    await fs.symlink('/data/real.conf', '/data/link.conf');
    await fs.symlink('../data', '/etc-data');
    expect(await fs.readFile('/etc-data/link.conf')).toBe('r');
    await fs.writeFileAtomic('/data/link.conf', 'w');
    expect(await fs.readFile('/data/real.conf')).toBe('w');
    expect(await fs.realpath('/etc-data/link.conf')).toBe('/data/real.conf');
    expect((await fs.lstat('/data/link.conf'))?.type).toBe('symlink');
  });

  it('lists, links, renames and removes', async () => {
    const fs = new FakeHostFs().seed('/p/a', 'A');
    await fs.link('/p/a', '/p/b');
    expect((await fs.stat('/p/a'))?.nlink).toBe(2);
    await fs.rename('/p/b', '/p/c');
    expect((await fs.readdir('/p')).map((e) => e.name)).toEqual(['a', 'c']);
    await expect(fs.rm('/p')).rejects.toMatchObject({ code: 'EISDIR' });
    await fs.rm('/p', { recursive: true });
    expect(await fs.exists('/p/a')).toBe(false);
    expect(await fs.readFile('/p/a')).toBeNull();
  });
});
