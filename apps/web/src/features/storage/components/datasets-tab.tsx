import AddIcon from '@mui/icons-material/Add';
import FolderIcon from '@mui/icons-material/Folder';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Chip from '@mui/material/Chip';
import FormControlLabel from '@mui/material/FormControlLabel';
import Typography from '@mui/material/Typography';
import { datasetsApi, type Dataset } from '@moxnas/contracts';
import { useState, type ReactNode } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { EmptyState } from '../../../components/empty-state';
import { ResourceTable, type ResourceColumn } from '../../../components/resource-table';
import { ErrorAlert } from '../../../components/error-alert';
import { useCan } from '../../../lib/auth';
import { formatBytes, formatDateTime } from '../../../lib/format';
import { useDatasets, usePools, useRemoveDataset } from '../api/storage';
import { DatasetActions, DatasetDialogs, type OpenDialog } from './dataset-actions';
import { DatasetCreateDialog } from './dataset-create-dialog';
import { FilterSelect } from '../../../components/filter-select';

// At phone width the table keeps the dataset, its usage and the actions.
const secondary = { display: { xs: 'none', md: 'table-cell' } } as const;
const optional = { display: { xs: 'none', sm: 'table-cell' } } as const;

function Usage({ d }: { d: Dataset }) {
  const used = d.usedBytes === null ? 'not measured' : `${d.usedComplete ? '' : '≥ '}${formatBytes(d.usedBytes)}`;
  if (d.quotaBytes === null) return <>{used}</>;
  return (
    <>
      {used} of {formatBytes(d.quotaBytes)}{' '}
      <Chip label={d.quotaKind === 'hard' ? 'hard quota' : 'soft quota'} variant="outlined" color={d.quotaExceeded ? 'error' : 'default'} />
    </>
  );
}

/** The columns of the datasets table; `actions` renders a row's buttons. */
function datasetColumns(poolName: (id: string) => string, actions: (d: Dataset) => ReactNode): ResourceColumn<Dataset>[] {
  return [
    {
      id: 'dataset',
      header: 'Dataset',
      cell: (d) => (
        <>
          <Typography variant="body2" sx={{ fontWeight: 600 }}>
            {poolName(d.poolId)}/{d.relativePath}
          </Typography>
          <Typography variant="caption" sx={{ color: 'text.secondary', overflowWrap: 'anywhere' }}>
            {d.path}
            {d.comment ? ` · ${d.comment}` : ''}
          </Typography>
        </>
      ),
    },
    {
      id: 'owner',
      header: 'Owner',
      sx: { whiteSpace: 'nowrap', ...secondary },
      headerSx: secondary,
      cell: (d) => (
        <>
          {d.owner.name ?? d.owner.uid}:{d.group.name ?? d.group.gid} <code>{d.mode}</code>
          {d.acl.length > 0 && <Chip label={`ACL ${d.acl.length}`} variant="outlined" sx={{ ml: 0.5 }} />}
        </>
      ),
    },
    {
      id: 'used',
      header: 'Used',
      sx: optional,
      headerSx: optional,
      cell: (d) => (
        <>
          <Usage d={d} />
          {d.usedBytesAt && (
            <Typography variant="caption" component="div" sx={{ color: 'text.secondary' }}>
              measured {formatDateTime(d.usedBytesAt)}
            </Typography>
          )}
        </>
      ),
    },
    { id: 'driver', header: 'Snapshots', sx: secondary, headerSx: secondary, cell: (d) => d.snapshotDriver },
    { id: 'actions', header: 'Actions', align: 'right', cell: actions },
  ];
}

