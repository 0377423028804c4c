import { lines, runForVerdict, withScratchDir, writeCandidate, type CheckOptions, type ConfigCheckResult } from '../validate/config-check';
import { EXPORTS_NAMESPACE_SCRIPT, type CommandRunner } from '@moxnas/host';
import { parseExports } from './exports.parser';

export interface ExportsCheckResult extends ConfigCheckResult {
  /** `exportfs -v` run against the candidate inside the namespace (exportfs checker only). */
  exportfsVerbose?: string;
  /** The etab exportfs wrote for the candidate: every effective option of every client. */
  etab?: string;
}

export interface ExportsCheckOptions extends CheckOptions {
  /** Whether this process is root (default: from process.getuid); exportfs needs root and a mount namespace. */
  isRoot?: boolean;
  /** The node binary run inside the namespace (default: the running one). */
  nodePath?: string;
}

interface NamespaceReport {
  setupError?: string;
  reexport?: { code: number; stdout: string; stderr: string };
  verbose?: string;
  etab?: string;
}

/** exportfs keeps going after most problems; these words in its stderr mean the file is wrong. */
const FAILURE = /unknown keyword|incompatible duplicated|failed to stat|bad option|invalid|syntax error|error/i;
/** Only a warning: a host name that does not resolve now may resolve when a client mounts. */
const WARNING_ONLY = /failed to resolve/i;

/** Decides from exportfs' exit code and stderr. Exported for unit tests. */
export function judgeExportfs(code: number, stderr: string): Pick<ConfigCheckResult, 'ok' | 'messages'> {
  const messages = lines(stderr).map((l) => l.replace(/^exportfs:\s*/, ''));
  const failed = code !== 0 || messages.some((m) => FAILURE.test(m) && !WARNING_ONLY.test(m));
  if (code !== 0 && messages.length === 0) messages.push(`exportfs -ra exited with ${code}`);
  return { ok: !failed, messages };
}

function parserVerdict(text: string, note: string | undefined): ExportsCheckResult {
  const { errors } = parseExports(text);
  return { ok: errors.length === 0, messages: errors, checker: 'exports-parser', ...(note ? { note } : {}) };
}

/**
 * Checks a candidate /etc/exports. As root with `unshare`: the real `exportfs -ra` against the
 * candidate inside a private mount namespace (see EXPORTS_NAMESPACE_SCRIPT in libs/host), after the strict
 * parser. Otherwise (not root, an unprivileged container refusing the namespace): the strict parser
 * alone, and `note` says why.
 */
export async function validateExports(text: string, runner: CommandRunner, options: ExportsCheckOptions = {}): Promise<ExportsCheckResult> {
  const parsed = parserVerdict(text, undefined);
  if (!parsed.ok) return parsed;
  const isRoot = options.isRoot ?? process.getuid?.() === 0;
  if (!isRoot) return parserVerdict(text, 'exportfs needs root; checked with the strict parser');
  for (const binary of ['unshare', 'exportfs', 'mount']) {
    if (!(await runner.has(binary))) return parserVerdict(text, `${binary} is not available; checked with the strict parser`);
  }
  return withScratchDir(options, async (dir) => {
    const candidate = await writeCandidate(dir, 'exports', text);
    const result = await runForVerdict(
      runner,
      'unshare',
      ['-m', '--propagation', 'private', '--', options.nodePath ?? process.execPath, '-e', EXPORTS_NAMESPACE_SCRIPT, candidate, dir],
      { timeoutMs: options.timeoutMs ?? 30_000 },
    );
    let report: NamespaceReport;
    try {
      report = JSON.parse(result.stdout) as NamespaceReport;
    } catch {
      const why = lines(result.stderr).slice(-1)[0] ?? `unshare exited with ${result.code}`;
      return parserVerdict(text, `no private mount namespace (${why}); checked with the strict parser`);
    }
    if (report.setupError || !report.reexport) {
      return parserVerdict(text, `exportfs check could not be set up (${report.setupError ?? 'no report'}); checked with the strict parser`);
    }
    return {
      ...judgeExportfs(report.reexport.code, report.reexport.stderr),
      checker: 'exportfs',
      exportfsVerbose: report.verbose ?? '',
      etab: report.etab ?? '',
    };
  });
}
