import Box from '@mui/material/Box';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import LinearProgress from '@mui/material/LinearProgress';
import Typography from '@mui/material/Typography';
import { ErrorAlert } from '../../../components/error-alert';
import { PageLoader } from '../../../components/page-loader';
import { StatusChip } from '../../../components/status-chip';
import { formatDateTime } from '../../../lib/format';
import { useRecentJobs } from '../api/get-recent-jobs';

export function RecentJobs({ live = false }: { live?: boolean }) {
  const jobs = useRecentJobs({ live });
  return (
    <Card component="section" aria-label="Recent jobs">
      <CardContent>
        <Typography variant="h3" component="h2" sx={{ mb: 1.5 }}>
          Recent jobs
        </Typography>
        {jobs.isPending ? (
          <PageLoader />
        ) : jobs.isError ? (
          <ErrorAlert error={jobs.error} onRetry={() => void jobs.refetch()} />
        ) : jobs.data.items.length === 0 ? (
          <Typography variant="body2" sx={{ color: 'text.secondary' }}>
            No jobs yet. Long operations — applying configuration, snapshots, restores — show their progress here.
          </Typography>
        ) : (
          <Box component="ul" sx={{ listStyle: 'none', m: 0, p: 0, display: 'grid', gap: 1.5 }}>
            {jobs.data.items.map((job) => (
              <Box component="li" key={job.id}>
                <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
                  <Typography variant="body2" sx={{ fontFamily: 'monospace', flex: 1, minWidth: 0 }} noWrap>
                    {job.type}
                  </Typography>
                  <StatusChip status={job.state} />
                </Box>
                {(job.state === 'running' || job.state === 'queued') && (
                  <LinearProgress
                    variant={job.state === 'queued' ? 'indeterminate' : 'determinate'}
                    value={job.progress}
                    aria-label={`${job.type} progress`}
                    sx={{ mt: 0.5 }}
                  />
                )}
                <Typography variant="caption" sx={{ color: 'text.secondary' }}>
                  {job.error ?? job.message ?? ''} {job.message || job.error ? '· ' : ''}
                  {formatDateTime(job.createdAt)}
                  {job.actor ? ` · ${job.actor}` : ''}
                </Typography>
              </Box>
            ))}
          </Box>
        )}
      </CardContent>
    </Card>
  );
}
