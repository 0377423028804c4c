import fs from 'node:fs/promises';
import path from 'node:path';
import type { CommandRunner } from '@moxnas/host';
import { lines, runForVerdict, withScratchDir, writeCandidate, type CheckOptions, type ConfigCheckResult } from '../validate/config-check';

/**
 * vsftpd has no "check config" flag. Run in inetd mode (`-olisten=NO -olisten_ipv6=NO`, which
 * override the file) with a plain file as fd 0, it parses the whole file, reports the first bad line
 * as `500 OOPS: …` on fd 0 and, when parsing succeeded, stops at its sanity check because fd 0 is
 * not a socket. That last message is therefore the "parsed fine" signal; it never listens on a port.
 * With `ssl_enable=YES` it loads the certificate and key first, so an unreadable one is caught too.
 */
const PARSED_OK = /not configured for standalone, must be started from inetd/;
const OOPS = /^500 OOPS:\s*/;

/** Decides from what vsftpd wrote to fd 0. Exported for unit tests. */
export function judgeVsftpd(code: number, control: string): Pick<ConfigCheckResult, 'ok' | 'messages'> {
  const said = lines(control);
  const problems = said.filter((l) => !PARSED_OK.test(l)).map((l) => l.replace(OOPS, ''));
  const parsed = said.some((l) => PARSED_OK.test(l));
  if (!parsed && problems.length === 0) problems.push(`vsftpd gave no verdict (exit ${code})`);
  return { ok: parsed && problems.length === 0, messages: problems };
}

/**
 * Checks a candidate vsftpd.conf (or a per-user file: same syntax) with vsftpd's own parser:
 * `vsftpd FILE -olisten=NO -olisten_ipv6=NO -obackground=NO` with fd 0 open read-write on a scratch
 * file (the shell's `0<>file`), then reads the verdict back from that file.
 */
export async function validateVsftpdConf(text: string, runner: CommandRunner, options: CheckOptions = {}): Promise<ConfigCheckResult> {
  return withScratchDir(options, async (dir) => {
    const file = await writeCandidate(dir, 'vsftpd.conf', text);
    const controlPath = path.join(dir, 'control');
    const control = await fs.open(controlPath, 'w+', 0o600);
    let code: number;
    try {
      const result = await runForVerdict(runner, 'vsftpd', [file, '-olisten=NO', '-olisten_ipv6=NO', '-obackground=NO'], {
        stdinFd: control.fd,
        timeoutMs: options.timeoutMs ?? 10_000,
      });
      code = result.code;
    } finally {
      await control.close();
    }
    return { ...judgeVsftpd(code, await fs.readFile(controlPath, 'utf8')), checker: 'vsftpd' };
  });
}
