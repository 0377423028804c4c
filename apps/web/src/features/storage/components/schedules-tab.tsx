import ScheduleIcon from '@mui/icons-material/Schedule';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Switch from '@mui/material/Switch';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { snapshotTasksApi, type Retention, type SnapshotTask } from '@moxnas/contracts';
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { EmptyState } from '../../../components/empty-state';
import { ErrorAlert } from '../../../components/error-alert';
import { PageLoader } from '../../../components/page-loader';
import { StatusChip } from '../../../components/status-chip';
import { useCan } from '../../../lib/auth';
import { formatDateTime } from '../../../lib/format';
import { useDatasets, useRemoveTask, useRunTask, useSetTaskEnabled, useSnapshotTasks } from '../api/storage';

function retentionText(r: Retention): string {
  const parts = (['hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const).filter((k) => r[k] > 0).map((k) => `${r[k]} ${k}`);
  return parts.length ? `keep ${parts.join(', ')}` : 'keep all';
}

export function SchedulesTab() {
  const tasks = useSnapshotTasks();
  const datasets = useDatasets();
  const canRun = useCan(snapshotTasksApi.run);
  const canUpdate = useCan(snapshotTasksApi.update);
  const canRemove = useCan(snapshotTasksApi.remove);
  const run = useRunTask();
  const remove = useRemoveTask();
  const setEnabled = useSetTaskEnabled();
  const [removing, setRemoving] = useState<SnapshotTask | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const label = (id: string) => datasets.data?.find((d) => d.id === id)?.relativePath ?? id.slice(0, 8);

  return (
    <>
      {notice && (
        <Alert severity="info" onClose={() => setNotice(null)} sx={{ mb: 2 }}>
          {notice}
        </Alert>
      )}
      {[run, setEnabled].map((m, i) => (m.isError ? <ErrorAlert key={i} error={m.error} sx={{ mb: 2 }} /> : null))}
      {tasks.isPending ? (
        <PageLoader />
      ) : tasks.isError ? (
        <ErrorAlert error={tasks.error} onRetry={() => void tasks.refetch()} />
      ) : tasks.data.length === 0 ? (
        <EmptyState
          icon={<ScheduleIcon />}
          title="No snapshot schedules"
          description="Schedules take snapshots of datasets on a cron schedule and prune them by retention rules (keep N hourly, daily, weekly, monthly). Creating them from the dashboard comes in a later version; the API offers it at POST /api/storage/snapshot-tasks."
        />
      ) : (
        <TableContainer>
          <Table size="small" aria-label="Snapshot schedules">
            <TableHead>
              <TableRow>
                <TableCell>Name</TableCell>
                <TableCell>Schedule</TableCell>
                <TableCell>Datasets</TableCell>
                <TableCell>Retention</TableCell>
                <TableCell>Last run</TableCell>
                <TableCell>Next run</TableCell>
                <TableCell>Enabled</TableCell>
                {(canRun || canRemove) && <TableCell align="right">Actions</TableCell>}
              </TableRow>
            </TableHead>
            <TableBody>
              {tasks.data.map((t) => (
                <TableRow key={t.id} hover>
                  <TableCell sx={{ fontWeight: 600 }}>{t.name}</TableCell>
                  <TableCell>
                    <code>{t.schedule}</code>
                    <Typography variant="caption" component="div" sx={{ color: 'text.secondary' }}>
                      {t.timezone}
                    </Typography>
                  </TableCell>
                  <TableCell>{t.datasetIds.map(label).join(', ')}</TableCell>
                  <TableCell>{retentionText(t.retention)}</TableCell>
                  <TableCell>
                    {t.lastRunAt ? formatDateTime(t.lastRunAt) : 'never'}{' '}
                    {t.lastResult && <StatusChip status={t.lastResult} />}
                    {t.lastError && (
                      <Typography variant="caption" component="div" sx={{ color: 'error.main' }}>
                        {t.lastError}
                      </Typography>
                    )}
                  </TableCell>
                  <TableCell>{t.enabled && t.nextRunAt ? formatDateTime(t.nextRunAt) : '—'}</TableCell>
                  <TableCell>
                    <Switch
                      checked={t.enabled}
                      disabled={!canUpdate || (setEnabled.isPending && setEnabled.variables.id === t.id)}
                      onChange={(e) => setEnabled.mutate({ id: t.id, enabled: e.target.checked })}
                      slotProps={{ input: { 'aria-label': `${t.name} enabled` } }}
                    />
                  </TableCell>
                  {(canRun || canRemove) && (
                    <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                      {canRun && (
                        <Button size="small" loading={run.isPending && run.variables === t.id} onClick={() => run.mutate(t.id, { onSuccess: () => setNotice(`“${t.name}” is running; see the Snapshots tab.`) })}>
                          Run now
                        </Button>
                      )}
                      {canRemove && (
                        <Button size="small" color="error" onClick={() => setRemoving(t)}>
                          Delete
                        </Button>
                      )}
                    </TableCell>
                  )}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      )}
      <ConfirmDialog
        open={removing !== null}
        title="Delete schedule?"
        subject={removing ? `snapshot schedule “${removing.name}”` : ''}
        consequences="No more snapshots are taken by it. The snapshots it took stay, as manual snapshots that are never pruned."
        pending={remove.isPending}
        error={remove.error}
        onClose={() => {
          setRemoving(null);
          remove.reset();
        }}
        onConfirm={() => removing && remove.mutate(removing.id, { onSuccess: () => setRemoving(null) })}
      />
    </>
  );
}
