import type { ApplyResult, ServiceId } from '@moxnas/contracts';
import type { DaemonOutcome } from './managed-config';

/** Daemon outcomes from the most to the least notable, for the summary of a multi-service change. */
const DAEMON_RANK: ApplyResult['daemon'][] = ['unavailable', 'not-running', 'reloaded', 'unchanged'];

/** One result for the whole change: with one service exactly its own, else all diffs and revisions. */
export function summarise(per: Partial<Record<ServiceId, ApplyResult>>, dryRun: boolean): ApplyResult {
  const results = Object.entries(per) as Array<[ServiceId, ApplyResult]>;
  if (results.length === 1) return results[0][1];
  const messages = results.filter(([, r]) => r.message).map(([service, r]) => `${service}: ${r.message}`);
  return {
    dryRun,
    applied: !dryRun && results.every(([, r]) => r.applied),
    daemon: DAEMON_RANK.find((d) => results.some(([, r]) => r.daemon === d)) ?? 'unchanged',
    message: messages.length ? messages.join(' ') : null,
    diffs: results.flatMap(([, r]) => r.diffs),
    revisionIds: results.flatMap(([, r]) => r.revisionIds),
  };
}

/** What the caller is told about a daemon that took the files (or could not), and a checker that was skipped. */
export function describeOutcome(daemon: DaemonOutcome, skipped: string | undefined): string | null {
  const parts: string[] = [];
  if (daemon.outcome === 'not-running') parts.push('The daemon is not running; the new configuration takes effect when it starts.');
  if (daemon.outcome === 'unavailable') parts.push(`The files were written, but the daemon cannot run here: ${daemon.reason}`);
  if (skipped) parts.push(skipped);
  return parts.length ? parts.join(' ') : null;
}
