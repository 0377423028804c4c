import PhotoCameraIcon from '@mui/icons-material/PhotoCamera';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TablePagination from '@mui/material/TablePagination';
import TableRow from '@mui/material/TableRow';
import { snapshotsApi, SnapshotRestore, type FieldError, type Snapshot } from '@moxnas/contracts';
import { useState } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { EmptyState } from '../../../components/empty-state';
import { ErrorAlert } from '../../../components/error-alert';
import { FormTextField } from '../../../components/form-fields';
import { PageLoader } from '../../../components/page-loader';
import { StatusChip } from '../../../components/status-chip';
import { useCan } from '../../../lib/auth';
import { formatBytes, formatDateTime } from '../../../lib/format';
import { applyFieldErrors, contractResolver } from '../../../lib/form';
import { useCreateSnapshot, useDatasets, useRemoveSnapshot, useRestoreSnapshot, useSnapshots, type SnapshotRestoreInput } from '../api/storage';
import { FilterSelect } from '../../../components/filter-select';

function RestoreDialog({ snapshot, label, onClose, onStarted }: { snapshot: Snapshot; label: string; onClose: () => void; onStarted: () => void }) {
  const restore = useRestoreSnapshot();
  const [failure, setFailure] = useState<{ error: unknown; rest: FieldError[] } | null>(null);
  const { control, handleSubmit, setError, watch, formState } = useForm<SnapshotRestoreInput, unknown, SnapshotRestore>({
    resolver: contractResolver(SnapshotRestore),
    defaultValues: { path: '', target: 'alongside' },
  });
  const target = watch('target');
  const onSubmit = handleSubmit(async (body) => {
    setFailure(null);
    try {
      await restore.mutateAsync({ id: snapshot.id, body });
      onStarted();
    } catch (error) {
      setFailure({ error, rest: applyFieldErrors(error, setError, ['path', 'target']) });
    }
  });
  return (
    <Dialog open onClose={formState.isSubmitting ? undefined : onClose} aria-labelledby="restore-title">
      <DialogTitle id="restore-title">Restore from {snapshot.name}</DialogTitle>
      <form noValidate onSubmit={(e) => void onSubmit(e)}>
        <DialogContent dividers>
          <Stack spacing={2}>
            <FormTextField control={control} name="path" label={`Path inside ${label}`} emptyAs="" helperText="e.g. docs/report.odt; empty restores the whole dataset" />
            <Controller
              control={control}
              name="target"
              render={({ field }) => (
                <RadioGroup value={field.value ?? 'alongside'} onChange={(e) => field.onChange(e.target.value)}>
                  <FormControlLabel value="alongside" control={<Radio />} label="Next to the original, as a copy named …restored-<date>" />
                  <FormControlLabel value="in-place" control={<Radio />} label="In place: make it exactly as in the snapshot" />
                </RadioGroup>
              )}
            />
            {target === 'in-place' && <Alert severity="warning">Files changed or created since the snapshot are overwritten or removed. This cannot be undone.</Alert>}
            {failure && <ErrorAlert error={failure.error} fieldErrors={failure.rest} />}
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose} disabled={formState.isSubmitting}>
            Cancel
          </Button>
          <Button type="submit" variant="contained" color={target === 'in-place' ? 'error' : 'primary'} loading={formState.isSubmitting}>
            Restore
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

export function SnapshotsTab() {
  const [datasetId, setDatasetId] = useState('');
  const [page, setPage] = useState(1);
  const datasets = useDatasets();
  const snapshots = useSnapshots({ page, pageSize: 50, datasetId: datasetId || undefined });
  const canCreate = useCan(snapshotsApi.create);
  const canRemove = useCan(snapshotsApi.remove);
  const canRestore = useCan(snapshotsApi.restore);
  const create = useCreateSnapshot();
  const remove = useRemoveSnapshot();
  const [removing, setRemoving] = useState<Snapshot | null>(null);
  const [restoring, setRestoring] = useState<Snapshot | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const label = (id: string) => datasets.data?.find((d) => d.id === id)?.relativePath ?? 'dataset';

  return (
    <>
      <Box sx={{ display: 'flex', gap: 2, mb: 2, flexWrap: 'wrap', alignItems: 'center' }}>
        <FilterSelect
          label="Dataset"
          value={datasetId || undefined}
          options={(datasets.data ?? []).map((d) => ({ value: d.id, label: d.relativePath }))}
          allLabel="All datasets"
          onChange={(v) => {
            setDatasetId(v ?? '');
            setPage(1);
          }}
          width={260}
        />
        <Box sx={{ flex: 1 }} />
        {canCreate && datasetId && (
          <Button
            variant="contained"
            startIcon={<PhotoCameraIcon />}
            loading={create.isPending}
            onClick={() => create.mutate(datasetId, { onSuccess: (r) => setNotice(`Taking snapshot ${r.snapshot.name}…`) })}
          >
            Take snapshot now
          </Button>
        )}
      </Box>
      {notice && (
        <Alert severity="info" onClose={() => setNotice(null)} sx={{ mb: 2 }}>
          {notice}
        </Alert>
      )}
      {create.isError && <ErrorAlert error={create.error} sx={{ mb: 2 }} />}
      {snapshots.isPending ? (
        <PageLoader />
      ) : snapshots.isError ? (
        <ErrorAlert error={snapshots.error} onRetry={() => void snapshots.refetch()} />
      ) : snapshots.data.items.length === 0 ? (
        <EmptyState
          icon={<PhotoCameraIcon />}
          title="No snapshots"
          description={
            canCreate
              ? 'Pick a dataset above and take a snapshot now, or schedule them on the Schedules tab. SMB users see snapshots as Windows “Previous Versions”.'
              : 'Snapshots appear here when an administrator takes or schedules them.'
          }
        />
      ) : (
        <>
          <TableContainer>
            <Table size="small" aria-label="Snapshots">
              <TableHead>
                <TableRow>
                  <TableCell>Dataset</TableCell>
                  <TableCell>Snapshot</TableCell>
                  <TableCell>Taken</TableCell>
                  <TableCell>State</TableCell>
                  <TableCell>Size</TableCell>
                  <TableCell>Kept by</TableCell>
                  {(canRestore || canRemove) && <TableCell align="right">Actions</TableCell>}
                </TableRow>
              </TableHead>
              <TableBody>
                {snapshots.data.items.map((s) => (
                  <TableRow key={s.id} hover>
                    <TableCell>{label(s.datasetId)}</TableCell>
                    <TableCell sx={{ fontFamily: 'monospace', fontSize: 13 }}>{s.name}</TableCell>
                    <TableCell>{formatDateTime(s.takenAt)}</TableCell>
                    <TableCell>
                      <StatusChip status={s.state === 'ready' ? 'ok' : 'running'} label={s.state} />
                    </TableCell>
                    <TableCell>
                      {s.sizeBytes === null ? '—' : formatBytes(s.sizeBytes)}
                      {s.newBytes !== null && ` (${formatBytes(s.newBytes)} new)`}
                    </TableCell>
                    <TableCell>{s.taskId ? 'schedule' : 'manual (kept until deleted)'}</TableCell>
                    {(canRestore || canRemove) && (
                      <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                        {canRestore && s.state === 'ready' && (
                          <Button size="small" onClick={() => setRestoring(s)}>
                            Restore
                          </Button>
                        )}
                        {canRemove && s.state === 'ready' && (
                          <Button size="small" color="error" onClick={() => setRemoving(s)}>
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
          <TablePagination component="div" count={snapshots.data.total} page={page - 1} rowsPerPage={50} rowsPerPageOptions={[50]} onPageChange={(_, p) => setPage(p + 1)} />
        </>
      )}
      {restoring && (
        <RestoreDialog
          snapshot={restoring}
          label={label(restoring.datasetId)}
          onClose={() => setRestoring(null)}
          onStarted={() => {
            setNotice(`Restoring from ${restoring.name}; progress is on the System page under Jobs.`);
            setRestoring(null);
          }}
        />
      )}
      <ConfirmDialog
        open={removing !== null}
        title="Delete snapshot?"
        subject={removing ? `snapshot ${removing.name} of ${label(removing.datasetId)}` : ''}
        consequences="The files only this snapshot holds are gone for good; the live data is not touched."
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
