import type { CommandRunner } from '@moxnas/host';
import { lines, runForVerdict, withScratchDir, writeCandidate, type CheckOptions, type ConfigCheckResult } from '../validate/config-check';

/**
 * testparm exits 0 for unknown parameters (it only says "Ignoring unknown parameter"), so its stderr
 * decides as much as its exit code. Matched case-insensitively: it prints both "Error" and "ERROR:".
 */
const FAILURE = /unknown parameter|ignoring unknown parameter|invalid|error/i;
/** Lines testparm always prints; not worth showing anyone. */
const NOISE = [/^Load smb config files from /, /^Loaded services file OK\.?$/, /^Weak crypto is allowed/, /^Server role: /, /^Press enter to see a dump/];

/** Splits testparm's stderr into what matters and decides. Exported for unit tests. */
export function judgeTestparm(code: number, stderr: string): Pick<ConfigCheckResult, 'ok' | 'messages'> {
  const messages = lines(stderr).filter((l) => !NOISE.some((n) => n.test(l)));
  const failed = code !== 0 || messages.some((m) => FAILURE.test(m));
  if (code !== 0 && messages.length === 0) messages.push(`testparm exited with ${code}`);
  return { ok: !failed, messages };
}

/**
 * Checks a candidate smb.conf with Samba's own parser: `testparm -s --suppress-prompt FILE`.
 * Only a syntax and known-parameter check; what a value means is guarded by the grammars.
 */
export async function validateSmbConf(text: string, runner: CommandRunner, options: CheckOptions = {}): Promise<ConfigCheckResult> {
  return (await dumpSmbConf(text, runner, options)).check;
}

/**
 * The normalized dump `testparm -s` prints for a candidate (stdout), for round-trip checks and for
 * showing the effective configuration. Throws when testparm cannot run.
 */
export async function dumpSmbConf(text: string, runner: CommandRunner, options: CheckOptions = {}): Promise<{ dump: string; check: ConfigCheckResult }> {
  return withScratchDir(options, async (dir) => {
    const file = await writeCandidate(dir, 'smb.conf', text);
    const result = await runForVerdict(runner, 'testparm', ['-s', '--suppress-prompt', file], { timeoutMs: options.timeoutMs ?? 20_000 });
    return { dump: result.stdout, check: { ...judgeTestparm(result.code, result.stderr), checker: 'testparm' } };
  });
}
