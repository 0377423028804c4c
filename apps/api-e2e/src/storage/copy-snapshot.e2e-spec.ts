import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { CopySnapshotDriver, NodeStorageFs, restoreTree, SNAPDIR, type SnapshotTarget } from '@moxnas/host';
import { describeHost, tempDir } from '../host/support/host-test-env';

/** Every entry of a tree (relative path → type, mode, owner, content hash or link target), sorted. */
async function treeDigest(root: string, options: { skip?: string[] } = {}): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (rel: string) => {
    const abs = rel ? path.join(root, rel) : root;
    const st = await fs.lstat(abs);
    const meta = `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid} ${Math.floor(st.mtimeMs)}`;
    if (st.isDirectory()) {
      out[rel || '.'] = `dir ${meta}`;
      for (const name of (await fs.readdir(abs)).sort()) {
        const child = rel ? `${rel}/${name}` : name;
        if (!options.skip?.includes(child)) await walk(child);
      }
    } else if (st.isSymbolicLink()) {
      out[rel] = `link -> ${await fs.readlink(abs)} ${st.uid}:${st.gid}`;
    } else if (st.isFile()) {
      out[rel] = `file ${meta} ${createHash('sha256').update(await fs.readFile(abs)).digest('hex')}`;
    } else {
      out[rel] = 'other';
    }
  };
  await walk('');
  return out;
}

const ino = async (p: string) => (await fs.lstat(p)).ino;