/** Asks before deleting, with the choice to keep the data on disk. */
function DatasetDeleteDialog({ dataset, label, onClose, onDeleting }: { dataset: Dataset | null; label: string; onClose: () => void; onDeleting: (d: Dataset) => void }) {
  const remove = useRemoveDataset();
  const [keepData, setKeepData] = useState(false);
  const close = () => {
    setKeepData(false);
    remove.reset();
    onClose();
  };
  return (
    <ConfirmDialog
      open={dataset !== null}
      title="Delete dataset?"
      subject={`dataset ${label}`}
      consequences={
        <>
          {keepData ? 'MoxNAS forgets the dataset; its directory and snapshots stay on disk.' : `Everything in ${dataset?.path ?? 'it'} and all its snapshots are deleted. This cannot be undone.`}
          <FormControlLabel sx={{ display: 'flex', mt: 1 }} control={<Checkbox checked={keepData} onChange={(e) => setKeepData(e.target.checked)} />} label="Keep the data on disk" />
        </>
      }
      pending={remove.isPending}
      error={remove.error}
      onClose={close}
      onConfirm={() =>
        dataset &&
        remove.mutate(
          { id: dataset.id, keepData },
          {
            onSuccess: () => {
              onDeleting(dataset);
              close();
            },
          },
        )
      }
    />
  );
}

export function DatasetsTab() {
  const [poolId, setPoolId] = useState('');
  const pools = usePools();
  const datasets = useDatasets(poolId || undefined);
  const canCreate = useCan(datasetsApi.create);
  const [creating, setCreating] = useState(false);
  const [removing, setRemoving] = useState<Dataset | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [open, setOpen] = useState<OpenDialog | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const poolName = (id: string) => pools.data?.find((p) => p.id === id)?.name ?? '?';
  const labelOf = (d: Dataset) => `${poolName(d.poolId)}/${d.relativePath}`;
  const hasPools = (pools.data?.length ?? 0) > 0;
  const createButton = canCreate && hasPools && (
    <Button variant="contained" startIcon={<AddIcon />} onClick={() => setCreating(true)}>
      Create dataset
    </Button>
  );

  return (
    <>
      <Box sx={{ display: 'flex', gap: 2, mb: 2, flexWrap: 'wrap', alignItems: 'center' }}>
        <FilterSelect label="Pool" value={poolId || undefined} options={(pools.data ?? []).map((p) => ({ value: p.id, label: p.name }))} allLabel="All pools" onChange={(v) => setPoolId(v ?? '')} width={220} />
        <Box sx={{ flex: 1 }} />
        {createButton}
      </Box>
      {notice && (
        <Alert severity="info" onClose={() => setNotice(null)} sx={{ mb: 2 }}>
          {notice}
        </Alert>
      )}
      {failure ? <ErrorAlert error={failure} sx={{ mb: 2 }} /> : null}
      <ResourceTable
        query={datasets}
        rowKey={(d) => d.id}
        label="Datasets"
        empty={
          <EmptyState
            icon={<FolderIcon />}
            title="No datasets yet"
            description={
              !hasPools
                ? 'Datasets live in pools: register a pool on the Pools tab first.'
                : canCreate
                  ? 'Create a dataset for each kind of data (media, backups, homes): each gets its own permissions, quota and snapshots, and shares point at datasets.'
                  : 'An administrator creates datasets.'
            }
            action={createButton || undefined}
          />
        }
        columns={datasetColumns(poolName, (d) => (
          <DatasetActions dataset={d} label={labelOf(d)} onNotice={setNotice} onError={setFailure} onOpen={setOpen} onDelete={() => setRemoving(d)} />
        ))}
      />
      <DatasetDialogs open={open} onClose={() => setOpen(null)} onNotice={setNotice} />
      {creating && pools.data && <DatasetCreateDialog pools={pools.data} initialPoolId={poolId || undefined} onClose={() => setCreating(false)} />}
      <DatasetDeleteDialog
        dataset={removing}
        label={removing ? labelOf(removing) : ''}
        onClose={() => setRemoving(null)}
        onDeleting={(d) => setNotice(`Deleting ${d.relativePath}; progress is on the System page under Jobs.`)}
      />
    </>
  );
}
