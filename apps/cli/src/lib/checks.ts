import { out } from './output';

export type CheckStatus = 'ok' | 'warn' | 'fail';

/** One line of `status` / `doctor`: fail = required and broken; warn = degraded or optional. */
export interface Check {
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  /** The exact command or setting that fixes it, when there is one. */
  fix?: string;
}

export interface CheckReport {
  ok: boolean;
  checks: Check[];
}

export function report(checks: Check[]): CheckReport {
  return { ok: checks.every((c) => c.status !== 'fail'), checks };
}

const LABEL: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' };

/** Aligned text for people; `--json` prints the report object instead. */
export function printReport(r: CheckReport, json: boolean): void {
  if (json) {
    out(JSON.stringify(r, null, 2));
    return;
  }
  const width = Math.max(...r.checks.map((c) => c.title.length));
  for (const c of r.checks) {
    out(`${LABEL[c.status]}  ${c.title.padEnd(width)}  ${c.detail}`);
    if (c.fix && c.status !== 'ok') out(`${' '.repeat(width + 8)}fix: ${c.fix}`);
  }
  const failed = r.checks.filter((c) => c.status === 'fail').length;
  const warned = r.checks.filter((c) => c.status === 'warn').length;
  out('');
  out(failed ? `${failed} required check(s) failed, ${warned} warning(s).` : `All required checks passed${warned ? `, ${warned} warning(s)` : ''}.`);
}
