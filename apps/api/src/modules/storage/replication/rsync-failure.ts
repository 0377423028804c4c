import { CommandError, hostKeyProblem } from '@moxnas/host';
import { JobCancelledError } from '../../system/jobs/jobs.service';

/** rsync's exit codes that say more than its last stderr line (man rsync, EXIT VALUES). */
const RSYNC_EXIT: Readonly<Record<number, string>> = {
  1: 'syntax or usage error',
  2: 'protocol incompatibility',
  3: 'errors selecting input/output files or directories',
  5: 'error starting client-server protocol',
  10: 'error in socket I/O',
  11: 'error in file I/O',
  12: 'error in the rsync protocol data stream',
  23: 'some files could not be transferred',
  24: 'some source files vanished during the transfer',
  30: 'timeout in data send/receive',
  35: 'timeout waiting for the daemon connection',
  255: 'ssh failed',
};

/**
 * What a failed rsync means for the run: a cancel is the job's cancel; a refused host key is said
 * in words the admin can act on (with the task's own forget endpoint); anything else names the
 * exit code's meaning and rsync's last error lines.
 */
export function rsyncFailure(err: unknown, target: { taskId: string; host: string; port: number }): Error {
  if (!(err instanceof CommandError)) return err instanceof Error ? err : new Error(String(err));
  if (err.kind === 'cancelled') return new JobCancelledError();
  if (!err.result) return err;
  const pinned = hostKeyProblem(err.result.stderr, target.host, target.port);
  if (pinned) return new Error(pinned.replace('{id}', target.taskId));
  const meaning = RSYNC_EXIT[err.result.code];
  const tail = err.result.stderr.trim().split('\n').slice(-3).join(' | ');
  return new Error(`rsync exited with ${err.result.code}${meaning ? ` (${meaning})` : ''}: ${tail || 'no error output'}`);
}
