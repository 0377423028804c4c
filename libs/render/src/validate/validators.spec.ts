import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { validateVsftpdConf, judgeVsftpd } from '../ftp/vsftpd.validator';
import { judgeExportfs, validateExports } from '../nfs/exports.validator';
import { judgeTestparm, validateSmbConf } from '../smb/smb-conf.validator';
import { FakeCommandRunner } from '../test/fake-command-runner';

const ok = (stdout = '', stderr = '') => ({ code: 0, stdout, stderr });
const GOOD_EXPORTS = '/mnt/a 10.0.0.1(rw,sync,root_squash,sec=sys,no_subtree_check)\n';

let tmpDir: string;
beforeEach(() => {
  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'moxnas-validator-spec-'));
});
afterEach(() => fs.rmSync(tmpDir, { recursive: true, force: true }));

/** Scratch dirs must be gone after every check. */
const leftovers = () => fs.readdirSync(tmpDir);

describe('validateSmbConf', () => {
  it('runs testparm on a private copy of the candidate and removes it afterwards', async () => {
    let seen = '';
    const runner = new FakeCommandRunner({
      testparm: ({ args }) => {
        seen = fs.readFileSync(args[2], 'utf8');
        expect(fs.statSync(path.dirname(args[2])).mode & 0o777).toBe(0o700);
        return ok('[global]\n', 'Load smb config files from x\nLoaded services file OK.\nWeak crypto is allowed by GnuTLS\n\nServer role: ROLE_STANDALONE\n');
      },
    });
    const result = await validateSmbConf('[global]\n', runner, { tmpDir });
    expect(result).toEqual({ ok: true, messages: [], checker: 'testparm' });
    expect(runner.calls[0].args.slice(0, 2)).toEqual(['-s', '--suppress-prompt']);
    expect(seen).toBe('[global]\n');
    expect(leftovers()).toEqual([]);
  });

  it('fails on an unknown parameter even though testparm exits 0', async () => {
    const runner = new FakeCommandRunner({ testparm: () => ok('', 'Unknown parameter encountered: "bogus"\nIgnoring unknown parameter "bogus"\n') });
    const result = await validateSmbConf('x', runner, { tmpDir });
    expect(result.ok).toBe(false);
    expect(result.messages).toEqual(['Unknown parameter encountered: "bogus"', 'Ignoring unknown parameter "bogus"']);
  });

  it('judges exit codes and the error words', () => {
    expect(judgeTestparm(1, '').ok).toBe(false);
    expect(judgeTestparm(1, '').messages).toEqual(['testparm exited with 1']);
    expect(judgeTestparm(0, 'ERROR: state directory /x does not exist\n').ok).toBe(false);
    expect(judgeTestparm(0, 'Invalid value for parameter\n').ok).toBe(false);
    expect(judgeTestparm(0, 'WARNING: lock directory /x does not exist\n')).toEqual({ ok: true, messages: ['WARNING: lock directory /x does not exist'] });
  });

  it('lets "cannot check" surface as an error, not as a verdict', async () => {
    await expect(validateSmbConf('x', new FakeCommandRunner({}), { tmpDir })).rejects.toThrow(/not installed/);
    expect(leftovers()).toEqual([]);
  });
});

