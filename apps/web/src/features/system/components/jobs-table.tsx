import WorkHistoryIcon from '@mui/icons-material/WorkHistory';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TablePagination from '@mui/material/TablePagination';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { JobState, jobsApi, type Job } from '@moxnas/contracts';
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { EmptyState } from '../../../components/empty-state';
import { ErrorAlert } from '../../../components/error-alert';
import { PageLoader } from '../../../components/page-loader';
import { StatusChip } from '../../../components/status-chip';
import { useCan } from '../../../lib/auth';
import { formatDateTime } from '../../../lib/format';
import { useCancelJob } from '../api/cancel-job';
import { useJobs, type JobsFilter } from '../api/get-jobs';
import { JobDialog } from './job-dialog';
import { isActive, JobProgress } from './job-progress';
import { FilterSelect } from '../../../components/filter-select';

export function JobsTable() {
  const [filter, setFilter] = useState<JobsFilter>({ page: 1, pageSize: 20 });
  const [openId, setOpenId] = useState<string | null>(null);
  const [toCancel, setToCancel] = useState<Job | null>(null);
  const jobs = useJobs(filter);
  const canCancel = useCan(jobsApi.cancel);
  const cancel = useCancelJob();

  return (
    <Card component="section" aria-label="Jobs">
      <CardContent>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, mb: 2, flexWrap: 'wrap' }}>
          <Typography variant="h3" component="h2" sx={{ flex: 1 }}>
            Jobs
          </Typography>
          <FilterSelect label="State" value={filter.state} options={JobState.options} allLabel="All states" onChange={(state) => setFilter({ ...filter, page: 1, state })} width={160} />
        </Box>
        {jobs.isPending ? (
          <PageLoader />
        ) : jobs.isError ? (
          <ErrorAlert error={jobs.error} onRetry={() => void jobs.refetch()} />
        ) : jobs.data.items.length === 0 ? (
          <EmptyState
            icon={<WorkHistoryIcon />}
            title={filter.state ? `No ${filter.state} jobs` : 'No jobs yet'}
            description={
              filter.state
                ? 'Choose another state, or All, to see the other jobs.'
                : 'Long operations — applying configuration, taking or restoring snapshots — run as jobs and show their progress and log here.'
            }
            action={filter.state ? <Button onClick={() => setFilter({ ...filter, page: 1, state: undefined })}>Show all jobs</Button> : undefined}
          />
        ) : (
          <>
            <TableContainer>
              <Table size="small">
                <TableHead>
                  <TableRow>
                    <TableCell>Type</TableCell>
                    <TableCell>State</TableCell>
                    <TableCell sx={{ minWidth: 160 }}>Progress</TableCell>
                    <TableCell>Started by</TableCell>
                    <TableCell>Created</TableCell>
                    <TableCell align="right">Actions</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {jobs.data.items.map((job) => (
                    <TableRow key={job.id} hover>
                      <TableCell>
                        <code>{job.type}</code>
                        {(job.error ?? job.message) && (
                          <Typography variant="caption" component="div" sx={{ color: job.error ? 'error.main' : 'text.secondary' }}>
                            {job.error ?? job.message}
                          </Typography>
                        )}
                      </TableCell>
                      <TableCell>
                        <StatusChip status={job.state} />
                      </TableCell>
                      <TableCell>
                        <JobProgress job={job} />
                      </TableCell>
                      <TableCell>{job.actor ?? 'system'}</TableCell>
                      <TableCell>{formatDateTime(job.createdAt)}</TableCell>
                      <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                        <Button size="small" onClick={() => setOpenId(job.id)}>
                          Details
                        </Button>
                        {canCancel && isActive(job) && (
                          <Button size="small" color="error" disabled={job.cancelRequested} onClick={() => setToCancel(job)}>
                            {job.cancelRequested ? 'Cancelling…' : 'Cancel'}
                          </Button>
                        )}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </TableContainer>
            <TablePagination
              component="div"
              count={jobs.data.total}
              page={filter.page - 1}
              rowsPerPage={filter.pageSize}
              rowsPerPageOptions={[10, 20, 50, 100]}
              onPageChange={(_, page) => setFilter({ ...filter, page: page + 1 })}
              onRowsPerPageChange={(e) => setFilter({ ...filter, page: 1, pageSize: Number(e.target.value) })}
            />
          </>
        )}
      </CardContent>
      <JobDialog jobId={openId} onClose={() => setOpenId(null)} />
      <ConfirmDialog
        open={toCancel !== null}
        title="Cancel job?"
        subject={toCancel ? `job ${toCancel.type} (started ${formatDateTime(toCancel.createdAt)})` : ''}
        consequences="The job stops at its next checkpoint and ends as cancelled; work it already finished is not undone."
        confirmLabel="Cancel"
        pending={cancel.isPending}
        error={cancel.error}
        onClose={() => {
          setToCancel(null);
          cancel.reset();
        }}
        onConfirm={() => {
          if (!toCancel) return;
          cancel.mutate(toCancel.id, { onSuccess: () => setToCancel(null) });
        }}
      />
    </Card>
  );
}
