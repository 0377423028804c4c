import Box from '@mui/material/Box';
import LinearProgress from '@mui/material/LinearProgress';
import Typography from '@mui/material/Typography';
import type { Job } from '@moxnas/contracts';

export function JobProgress({ job }: { job: Job }) {
  const active = job.state === 'running' || job.state === 'queued';
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, minWidth: 120 }}>
      <LinearProgress
        sx={{ flex: 1, height: 6 }}
        variant={job.state === 'queued' ? 'indeterminate' : 'determinate'}
        value={job.progress}
        color={job.state === 'failed' ? 'error' : job.state === 'succeeded' ? 'success' : active ? 'primary' : 'inherit'}
        aria-label={`Progress of ${job.type}`}
      />
      <Typography variant="caption" sx={{ width: 36, textAlign: 'right' }}>
        {job.progress}%
      </Typography>
    </Box>
  );
}

export const isActive = (job: Job) => job.state === 'queued' || job.state === 'running';
