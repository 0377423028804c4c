import AddIcon from '@mui/icons-material/Add';
import SyncIcon from '@mui/icons-material/Sync';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import { replicationTasksApi, type ReplicationTask } from '@moxnas/contracts';
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { EmptyState } from '../../../components/empty-state';
import { ErrorAlert } from '../../../components/error-alert';
import { ResourceTable } from '../../../components/resource-table';
import { StatusChip } from '../../../components/status-chip';
import { useCan } from '../../../lib/auth';
import { formatBytes, formatDateTime, formatDuration } from '../../../lib/format';
import { useDatasets, useForgetHostKey, usePublicKey, useRemoveReplicationTask, useReplicationRuns, useReplicationTasks, useRunReplicationTask } from '../api/storage';
import { ReplicationDialog } from './replication-dialog';

/** The key to put in the target's authorized_keys; made by the API on first use. */
function PublicKeyPanel() {
  const key = usePublicKey(true);
  return (
    <Paper variant="outlined" sx={{ p: 2, mb: 2 }} component="section" aria-label="Replication public key">
      <Typography variant="subtitle2">Public key</Typography>
      <Typography variant="body2" sx={{ color: 'text.secondary', mb: 1 }}>
        Add this line to <code>~/.ssh/authorized_keys</code> of the target user. The target&apos;s host key is pinned at the first run.
      </Typography>
      {key.isError && <ErrorAlert error={key.error} />}
      {key.data && (
        <>
          <Box component="pre" sx={{ m: 0, p: 1, bgcolor: 'action.hover', borderRadius: 1, whiteSpace: 'pre-wrap', wordBreak: 'break-all', fontSize: 12 }}>
            {key.data.publicKey}
          </Box>
          <Typography variant="caption" sx={{ color: 'text.secondary' }}>
            {key.data.fingerprint}
          </Typography>
        </>
      )}
    </Paper>
  );
}

