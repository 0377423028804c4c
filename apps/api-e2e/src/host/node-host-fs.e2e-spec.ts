import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { NodeHostFs } from '@moxnas/host';
import { describeHost, tempDir, waitFor } from './support/host-test-env';

/**
 * One version of the file: a header naming writer and sequence, then enough body to span many
 * write(2) calls and page-cache pages, so a torn or interleaved write would show.
 * Embedded verbatim in the child script, so it must stay plain JavaScript.
 */
function versionContent(writer: string, seq: number, size: number): string {
  const head = `writer=${writer} seq=${seq}\n`;
  const line = `${writer}:${seq}:`.padEnd(63, String.fromCharCode(97 + (seq % 26))) + '\n';
  return head + line.repeat(Math.ceil(size / 64)) + `END ${writer} ${seq}\n`;
}

/** Null when the text is exactly one complete version, else what is wrong with it. */
function checkVersion(text: string, size: number): string | null {
  const m = /^writer=(\S+) seq=(\d+)\n/.exec(text);
  if (!m) return `no header in a ${text.length}-byte read`;
  return text === versionContent(m[1], Number(m[2]), size) ? null : `torn content for writer ${m[1]} seq ${m[2]} (${text.length} bytes)`;
}

const CHILD_SCRIPT = `
const { NodeHostFs } = require(process.argv[2]);
const [, , , target, writer, iterations, size, mode] = process.argv;
${versionContent.toString()}
const options = mode === 'pause'
  ? { afterTempWrite: async (temp) => { process.stdout.write('TEMP ' + temp + '\\n'); await new Promise(() => setInterval(() => {}, 1000)); } }
  : {};
const fs = new NodeHostFs(options);
(async () => {
  for (let i = 0; i < Number(iterations); i++) await fs.writeFileAtomic(target, versionContent(writer, i, Number(size)));
})().catch((err) => { console.error(err); process.exit(1); });
`;

