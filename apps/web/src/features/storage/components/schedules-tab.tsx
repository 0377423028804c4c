import AddIcon from '@mui/icons-material/Add';
import ScheduleIcon from '@mui/icons-material/Schedule';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Switch from '@mui/material/Switch';
import Typography from '@mui/material/Typography';
import { snapshotTasksApi, type Retention, type SnapshotTask } from '@moxnas/contracts';
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { EmptyState } from '../../../components/empty-state';
import { ResourceTable } from '../../../components/resource-table';
import { ErrorAlert } from '../../../components/error-alert';
import { StatusChip } from '../../../components/status-chip';
import { useCan } from '../../../lib/auth';
import { formatDateTime } from '../../../lib/format';
import { useDatasets, useRemoveTask, useRunTask, useSetTaskEnabled, useSnapshotTasks } from '../api/storage';
import { RetentionPreviewPanel } from './retention-preview';
import { ScheduleDialog } from './schedule-dialog';

function retentionText(r: Retention): string {
  const parts = (['hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const).filter((k) => r[k] > 0).map((k) => `${r[k]} ${k}`);
  return parts.length ? `keep ${parts.join(', ')}` : 'keep all';
}

/** The stored rule's effect, for everyone who may see the schedules. */
function PreviewDialog({ task, label, onClose }: { task: SnapshotTask; label: (id: string) => string; onClose: () => void }) {
  return (
    <Dialog open onClose={onClose} maxWidth="sm" fullWidth aria-labelledby="retention-title">
      <DialogTitle id="retention-title">Retention of “{task.name}”</DialogTitle>
      <DialogContent dividers>
        <Typography variant="body2" sx={{ mb: 1 }}>
          Rule: {retentionText(task.retention)}.
        </Typography>
        <RetentionPreviewPanel taskId={task.id} datasetLabel={label} />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}

export function SchedulesTab() {
  const tasks = useSnapshotTasks();
  const datasets = useDatasets();
  const canCreate = useCan(snapshotTasksApi.create);
  const canRun = useCan(snapshotTasksApi.run);
  const canUpdate = useCan(snapshotTasksApi.update);
  const canRemove = useCan(snapshotTasksApi.remove);
  const run = useRunTask();
  const remove = useRemoveTask();
  const setEnabled = useSetTaskEnabled();
  const [editing, setEditing] = useState<SnapshotTask | 'new' | null>(null);
  const [previewing, setPreviewing] = useState<SnapshotTask | null>(null);
  const [removing, setRemoving] = useState<SnapshotTask | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const label = (id: string) => datasets.data?.find((d) => d.id === id)?.relativePath ?? id.slice(0, 8);
  const add = canCreate && datasets.data && (
    <Button variant="contained" startIcon={<AddIcon />} onClick={() => setEditing('new')}>
      Add schedule
    </Button>
  );

  return (
    <>
      <Box sx={{ display: 'flex', mb: 2, justifyContent: 'flex-end' }}>{(tasks.data?.length ?? 0) > 0 && add}</Box>
      {notice && (
        <Alert severity="info" onClose={() => setNotice(null)} sx={{ mb: 2 }}>
          {notice}
        </Alert>
      )}
      {[run, setEnabled].map((m, i) => (m.isError ? <ErrorAlert key={i} error={m.error} sx={{ mb: 2 }} /> : null))}
      <ResourceTable
        query={tasks}
        rowKey={(t) => t.id}
        label="Snapshot schedules"
        empty={
          <EmptyState
            icon={<ScheduleIcon />}
            title="No snapshot schedules"
            description={
              canCreate
                ? 'Schedules take snapshots of datasets on a cron schedule and prune them by retention rules (keep N hourly, daily, weekly, monthly). Add one for each group of datasets that share a rhythm.'
                : 'Schedules take snapshots of datasets on a cron schedule and prune them by retention rules. An administrator adds them.'
            }
            action={add || undefined}
          />
        }
        columns={[
          { id: 'name', header: 'Name', sx: { fontWeight: 600 }, cell: (t) => t.name },
          {
            id: 'schedule',
            header: 'Schedule',
            cell: (t) => (
              <>
                <code>{t.schedule}</code>
                <Typography variant="caption" component="div" sx={{ color: 'text.secondary' }}>
                  {t.timezone}
                </Typography>
              </>
            ),
          },
          { id: 'datasets', header: 'Datasets', cell: (t) => t.datasetIds.map(label).join(', ') },
          { id: 'retention', header: 'Retention', cell: (t) => retentionText(t.retention) },
          {
            id: 'last',
            header: 'Last run',
            cell: (t) => (
              <>
                {t.lastRunAt ? formatDateTime(t.lastRunAt) : 'never'} {t.lastResult && <StatusChip status={t.lastResult} />}
                {t.lastError && (
                  <Typography variant="caption" component="div" sx={{ color: 'error.main' }}>
                    {t.lastError}
                  </Typography>
                )}
              </>
            ),
          },
          { id: 'next', header: 'Next run', cell: (t) => (t.enabled && t.nextRunAt ? formatDateTime(t.nextRunAt) : '—') },
          {
            id: 'enabled',
            header: 'Enabled',
            cell: (t) => (
              <Switch
                checked={t.enabled}
                disabled={!canUpdate || (setEnabled.isPending && setEnabled.variables.id === t.id)}
                onChange={(e) => setEnabled.mutate({ id: t.id, enabled: e.target.checked })}
                slotProps={{ input: { 'aria-label': `${t.name} enabled` } }}
              />
            ),
          },
          {
            id: 'actions',
            header: 'Actions',
            align: 'right',
            sx: { whiteSpace: 'nowrap' },
            cell: (t) => (
              <>
                <Button size="small" onClick={() => setPreviewing(t)}>
                  Retention
                </Button>
                {canUpdate && datasets.data && (
                  <Button size="small" onClick={() => setEditing(t)}>
                    Edit
                  </Button>
                )}
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
              </>
            ),
          },
        ]}
      />
      {editing && datasets.data && <ScheduleDialog key={editing === 'new' ? 'new' : editing.id} task={editing === 'new' ? null : editing} datasets={datasets.data} onClose={() => setEditing(null)} />}
      {previewing && <PreviewDialog task={previewing} label={label} onClose={() => setPreviewing(null)} />}
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
