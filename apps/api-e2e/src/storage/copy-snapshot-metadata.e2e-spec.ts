import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { CopySnapshotDriver, CommandXattrTool, ExecCommandRunner, NodeStorageFs, restoreTree, SNAPDIR, type MetadataCapabilities, type SnapshotTarget } from '@moxnas/host';
import { describeHost, tempDir } from '../host/support/host-test-env';

const SUPPORTED: MetadataCapabilities = {
  posixAcl: { available: true, reason: 'probed in the test' },
  userXattr: { available: true, reason: 'probed in the test' },
  securityXattr: { available: true, reason: 'probed in the test' },
};

/** The ACL as getfacl prints it, numeric ids, without the `# file:` line. */
const acl = (p: string) =>
  execFileSync('getfacl', ['-p', '-n', '--', p], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l && !l.startsWith('# file:'))
    .join('\n');
/** Every extended attribute (ACLs included), base64, without the `# file:` line. */
const xattrs = (p: string) =>
  execFileSync('getfattr', ['-d', '-h', '-m', '-', '-e', 'base64', '--absolute-names', '--', p], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l && !l.startsWith('# file:'))
    .join('\n');
const ino = async (p: string) => (await fs.lstat(p)).ino;
const modeOf = async (p: string) => (await fs.lstat(p)).mode & 0o7777;