describeHost('NodeHostFs on a real file system', { root: true }, () => {
  let dir: string;
  let modulePath: string;
  let scriptPath: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    dir = await tempDir('hostfs');
    // The children run the real adapter: transpile it to CommonJS next to the script.
    const source = await fsp.readFile(path.resolve(__dirname, '../../../../libs/host/src/fs/node-host-fs.ts'), 'utf8');
    const out = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
    modulePath = path.join(dir, 'node-host-fs.js');
    scriptPath = path.join(dir, 'writer.js');
    await fsp.writeFile(modulePath, out.outputText);
    await fsp.writeFile(scriptPath, CHILD_SCRIPT);
  });

  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });

  afterAll(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  function startWriter(target: string, writer: string, iterations: number, size: number, mode: 'loop' | 'pause' = 'loop'): ChildProcess {
    const child = spawn(process.execPath, [scriptPath, modulePath, target, writer, String(iterations), String(size), mode], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    return child;
  }

  const exited = (child: ChildProcess) =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
      else child.once('exit', (code) => resolve(code));
    });

  const tempsOf = async (target: string) =>
    (await fsp.readdir(path.dirname(target))).filter((n) => n.startsWith(`.${path.basename(target)}.moxnas-tmp-`));

  it('never lets a reader see a partial or mixed file while processes write concurrently', async () => {
    const size = 256 * 1024;
    const target = path.join(dir, 'concurrent.conf');
    await new NodeHostFs().writeFileAtomic(target, versionContent('seed', 0, size));
    const writers = ['a', 'b', 'c'].map((w) => startWriter(target, w, 40, size));
    const done = Promise.all(writers.map(exited));
    let finished = false;
    void done.then(() => (finished = true));

    const problems: string[] = [];
    const versions = new Set<string>();
    let reads = 0;
    while (!finished) {
      const text = await fsp.readFile(target, 'utf8');
      reads++;
      const problem = checkVersion(text, size);
      if (problem) problems.push(problem);
      else versions.add(text.slice(0, text.indexOf('\n')));
    }
    expect(await done).toEqual([0, 0, 0]);
    expect(problems).toEqual([]);
    // The reader really raced the writers: it saw many versions from more than one writer.
    expect(reads).toBeGreaterThan(20);
    expect(new Set([...versions].map((v) => v.split(' ')[0])).size).toBeGreaterThan(1);
    expect(await tempsOf(target)).toEqual([]);
  });

  it('leaves the old file intact when the writer dies between temp write and rename, and cleans the temp up', async () => {
    const size = 64 * 1024;
    const target = path.join(dir, 'crash.conf');
    const fs = new NodeHostFs();
    await fs.writeFileAtomic(target, versionContent('old', 1, size), { mode: 0o640 });

    const child = startWriter(target, 'new', 1, size, 'pause');
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    const temp = await waitFor(async () => /^TEMP (.+)$/m.exec(output)?.[1], 'the writer to pause before rename');
    // The complete new version sits in the temp file, not yet visible under the target's name.
    expect(await fsp.readFile(temp, 'utf8')).toBe(versionContent('new', 0, size));
    expect((await fsp.stat(temp)).mode & 0o777).toBe(0o640);
    child.kill('SIGKILL');
    await exited(child);

    expect(await fsp.readFile(target, 'utf8')).toBe(versionContent('old', 1, size));
    expect(await tempsOf(target)).toEqual([path.basename(temp)]);

    // The next write removes the dead writer's temp file.
    expect(await fs.writeFileAtomic(target, versionContent('next', 2, size))).toBe(true);
    expect(await tempsOf(target)).toEqual([]);
    expect(await fsp.readFile(target, 'utf8')).toBe(versionContent('next', 2, size));
    expect((await fsp.stat(target)).mode & 0o777).toBe(0o640);
  });

  it('keeps the target complete when writers are killed at random moments', async () => {
    const size = 512 * 1024;
    const target = path.join(dir, 'random-kill.conf');
    const fs = new NodeHostFs();
    await fs.writeFileAtomic(target, versionContent('seed', 0, size));
    for (let round = 0; round < 6; round++) {
      const child = startWriter(target, `k${round}`, 1000, size);
      await new Promise((r) => setTimeout(r, 40 + Math.floor(Math.random() * 200)));
      child.kill('SIGKILL');
      await exited(child);
      expect(checkVersion(await fsp.readFile(target, 'utf8'), size)).toBeNull();
    }
    await fs.writeFileAtomic(target, versionContent('final', 0, size));
    expect(await tempsOf(target)).toEqual([]);
  });

  it('leaves temp files of live writers alone and removes old ones', async () => {
    const target = path.join(dir, 'temps.conf');
    const now = Date.now();
    const fs = new NodeHostFs({ now: () => now });
    const live = path.join(dir, `.temps.conf.moxnas-tmp-${process.pid}-abc123`);
    const old = path.join(dir, `.temps.conf.moxnas-tmp-${process.pid}-def456`);
    await fsp.writeFile(live, 'in flight');
    await fsp.writeFile(old, 'forgotten');
    const twoHoursAgo = new Date(now - 2 * 3600_000);
    await fsp.utimes(old, twoHoursAgo, twoHoursAgo);
    await fs.writeFileAtomic(target, 'x\n');
    expect(await tempsOf(target)).toEqual([path.basename(live)]);
  });

  describe('writeFileAtomic semantics', () => {
    it('writes nothing when the content is identical, and reports changes', async () => {
      const fs = new NodeHostFs();
      const target = path.join(dir, 'same.conf');
      expect(await fs.writeFileAtomic(target, 'a = 1\n')).toBe(true);
      const before = await fsp.stat(target);
      expect(await fs.writeFileAtomic(target, 'a = 1\n')).toBe(false);
      expect((await fsp.stat(target)).ino).toBe(before.ino);
      expect(await fs.writeFileAtomic(target, 'a = 2\n')).toBe(true);
      expect((await fsp.stat(target)).ino).not.toBe(before.ino);
    });

    it('keeps the existing mode and owner unless told otherwise', async () => {
      const fs = new NodeHostFs();
      const target = path.join(dir, 'owned.conf');
      await fsp.writeFile(target, 'old');
      await fsp.chmod(target, 0o600);
      await fsp.chown(target, 65534, 65534);
      await fs.writeFileAtomic(target, 'new');
      let st = await fsp.stat(target);
      expect([st.mode & 0o7777, st.uid, st.gid]).toEqual([0o600, 65534, 65534]);

      await fs.writeFileAtomic(target, 'newer', { mode: 0o644, uid: 0, gid: 0 });
      st = await fsp.stat(target);
      expect([st.mode & 0o7777, st.uid, st.gid]).toEqual([0o644, 0, 0]);
      // Same content, different mode: metadata is fixed in place and reported as a change.
      expect(await fs.writeFileAtomic(target, 'newer', { mode: 0o640 })).toBe(true);
      expect((await fsp.stat(target)).mode & 0o7777).toBe(0o640);
    });

    it('creates new files 0644 whatever the umask, or with the mode given', async () => {
      const fs = new NodeHostFs();
      const previous = process.umask(0o077);
      try {
        await fs.writeFileAtomic(path.join(dir, 'new-default.conf'), 'x');
        await fs.writeFileAtomic(path.join(dir, 'new-secret.conf'), 'x', { mode: 0o600 });
      } finally {
        process.umask(previous);
      }
      expect((await fsp.stat(path.join(dir, 'new-default.conf'))).mode & 0o7777).toBe(0o644);
      expect((await fsp.stat(path.join(dir, 'new-secret.conf'))).mode & 0o7777).toBe(0o600);
    });

    it('writes through a symlink to the file it points at', async () => {
      const fs = new NodeHostFs();
      const real = path.join(dir, 'real.conf');
      const link = path.join(dir, 'link.conf');
      await fsp.writeFile(real, 'old');
      await fsp.symlink(real, link);
      await fs.writeFileAtomic(link, 'new');
      expect((await fsp.lstat(link)).isSymbolicLink()).toBe(true);
      expect(await fsp.readFile(real, 'utf8')).toBe('new');
    });

    it('fails cleanly when the directory is missing or the target is a directory', async () => {
      const fs = new NodeHostFs();
      await expect(fs.writeFileAtomic(path.join(dir, 'nope', 'x.conf'), 'x')).rejects.toMatchObject({ code: 'ENOENT' });
      await fsp.mkdir(path.join(dir, 'adir'));
      await expect(fs.writeFileAtomic(path.join(dir, 'adir'), 'x')).rejects.toMatchObject({ code: 'EISDIR' });
      expect((await fsp.readdir(dir)).filter((n) => n.startsWith('.adir'))).toEqual([]);
    });
  });

  describe('other operations', () => {
    it('reads missing files and stats as null', async () => {
      const fs = new NodeHostFs();
      expect(await fs.readFile(path.join(dir, 'missing'))).toBeNull();
      expect(await fs.stat(path.join(dir, 'missing'))).toBeNull();
      expect(await fs.lstat(path.join(dir, 'missing', 'deeper'))).toBeNull();
      expect(await fs.exists(path.join(dir, 'missing'))).toBe(false);
    });

    it('mkdir -p applies mode and owner to the leaf, also when it exists', async () => {
      const fs = new NodeHostFs();
      const leaf = path.join(dir, 'p', 'q', 'r');
      await fs.mkdir(leaf, { mode: 0o2770, uid: 65534, gid: 65534 });
      const st = await fs.stat(leaf);
      expect(st).toMatchObject({ type: 'directory', mode: 0o2770, uid: 65534, gid: 65534 });
      await fs.mkdir(leaf, { mode: 0o750 });
      expect((await fs.stat(leaf))?.mode).toBe(0o750);
    });

    it('lists, links, renames, changes and removes', async () => {
      const fs = new NodeHostFs();
      const base = path.join(dir, 'ops');
      await fs.mkdir(base);
      await fs.writeFileAtomic(path.join(base, 'a'), 'A');
      await fs.link(path.join(base, 'a'), path.join(base, 'hard'));
      await fs.symlink('a', path.join(base, 'soft'));
      expect(await fs.readdir(base)).toEqual(
        expect.arrayContaining([
          { name: 'a', type: 'file' },
          { name: 'hard', type: 'file' },
          { name: 'soft', type: 'symlink' },
        ]),
      );
      expect((await fs.stat(path.join(base, 'a')))?.nlink).toBe(2);
      expect(await fs.realpath(path.join(base, 'soft'))).toBe(path.join(await fsp.realpath(base), 'a'));
      await fs.rename(path.join(base, 'hard'), path.join(base, 'b'));
      await fs.chmod(path.join(base, 'b'), 0o600);
      await fs.chown(path.join(base, 'b'), 65534, 65534);
      expect(await fs.stat(path.join(base, 'b'))).toMatchObject({ mode: 0o600, uid: 65534 });
      await fs.rm(base, { recursive: true });
      expect(await fs.exists(base)).toBe(false);
      await expect(fs.rm(base)).rejects.toMatchObject({ code: 'ENOENT' });
      await fs.rm(base, { force: true });
    });

    it('reports file system sizes and the file system type', async () => {
      const fs = new NodeHostFs();
      const st = await fs.statfs(dir);
      expect(st.totalBytes).toBeGreaterThan(0);
      expect(st.availableBytes).toBeLessThanOrEqual(st.freeBytes);
      expect(st.type).toMatch(/^[a-z0-9]+$|^0x[0-9a-f]+$/);
      expect((await fs.statfs('/proc')).type).toBe('proc');
    });
  });
});