function RunsDialog({ task, onClose }: { task: ReplicationTask; onClose: () => void }) {
  const runs = useReplicationRuns(task.id);
  return (
    <Dialog open onClose={onClose} maxWidth="md" fullWidth aria-labelledby="runs-title">
      <DialogTitle id="runs-title">Runs of “{task.name}”</DialogTitle>
      <DialogContent dividers>
        <ResourceTable
          query={runs}
          rows={(page) => page.items}
          rowKey={(r) => r.id}
          label="Replication runs"
          empty={<Typography variant="body2">No runs yet.</Typography>}
          columns={[
            { id: 'started', header: 'Started', cell: (r) => formatDateTime(r.startedAt) },
            { id: 'state', header: 'Result', cell: (r) => <StatusChip status={r.state} /> },
            { id: 'snapshot', header: 'Snapshot', cell: (r) => r.snapshotName ?? '—' },
            { id: 'files', header: 'Files sent', cell: (r) => (r.filesTransferred === null ? '—' : `${r.filesTransferred} of ${r.filesTotal ?? '?'}`) },
            { id: 'bytes', header: 'Data sent', cell: (r) => (r.bytesSent === null ? '—' : formatBytes(r.bytesSent)) },
            { id: 'duration', header: 'Duration', cell: (r) => (r.durationSeconds === null ? '—' : formatDuration(Math.round(r.durationSeconds))) },
            {
              id: 'error',
              header: 'Error',
              cell: (r) =>
                r.error && (
                  <Typography variant="caption" sx={{ color: 'error.main' }}>
                    {r.error}
                  </Typography>
                ),
            },
          ]}
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}

export function ReplicationTab() {
  const tasks = useReplicationTasks();
  const datasets = useDatasets();
  const canCreate = useCan(replicationTasksApi.create);
  const canUpdate = useCan(replicationTasksApi.update);
  const canRun = useCan(replicationTasksApi.run);
  const canRemove = useCan(replicationTasksApi.remove);
  const canSeeKey = useCan(replicationTasksApi.publicKey);
  const run = useRunReplicationTask();
  const remove = useRemoveReplicationTask();
  const forget = useForgetHostKey();
  const [editing, setEditing] = useState<ReplicationTask | 'new' | null>(null);
  const [history, setHistory] = useState<ReplicationTask | null>(null);
  const [removing, setRemoving] = useState<ReplicationTask | null>(null);
  const [forgetting, setForgetting] = useState<ReplicationTask | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const label = (id: string) => datasets.data?.find((d) => d.id === id)?.relativePath ?? id.slice(0, 8);
  const add = canCreate && datasets.data && datasets.data.length > 0 && (
    <Button variant="contained" startIcon={<AddIcon />} onClick={() => setEditing('new')}>
      Add replication
    </Button>
  );

  return (
    <>
      {canSeeKey && <PublicKeyPanel />}
      <Box sx={{ display: 'flex', mb: 2, justifyContent: 'flex-end' }}>{(tasks.data?.length ?? 0) > 0 && add}</Box>
      {notice && (
        <Alert severity="info" onClose={() => setNotice(null)} sx={{ mb: 2 }}>
          {notice}
        </Alert>
      )}
      {run.isError && <ErrorAlert error={run.error} sx={{ mb: 2 }} />}
      <ResourceTable
        query={tasks}
        rowKey={(t) => t.id}
        label="Replication tasks"
        empty={
          <EmptyState
            icon={<SyncIcon />}
            title="No replication tasks"
            description="A replication task copies the newest snapshot of a dataset to another host with rsync over ssh, on a schedule or on demand."
            action={add || undefined}
          />
        }
        columns={[
          { id: 'name', header: 'Name', sx: { fontWeight: 600 }, cell: (t) => t.name },
          { id: 'dataset', header: 'Dataset', cell: (t) => label(t.datasetId) },
          {
            id: 'target',
            header: 'Target',
            cell: (t) => (
              <>
                <code>
                  {t.user}@{t.host}:{t.remotePath}
                </code>
                <Typography variant="caption" component="div" sx={{ color: 'text.secondary' }}>
                  port {t.port}
                  {t.bandwidthLimitKiBps !== null && `, ≤ ${t.bandwidthLimitKiBps} KiB/s`}
                  {t.deleteOnTarget && ', deletes on target'}
                  {t.hostKeys ? `, host key ${t.hostKeys[0]?.fingerprint ?? ''}` : ', host key not pinned yet'}
                </Typography>
              </>
            ),
          },
          { id: 'schedule', header: 'Schedule', cell: (t) => (t.schedule ? <code>{t.schedule}</code> : 'on demand') },
          {
            id: 'last',
            header: 'Last run',
            cell: (t) => (
              <>
                {t.running ? <StatusChip status="running" /> : t.lastRunAt ? formatDateTime(t.lastRunAt) : 'never'} {!t.running && t.lastResult && <StatusChip status={t.lastResult} />}
                {!t.running && t.lastError && (
                  <Typography variant="caption" component="div" sx={{ color: 'error.main' }}>
                    {t.lastError}
                  </Typography>
                )}
              </>
            ),
          },
          {
            id: 'actions',
            header: 'Actions',
            align: 'right',
            sx: { whiteSpace: 'nowrap' },
            cell: (t) => (
              <>
                <Button size="small" onClick={() => setHistory(t)}>
                  Runs
                </Button>
                {canUpdate && datasets.data && (
                  <Button size="small" onClick={() => setEditing(t)}>
                    Edit
                  </Button>
                )}
                {canRun && (
                  <Button
                    size="small"
                    disabled={t.running}
                    loading={run.isPending && run.variables === t.id}
                    onClick={() => run.mutate(t.id, { onSuccess: () => setNotice(`“${t.name}” is running; follow or cancel it under System → Jobs.`) })}
                  >
                    Run now
                  </Button>
                )}
                {canUpdate && t.hostKeys && (
                  <Button size="small" onClick={() => setForgetting(t)}>
                    Forget host key
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
      {editing && datasets.data && <ReplicationDialog key={editing === 'new' ? 'new' : editing.id} task={editing === 'new' ? null : editing} datasets={datasets.data} onClose={() => setEditing(null)} />}
      {history && <RunsDialog task={history} onClose={() => setHistory(null)} />}
      <ConfirmDialog
        open={forgetting !== null}
        title="Forget the pinned host key?"
        subject={forgetting ? `the host key of ${forgetting.host}:${forgetting.port}` : ''}
        consequences="The next run trusts whatever key the target presents then. Do this only when you know why the key changed (the target was reinstalled or its keys rotated)."
        pending={forget.isPending}
        error={forget.error}
        onClose={() => {
          setForgetting(null);
          forget.reset();
        }}
        onConfirm={() => forgetting && forget.mutate(forgetting.id, { onSuccess: () => setForgetting(null) })}
      />
      <ConfirmDialog
        open={removing !== null}
        title="Delete replication task?"
        subject={removing ? `replication task “${removing.name}”` : ''}
        consequences="Its run history goes with it. The copy on the target stays."
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