describe('validateExports', () => {
  it('refuses what the strict parser refuses without running anything', async () => {
    const runner = new FakeCommandRunner({ unshare: () => ok() });
    const result = await validateExports('/mnt/a h(rw,bogus)\n', runner, { tmpDir, isRoot: true });
    expect(result).toMatchObject({ ok: false, checker: 'exports-parser' });
    expect(runner.calls).toEqual([]);
  });

  it('falls back to the parser when not root, saying why', async () => {
    const result = await validateExports(GOOD_EXPORTS, new FakeCommandRunner({}), { tmpDir, isRoot: false });
    expect(result).toEqual({ ok: true, messages: [], checker: 'exports-parser', note: 'exportfs needs root; checked with the strict parser' });
  });

  it('falls back when a binary is missing', async () => {
    const runner = new FakeCommandRunner({ unshare: () => ok(), mount: () => ok() });
    expect((await validateExports(GOOD_EXPORTS, runner, { tmpDir, isRoot: true })).note).toMatch(/exportfs is not available/);
  });

  it('falls back when the kernel refuses a mount namespace', async () => {
    const runner = new FakeCommandRunner({
      unshare: () => ({ code: 1, stdout: '', stderr: 'unshare: unshare failed: Operation not permitted\n' }),
      exportfs: () => ok(),
      mount: () => ok(),
    });
    const result = await validateExports(GOOD_EXPORTS, runner, { tmpDir, isRoot: true });
    expect(result).toMatchObject({ ok: true, checker: 'exports-parser' });
    expect(result.note).toMatch(/Operation not permitted/);
  });

  it('runs exportfs inside a private mount namespace with no shell and reports its verdict', async () => {
    const runner = new FakeCommandRunner({
      unshare: ({ args }) => {
        expect(args.slice(0, 4)).toEqual(['-m', '--propagation', 'private', '--']);
        expect(args[4]).toBe('/usr/bin/node');
        expect(args[5]).toBe('-e');
        expect(fs.readFileSync(args[7], 'utf8')).toBe(GOOD_EXPORTS);
        expect(args[8]).toBe(path.dirname(args[7]));
        const report = { reexport: { code: 0, stdout: '', stderr: 'exportfs: Failed to resolve nas.lan\n' }, verbose: '/mnt/a\t10.0.0.1(rw)\n', etab: 'etab' };
        return ok(JSON.stringify(report));
      },
      exportfs: () => ok(),
      mount: () => ok(),
    });
    const result = await validateExports(GOOD_EXPORTS, runner, { tmpDir, isRoot: true, nodePath: '/usr/bin/node' });
    expect(result).toEqual({
      ok: true,
      messages: ['Failed to resolve nas.lan'],
      checker: 'exportfs',
      exportfsVerbose: '/mnt/a\t10.0.0.1(rw)\n',
      etab: 'etab',
    });
    expect(leftovers()).toEqual([]);
  });

  it('judges exportfs output', () => {
    expect(judgeExportfs(1, 'exportfs: Failed to stat /mnt/x: No such file or directory\n')).toEqual({
      ok: false,
      messages: ['Failed to stat /mnt/x: No such file or directory'],
    });
    expect(judgeExportfs(0, 'exportfs: /etc/exports:1: unknown keyword "x"\n').ok).toBe(false);
    expect(judgeExportfs(0, 'exportfs: incompatible duplicated export entries:\n').ok).toBe(false);
    expect(judgeExportfs(0, '').ok).toBe(true);
  });
});

describe('validateVsftpdConf', () => {
  /** Plays vsftpd: writes its verdict to fd 0, as the real one does. */
  const vsftpd = (reply: string) =>
    new FakeCommandRunner({
      vsftpd: ({ args, options }) => {
        expect(args.slice(1)).toEqual(['-olisten=NO', '-olisten_ipv6=NO', '-obackground=NO']);
        expect(typeof options.stdinFd).toBe('number');
        fs.writeSync(options.stdinFd as number, reply);
        return { code: 2, stdout: '', stderr: '' };
      },
    });

  it('accepts a file vsftpd parsed (it stops at the inetd socket check)', async () => {
    const result = await validateVsftpdConf('listen=YES\n', vsftpd('500 OOPS: vsftpd: not configured for standalone, must be started from inetd\n'), { tmpDir });
    expect(result).toEqual({ ok: true, messages: [], checker: 'vsftpd' });
    expect(leftovers()).toEqual([]);
  });

  it('refuses unknown options and bad values with vsftpd’s own words', async () => {
    const result = await validateVsftpdConf('bogus=1\n', vsftpd('500 OOPS: unrecognised variable in config file: bogus\n'), { tmpDir });
    expect(result).toEqual({ ok: false, messages: ['unrecognised variable in config file: bogus'], checker: 'vsftpd' });
  });

  it('treats silence as failure', () => {
    expect(judgeVsftpd(139, '')).toEqual({ ok: false, messages: ['vsftpd gave no verdict (exit 139)'] });
  });
});
