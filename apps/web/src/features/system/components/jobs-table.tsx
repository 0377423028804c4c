import WorkHistoryIcon from '@mui/icons-material/WorkHistory';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Typography from '@mui/material/Typography';
import { JobState, jobsApi, type Job } from '@moxnas/contracts';
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { EmptyState } from '../../../components/empty-state';
import { ResourceTable } from '../../../components/resource-table';
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
        <ResourceTable
          query={jobs}
          rows={(d) => d.items}
          rowKey={(job) => job.id}
          label="Job list"
          pagination={
            jobs.data && {
              total: jobs.data.total,
              page: filter.page,
              pageSize: filter.pageSize,
              pageSizes: [10, 20, 50, 100],
              onPageChange: (page) => setFilter({ ...filter, page }),
              onPageSizeChange: (pageSize) => setFilter({ ...filter, page: 1, pageSize }),
            }
          }
          empty={
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
          }
          columns={[
            {
              id: 'type',
              header: 'Type',
              cell: (job) => (
                <>
                  <code>{job.type}</code>
                  {(job.error ?? job.message) && (
                    <Typography variant="caption" component="div" sx={{ color: job.error ? 'error.main' : 'text.secondary' }}>
                      {job.error ?? job.message}
                    </Typography>
                  )}
                </>
              ),
            },
            { id: 'state', header: 'State', cell: (job) => <StatusChip status={job.state} /> },
            { id: 'progress', header: 'Progress', headerSx: { minWidth: 160 }, cell: (job) => <JobProgress job={job} /> },
            { id: 'actor', header: 'Started by', cell: (job) => job.actor ?? 'system' },
            { id: 'created', header: 'Created', cell: (job) => formatDateTime(job.createdAt) },
            {
              id: 'actions',
              header: 'Actions',
              align: 'right',
              sx: { whiteSpace: 'nowrap' },
              cell: (job) => (
                <>
                  <Button size="small" onClick={() => setOpenId(job.id)}>
                    Details
                  </Button>
                  {canCancel && isActive(job) && (
                    <Button size="small" color="error" disabled={job.cancelRequested} onClick={() => setToCancel(job)}>
                      {job.cancelRequested ? 'Cancelling…' : 'Cancel'}
                    </Button>
                  )}
                </>
              ),
            },
          ]}
        />
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
