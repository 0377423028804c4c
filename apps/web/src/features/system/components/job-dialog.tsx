import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Typography from '@mui/material/Typography';
import { ErrorAlert } from '../../../components/error-alert';
import { PageLoader } from '../../../components/page-loader';
import { StatusChip } from '../../../components/status-chip';
import { formatDateTime, formatTime } from '../../../lib/format';
import { useJob } from '../api/get-job';
import { JobProgress } from './job-progress';

const LEVEL_COLORS = { info: 'text.secondary', warn: 'warning.main', error: 'error.main' } as const;

export function JobDialog({ jobId, onClose }: { jobId: string | null; onClose: () => void }) {
  const job = useJob(jobId);
  return (
    <Dialog open={jobId !== null} onClose={onClose} maxWidth="md" aria-labelledby="job-dialog-title">
      <DialogTitle id="job-dialog-title">Job {job.data ? <code>{job.data.type}</code> : null}</DialogTitle>
      <DialogContent dividers>
        {job.isPending ? (
          <PageLoader />
        ) : job.isError ? (
          <ErrorAlert error={job.error} onRetry={() => void job.refetch()} />
        ) : (
          <>
            <Box sx={{ display: 'flex', gap: 2, alignItems: 'center', mb: 2, flexWrap: 'wrap' }}>
              <StatusChip status={job.data.state} />
              <Box sx={{ flex: 1, minWidth: 160 }}>
                <JobProgress job={job.data} />
              </Box>
            </Box>
            <Typography variant="body2" sx={{ color: 'text.secondary' }}>
              Created {formatDateTime(job.data.createdAt)}
              {job.data.actor ? ` by ${job.data.actor}` : ' by the system'}
              {job.data.finishedAt ? ` · finished ${formatDateTime(job.data.finishedAt)}` : ''}
            </Typography>
            {job.data.error && <ErrorAlert error={new Error(job.data.error)} title="The job failed" sx={{ mt: 2 }} />}
            <Typography variant="h4" component="h3" sx={{ mt: 2, mb: 1 }}>
              Log
            </Typography>
            {job.data.log.length === 0 ? (
              <Typography variant="body2" sx={{ color: 'text.secondary' }}>
                No log lines yet.
              </Typography>
            ) : (
              <Box
                component="pre"
                sx={{ m: 0, p: 1.5, bgcolor: 'action.hover', borderRadius: 1, fontSize: 12, overflow: 'auto', maxHeight: 360 }}
              >
                {job.data.log.map((line, i) => (
                  <Box component="span" key={i} sx={{ display: 'block', color: LEVEL_COLORS[line.level] }}>
                    {formatTime(line.at)} {line.level.toUpperCase().padEnd(5)} {line.message}
                  </Box>
                ))}
              </Box>
            )}
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
