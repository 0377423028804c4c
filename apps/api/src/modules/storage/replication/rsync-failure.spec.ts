import { CommandError } from '@moxnas/host';
import { JobCancelledError } from '../../system/jobs/jobs.service';
import { rsyncFailure } from './rsync-failure';

const target = { taskId: 't-1', host: '10.0.0.5', port: 2222 };
const failed = (code: number, stderr: string) => new CommandError('failed', 'rsync', [], `rsync exited with ${code}`, { code, stdout: '', stderr });

describe('what a failed rsync means for the run', () => {
  it('turns a cancel into the job cancel', () => {
    expect(rsyncFailure(new CommandError('cancelled', 'rsync', [], 'rsync was cancelled'), target)).toBeInstanceOf(JobCancelledError);
  });

  it('says a changed host key in words, with the task’s own forget endpoint', () => {
    const e = rsyncFailure(failed(255, '@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\nHost key verification failed.\nrsync: connection unexpectedly closed (0 bytes received so far) [sender]\n'), target);
    expect(e.message).toMatch(/^The host key of \[10\.0\.0\.5\]:2222 has changed since it was pinned: the run was refused\./);
    expect(e.message).toContain('DELETE /api/storage/replication-tasks/t-1/host-key');
  });

  it('names the exit code and the last lines of rsync’s complaint', () => {
    expect(rsyncFailure(failed(255, 'backup@10.0.0.5: Permission denied (publickey).\nrsync: connection unexpectedly closed\n'), target).message).toBe(
      'rsync exited with 255 (ssh failed): backup@10.0.0.5: Permission denied (publickey). | rsync: connection unexpectedly closed',
    );
    expect(rsyncFailure(failed(23, 'rsync: [receiver] mkstemp "/backup/.x" failed: Permission denied (13)\n'), target).message).toMatch(/^rsync exited with 23 \(some files could not be transferred\): rsync: \[receiver\] mkstemp/);
    expect(rsyncFailure(failed(99, ''), target).message).toBe('rsync exited with 99: no error output');
  });

  it('passes other errors through', () => {
    const timeout = new CommandError('timeout', 'rsync', [], 'rsync did not finish within 1 ms');
    expect(rsyncFailure(timeout, target)).toBe(timeout);
    expect(rsyncFailure(new Error('boom'), target).message).toBe('boom');
  });
});
