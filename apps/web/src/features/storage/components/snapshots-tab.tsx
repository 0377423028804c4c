import PhotoCameraIcon from '@mui/icons-material/PhotoCamera';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import FormControlLabel from '@mui/material/FormControlLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Stack from '@mui/material/Stack';
import { snapshotsApi, SnapshotRestore, type Snapshot } from '@moxnas/contracts';
import { useState } from 'react';
import { Controller } from 'react-hook-form';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { EmptyState } from '../../../components/empty-state';
import { ResourceTable } from '../../../components/resource-table';
import { ErrorAlert } from '../../../components/error-alert';
import { FormDialog } from '../../../components/form-dialog';
import { FormTextField } from '../../../components/form-fields';
import { StatusChip } from '../../../components/status-chip';
import { useCan } from '../../../lib/auth';
import { formatBytes, formatDateTime } from '../../../lib/format';
import { useContractForm } from '../../../lib/form';
import { useCreateSnapshot, useDatasets, useRemoveSnapshot, useRestoreSnapshot, useSnapshots } from '../api/storage';
import { FilterSelect } from '../../../components/filter-select';

function RestoreDialog({ snapshot, label, onClose, onStarted }: { snapshot: Snapshot; label: string; onClose: () => void; onStarted: () => void }) {
  const restore = useRestoreSnapshot();
  const form = useContractForm(SnapshotRestore, { path: '', target: 'alongside' }, { mode: 'onSubmit' });
  const target = form.watch('target');
  return (
    <FormDialog
      form={form}
      title={`Restore from ${snapshot.name}`}
      submitLabel="Restore"
      submitColor={target === 'in-place' ? 'error' : 'primary'}
      fields={['path', 'target']}
      closeOnSuccess={false}
      onClose={onClose}
      onSubmit={async (body) => {
        await restore.mutateAsync({ id: snapshot.id, body });
        onStarted();
      }}
    >
      <Stack spacing={2}>
        <FormTextField control={form.control} name="path" label={`Path inside ${label}`} emptyAs="" helperText="e.g. docs/report.odt; empty restores the whole dataset" />
        <Controller
          control={form.control}
          name="target"
          render={({ field }) => (
            <RadioGroup value={field.value ?? 'alongside'} onChange={(e) => field.onChange(e.target.value)}>
              <FormControlLabel value="alongside" control={<Radio />} label="Next to the original, as a copy named …restored-<date>" />
              <FormControlLabel value="in-place" control={<Radio />} label="In place: make it exactly as in the snapshot" />
            </RadioGroup>
          )}
        />
        {target === 'in-place' && <Alert severity="warning">Files changed or created since the snapshot are overwritten or removed. This cannot be undone.</Alert>}
      </Stack>
    </FormDialog>
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
      <ResourceTable
        query={snapshots}
        rows={(d) => d.items}
        rowKey={(s) => s.id}
        label="Snapshots"
        pagination={snapshots.data && { total: snapshots.data.total, page, pageSize: 50, pageSizes: [50], onPageChange: setPage }}
        empty={
          <EmptyState
            icon={<PhotoCameraIcon />}
            title="No snapshots"
            description={
              canCreate
                ? 'Pick a dataset above and take a snapshot now, or schedule them on the Schedules tab. SMB users see snapshots as Windows “Previous Versions”.'
                : 'Snapshots appear here when an administrator takes or schedules them.'
            }
          />
        }
        columns={[
          { id: 'dataset', header: 'Dataset', cell: (s) => label(s.datasetId) },
          { id: 'name', header: 'Snapshot', sx: { fontFamily: 'monospace', fontSize: 13 }, cell: (s) => s.name },
          { id: 'taken', header: 'Taken', cell: (s) => formatDateTime(s.takenAt) },
          { id: 'state', header: 'State', cell: (s) => <StatusChip status={s.state === 'ready' ? 'ok' : 'running'} label={s.state} /> },
          {
            id: 'size',
            header: 'Size',
            cell: (s) => (
              <>
                {s.sizeBytes === null ? '—' : formatBytes(s.sizeBytes)}
                {s.newBytes !== null && ` (${formatBytes(s.newBytes)} new)`}
              </>
            ),
          },
          { id: 'kept', header: 'Kept by', cell: (s) => (s.taskId ? 'schedule' : 'manual (kept until deleted)') },
          (canRestore || canRemove) && {
            id: 'actions',
            header: 'Actions',
            align: 'right',
            sx: { whiteSpace: 'nowrap' },
            cell: (s) => (
              <>
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
              </>
            ),
          },
        ]}
      />
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