describeHost('copy snapshots keep POSIX ACLs and extended attributes', { root: true, binaries: ['getfacl', 'setfacl', 'getfattr', 'setfattr'] }, () => {
  const storage = new NodeStorageFs();
  const runner = new ExecCommandRunner();
  const driver = new CopySnapshotDriver(storage, runner);
  let base: string;
  let dataset: string;
  let target: SnapshotTarget;
  const live = (rel: string) => path.join(dataset, rel);
  const snap = (name: string, rel: string) => path.join(driver.treePath(target, name), rel);
  const S1 = '@GMT-2024.07.01-10.00.00';
  const S2 = '@GMT-2024.07.01-11.00.00';
  const original: Record<string, { acl: string; xattrs: string; mode: number }> = {};

  beforeAll(async () => {
    // Everything happens inside this directory: nothing here touches /tmp's own ACL.
    base = await tempDir('copysnap-acl');
    dataset = path.join(base, 'media');
    target = { path: dataset, metadata: SUPPORTED };
    await fs.mkdir(path.join(dataset, 'team/sub'), { recursive: true });
    await fs.writeFile(live('team/plan.txt'), 'the plan\n');
    await fs.chmod(live('team/plan.txt'), 0o640);
    execFileSync('setfacl', ['-m', 'u:1234:rw-,g:2345:r--', '--', live('team/plan.txt')]);
    execFileSync('setfattr', ['-n', 'user.comment', '-v', 'quarterly, do not share', '--', live('team/plan.txt')]);
    execFileSync('setfattr', ['-n', 'user.DOSATTRIB', '-v', '0sAAAEAAQAAAARAAAAIAAAAA==', '--', live('team/plan.txt')]);
    // A directory with a default ACL (inherited by what is created in it) and an access ACL.
    execFileSync('setfacl', ['-m', 'u:1234:rwx,d:u:1234:rwx,d:g:2345:r-x', '--', live('team')]);
    await fs.writeFile(live('team/sub/plain.txt'), 'no acl here\n');
    execFileSync('setfacl', ['-b', '--', live('team/sub'), live('team/sub/plain.txt')]);
    await fs.writeFile(live('acl-only.txt'), 'its ACL changes, nothing else\n');
    execFileSync('setfacl', ['-m', 'u:1234:r--', '--', live('acl-only.txt')]);
    await fs.writeFile(live('xattr-only.txt'), 'its xattr changes, nothing else\n');
    execFileSync('setfattr', ['-n', 'user.tag', '-v', 'blue', '--', live('xattr-only.txt')]);
    await fs.writeFile(live('untouched-acl.txt'), 'ACL stays\n');
    execFileSync('setfacl', ['-m', 'u:1234:rw-', '--', live('untouched-acl.txt')]);
    await fs.writeFile(live('untouched.txt'), 'nothing at all\n');
    for (const rel of ['team', 'team/plan.txt', 'team/sub', 'team/sub/plain.txt', 'acl-only.txt', 'xattr-only.txt', 'untouched-acl.txt', 'untouched.txt']) {
      original[rel] = { acl: acl(live(rel)), xattrs: xattrs(live(rel)), mode: await modeOf(live(rel)) };
    }
  });

  afterAll(async () => {
    await fs.rm(base, { recursive: true, force: true });
  });

  it('captures ACLs and xattrs into the snapshot and says what it kept', async () => {
    const stats = await driver.create(target, { name: S1 });
    expect(stats?.metadata?.captured).toEqual(['system.posix_acl_access', 'system.posix_acl_default', 'user.*', 'security.*']);
    expect(stats?.metadata?.notCaptured).toEqual([]);
    const copy = snap(S1, 'team/plan.txt');
    // Named entries and xattrs as they were; the mask lost its write bit with the file's mode.
    expect(acl(copy)).toMatch(/user:1234:rw-\s+#effective:r--/);
    expect(acl(copy)).toContain('group:2345:r--');
    expect(xattrs(copy)).toContain('user.comment=0s');
    expect(xattrs(copy)).toContain('user.DOSATTRIB=0s');
    expect(acl(snap(S1, 'team'))).toContain('default:user:1234:rwx');
    // Nothing in the tree inherited the dataset's default ACL.
    expect(acl(snap(S1, 'team/sub/plain.txt'))).toBe(original['team/sub/plain.txt'].acl.replace('rw-', 'r--'));
    expect(xattrs(snap(S1, 'team/sub/plain.txt'))).toBe('');
    expect(xattrs(snap(S1, 'team/sub'))).toBe('');
    const meta = JSON.parse(await fs.readFile(path.join(dataset, SNAPDIR, '.moxnas', `${S1}.json`), 'utf8')) as { stats: { metadata: unknown } };
    expect(meta.stats.metadata).toEqual(stats?.metadata);
    expect(await driver.keptMetadata(target, S1)).toEqual(stats?.metadata?.captured);
  });

  it('gives a file whose ACL or xattr alone changed an inode of its own and leaves the older snapshot alone', async () => {
    const firstAcl = acl(snap(S1, 'acl-only.txt'));
    const firstXattrs = xattrs(snap(S1, 'xattr-only.txt'));
    const before = await fs.stat(live('acl-only.txt'));
    // Another user gets the same access: the mask, and so the mode, stay as they were.
    execFileSync('setfacl', ['-x', 'u:1234', '-m', 'u:4321:r--', '--', live('acl-only.txt')]);
    execFileSync('setfattr', ['-n', 'user.tag', '-v', 'green', '--', live('xattr-only.txt')]);
    // Size, mtime, mode and owner are what they were: only the metadata differs.
    const after = await fs.stat(live('acl-only.txt'));
    expect([after.size, after.mtimeMs, after.mode, after.uid, after.gid]).toEqual([before.size, before.mtimeMs, before.mode, before.uid, before.gid]);

    const stats = await driver.create(target, { name: S2, previous: S1 });
    expect(await ino(snap(S2, 'acl-only.txt'))).not.toBe(await ino(snap(S1, 'acl-only.txt')));
    expect(await ino(snap(S2, 'xattr-only.txt'))).not.toBe(await ino(snap(S1, 'xattr-only.txt')));
    expect(acl(snap(S2, 'acl-only.txt'))).toContain('user:4321:r--');
    expect(acl(snap(S2, 'acl-only.txt'))).not.toContain('user:1234');
    expect(xattrs(snap(S2, 'xattr-only.txt'))).toContain(`user.tag=0s${Buffer.from('green').toString('base64')}`);
    // The first snapshot still has the ACL and xattr of its time.
    expect(acl(snap(S1, 'acl-only.txt'))).toBe(firstAcl);
    expect(acl(snap(S1, 'acl-only.txt'))).toContain('user:1234:r--');
    expect(xattrs(snap(S1, 'xattr-only.txt'))).toBe(firstXattrs);
    // Unchanged files, with or without ACLs and xattrs, still share inodes.
    for (const rel of ['untouched.txt', 'untouched-acl.txt', 'team/plan.txt', 'team/sub/plain.txt']) {
      expect([rel, await ino(snap(S2, rel))]).toEqual([rel, await ino(snap(S1, rel))]);
    }
    expect(stats).toMatchObject({ copiedFiles: 2, linkedFiles: 4 });
  });

  it('restores in place: ACLs, default ACLs, xattrs and modes exactly as they were, also where only metadata changed', async () => {
    // Change metadata only (no content, mode or time change) and add an inheriting default ACL.
    execFileSync('setfacl', ['-b', '--', live('team/plan.txt')]);
    await fs.chmod(live('team/plan.txt'), 0o640);
    execFileSync('setfattr', ['-x', 'user.comment', '--', live('team/plan.txt')]);
    execFileSync('setfattr', ['-n', 'user.extra', '-v', 'later', '--', live('untouched.txt')]);
    execFileSync('setfacl', ['-m', 'd:u:1234:rwx', '--', live('team/sub')]);
    await fs.rm(live('team/sub/plain.txt'));
    const stats = await restoreTree(storage, {
      source: driver.treePath(target, S1),
      sourceRel: '',
      target: dataset,
      modes: await driver.originalModes(target, S1),
      xattrs: (await CommandXattrTool.forRestore(runner, SUPPORTED, await driver.keptMetadata(target, S1))).tool,
      replace: true,
      keepAtRoot: new Set([SNAPDIR]),
    });
    for (const [rel, want] of Object.entries(original)) {
      expect({ rel, acl: acl(live(rel)), xattrs: xattrs(live(rel)), mode: await modeOf(live(rel)) }).toEqual({ rel, ...want });
    }
    expect(await fs.readFile(live('team/plan.txt'), 'utf8')).toBe('the plan\n');
    // Restored files are copies, never links into the snapshot.
    expect(await ino(live('team/plan.txt'))).not.toBe(await ino(snap(S1, 'team/plan.txt')));
    expect(stats.unchanged).toBeGreaterThan(0);
  });

  it('restores a file alongside with its ACL and xattrs', async () => {
    const dest = live('team/plan.txt.restored');
    await restoreTree(storage, {
      source: snap(S1, 'team/plan.txt'),
      sourceRel: 'team/plan.txt',
      target: dest,
      modes: await driver.originalModes(target, S1),
      xattrs: (await CommandXattrTool.forRestore(runner, SUPPORTED, await driver.keptMetadata(target, S1))).tool,
      replace: false,
    });
    expect(acl(dest)).toBe(original['team/plan.txt'].acl);
    expect(xattrs(dest)).toBe(original['team/plan.txt'].xattrs);
    expect(await modeOf(dest)).toBe(original['team/plan.txt'].mode);
    expect(await fs.readFile(dest, 'utf8')).toBe('the plan\n');
  });

  it('says so when the pool cannot keep ACLs or xattrs, and keeps none', async () => {
    const other = path.join(base, 'noacl');
    await fs.mkdir(other);
    await fs.writeFile(path.join(other, 'f.txt'), 'x\n');
    execFileSync('setfattr', ['-n', 'user.tag', '-v', 'x', '--', path.join(other, 'f.txt')]);
    const lacking: SnapshotTarget = {
      path: other,
      metadata: {
        posixAcl: { available: false, reason: 'setfacl failed: Operation not supported' },
        userXattr: { available: false, reason: 'user.* extended attributes failed: Operation not supported' },
        securityXattr: { available: false, reason: 'security.* needs CAP_SYS_ADMIN' },
      },
    };
    const stats = await driver.create(lacking, { name: S1 });
    expect(stats?.metadata?.captured).toEqual([]);
    expect(stats?.metadata?.notCaptured.map((n) => n.what)).toEqual(['POSIX ACLs', 'user.*', 'security.*']);
    expect(stats?.metadata?.notCaptured[0].reason).toMatch(/Operation not supported/);
    expect(xattrs(path.join(driver.treePath(lacking, S1), 'f.txt'))).toBe('');
    expect(await driver.keptMetadata(lacking, S1)).toEqual([]);
  });
});