describeHost('copy snapshots on real files', { root: true, binaries: ['mkfifo'] }, () => {
  const storage = new NodeStorageFs();
  const driver = new CopySnapshotDriver(storage);
  let dataset: string;
  let target: SnapshotTarget;
  const live = (rel: string) => path.join(dataset, rel);

  beforeAll(async () => {
    dataset = path.join(await tempDir('copysnap'), 'media');
    target = { path: dataset };
    await fs.mkdir(path.join(dataset, 'docs/deep'), { recursive: true });
    await fs.writeFile(live('docs/report.txt'), 'version one\n');
    await fs.chown(live('docs/report.txt'), 1234, 2345);
    await fs.chmod(live('docs/report.txt'), 0o640);
    await fs.writeFile(live('docs/deep/big.bin'), Buffer.alloc(3 * 1024 * 1024 + 17, 7));
    await fs.writeFile(live('unchanged.txt'), 'same\n');
    await fs.writeFile(live('chmod-me.sh'), '#!/bin/sh\n');
    await fs.writeFile(live('hard-a'), 'two names\n');
    await fs.link(live('hard-a'), live('hard-b'));
    await fs.symlink('docs/report.txt', live('shortcut'));
    await fs.lchown(live('shortcut'), 1234, 2345);
    await fs.mkdir(live('shared'));
    await fs.chmod(live('shared'), 0o2775);
    execFileSync('mkfifo', [live('pipe')]);
    await fs.utimes(live('unchanged.txt'), new Date('2020-01-02T03:04:05.678Z'), new Date('2020-01-02T03:04:05.678Z'));
  });

  afterAll(async () => {
    await fs.rm(path.dirname(dataset), { recursive: true, force: true });
  });

  it('copies the tree with owner, mode, mtime and links, read-only, without the snapshot dir or fifos', async () => {
    const before = await treeDigest(dataset, { skip: ['pipe'] });
    const stats = await driver.create(target, { name: '@GMT-2024.05.01-10.00.00' });
    expect(stats).toMatchObject({ files: 6, symlinks: 1, skipped: 1, copiedFiles: 5, linkedFiles: 1 });
    const snap = driver.treePath(target, '@GMT-2024.05.01-10.00.00');
    expect(snap).toBe(path.join(dataset, SNAPDIR, '@GMT-2024.05.01-10.00.00'));
    // Same content, owners, mtimes; modes without write bits (the originals are in the manifest).
    const digest = await treeDigest(snap);
    const modes = await driver.originalModes(target, '@GMT-2024.05.01-10.00.00');
    for (const [rel, line] of Object.entries(before)) {
      // Creating .snapshots changed the dataset root's mtime after `before` was taken.
      if (rel === '.') continue;
      const snapLine = digest[rel];
      expect(snapLine).toBeDefined();
      if (line.startsWith('link')) {
        expect(snapLine).toBe(line);
        continue;
      }
      const [kind, mode, ...rest] = line.split(' ');
      const [snapKind, snapMode, ...snapRest] = snapLine.split(' ');
      expect([snapKind, ...snapRest]).toEqual([kind, ...rest]);
      expect(Number.parseInt(snapMode, 8)).toBe(Number.parseInt(mode, 8) & ~0o222);
      expect(modes.original(rel === '.' ? '' : rel, Number.parseInt(snapMode, 8))).toBe(Number.parseInt(mode, 8));
    }
    expect(digest['pipe']).toBeUndefined();
    expect(digest[SNAPDIR]).toBeUndefined();
    expect(await ino(path.join(snap, 'hard-a'))).toBe(await ino(path.join(snap, 'hard-b')));
    expect((await fs.lstat(path.join(snap, 'shortcut'))).isSymbolicLink()).toBe(true);
    // No write bit for anyone, files and directories: only root can change a snapshot.
    for (const rel of ['docs', 'docs/report.txt', 'shared', '']) expect((await fs.lstat(path.join(snap, rel))).mode & 0o222).toBe(0);
  });

  it('shares unchanged files with the previous snapshot and copies changed ones; the old snapshot stays byte-identical', async () => {
    const first = driver.treePath(target, '@GMT-2024.05.01-10.00.00');
    const firstDigest = await treeDigest(first);
    await fs.writeFile(live('docs/report.txt'), 'version two, longer\n');
    await fs.chmod(live('chmod-me.sh'), 0o755);
    await fs.writeFile(live('new.txt'), 'new\n');
    const stats = await driver.create(target, { name: '@GMT-2024.05.01-11.00.00', previous: '@GMT-2024.05.01-10.00.00' });
    const second = driver.treePath(target, '@GMT-2024.05.01-11.00.00');
    expect(await ino(path.join(second, 'unchanged.txt'))).toBe(await ino(path.join(first, 'unchanged.txt')));
    expect(await ino(path.join(second, 'docs/deep/big.bin'))).toBe(await ino(path.join(first, 'docs/deep/big.bin')));
    expect(await ino(path.join(second, 'docs/report.txt'))).not.toBe(await ino(path.join(first, 'docs/report.txt')));
    expect(await ino(path.join(second, 'chmod-me.sh'))).not.toBe(await ino(path.join(first, 'chmod-me.sh')));
    expect(stats).toMatchObject({ files: 7, copiedFiles: 3 });
    expect(stats?.newBytes).toBe('version two, longer\n'.length + '#!/bin/sh\n'.length + 'new\n'.length);
    // The live file changed again after both snapshots: neither snapshot notices.
    await fs.writeFile(live('unchanged.txt'), 'changed after\n');
    await fs.appendFile(live('docs/deep/big.bin'), 'tail');
    expect(await treeDigest(first)).toEqual(firstDigest);
    expect(await fs.readFile(path.join(first, 'docs/report.txt'), 'utf8')).toBe('version one\n');
    expect(await fs.readFile(path.join(second, 'unchanged.txt'), 'utf8')).toBe('same\n');
  });

  it('restores a whole dataset in place: content, mode, owner and mtime, newer files gone, snapshots kept', async () => {
    const name = '@GMT-2024.05.01-10.00.00';
    const expected = await treeDigest(driver.treePath(target, name));
    await fs.writeFile(live('created-later.txt'), 'later\n');
    await fs.chown(live('docs/report.txt'), 0, 0);
    await fs.chmod(live('docs/report.txt'), 0o666);
    const stats = await restoreTree(storage, {
      source: driver.treePath(target, name),
      sourceRel: '',
      target: dataset,
      modes: await driver.originalModes(target, name),
      replace: true,
      keepAtRoot: new Set([SNAPDIR]),
    });
    expect(stats.removed).toBeGreaterThanOrEqual(2); // created-later.txt, new.txt
    const after = await treeDigest(dataset, { skip: [SNAPDIR, 'pipe'] });
    const modes = await driver.originalModes(target, name);
    // The restored tree is the snapshot with the original (writable) modes.
    const withOriginalModes = Object.fromEntries(
      Object.entries(expected).map(([rel, line]) => {
        if (line.startsWith('link')) return [rel, line];
        const [kind, mode, ...rest] = line.split(' ');
        return [rel, [kind, modes.original(rel === '.' ? '' : rel, Number.parseInt(mode, 8)).toString(8), ...rest].join(' ')];
      }),
    );
    expect(after).toEqual(withOriginalModes);
    expect(await fs.readFile(live('docs/report.txt'), 'utf8')).toBe('version one\n');
    const st = await fs.stat(live('docs/report.txt'));
    expect([st.mode & 0o7777, st.uid, st.gid]).toEqual([0o640, 1234, 2345]);
    expect((await fs.stat(live('shared'))).mode & 0o7777).toBe(0o2775);
    // A restored file is a copy: writing it leaves the snapshot alone.
    expect(await ino(live('unchanged.txt'))).not.toBe(await ino(path.join(driver.treePath(target, name), 'unchanged.txt')));
    expect((await driver.list(target)).map((s) => s.name)).toEqual(['@GMT-2024.05.01-10.00.00', '@GMT-2024.05.01-11.00.00']);
  });

  it('restores one file alongside, and refuses to overwrite something there', async () => {
    const name = '@GMT-2024.05.01-11.00.00';
    const dest = live('docs/report.txt.restored-20240501-120000');
    await restoreTree(storage, { source: path.join(driver.treePath(target, name), 'docs/report.txt'), sourceRel: 'docs/report.txt', target: dest, modes: await driver.originalModes(target, name), replace: false });
    expect(await fs.readFile(dest, 'utf8')).toBe('version two, longer\n');
    expect((await fs.stat(dest)).mode & 0o7777).toBe(0o640);
    await expect(restoreTree(storage, { source: path.join(driver.treePath(target, name), 'docs/report.txt'), sourceRel: 'docs/report.txt', target: dest, modes: await driver.originalModes(target, name), replace: false })).rejects.toThrow(/already exists/);
  });

  it('deletes a snapshot without touching the ones sharing its files; a cancelled create leaves nothing', async () => {
    const firstDigest = await treeDigest(driver.treePath(target, '@GMT-2024.05.01-10.00.00'));
    await driver.delete(target, '@GMT-2024.05.01-11.00.00');
    expect(await treeDigest(driver.treePath(target, '@GMT-2024.05.01-10.00.00'))).toEqual(firstDigest);
    const abort = new AbortController();
    abort.abort();
    await expect(driver.create(target, { name: '@GMT-2024.05.01-12.00.00', previous: '@GMT-2024.05.01-10.00.00', signal: abort.signal })).rejects.toThrow(/cancelled/);
    expect((await fs.readdir(path.join(dataset, SNAPDIR))).sort()).toEqual(['.moxnas', '@GMT-2024.05.01-10.00.00']);
    expect((await fs.readdir(path.join(dataset, SNAPDIR, '.moxnas'))).sort()).toEqual(['@GMT-2024.05.01-10.00.00.json', '@GMT-2024.05.01-10.00.00.modes']);
    expect(await driver.cleanup(target)).toEqual([]);
  });
});
