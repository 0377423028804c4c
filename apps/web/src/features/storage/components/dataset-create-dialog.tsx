import Grid from '@mui/material/Grid';
import Typography from '@mui/material/Typography';
import { DatasetCreate, type Pool } from '@moxnas/contracts';
import { z } from 'zod';
import type { FieldPath } from 'react-hook-form';
import { FormDialog } from '../../../components/form-dialog';
import { FormSelectField, FormTextField } from '../../../components/form-fields';
import { useContractForm } from '../../../lib/form';
import { useCreateDataset, useDatasets } from '../api/storage';

const GIB = 1024 ** 3;

/** The contract's request, with the quota typed in GiB instead of bytes. */
const DatasetForm = DatasetCreate.omit({ quotaBytes: true, acl: true })
  .extend({ quotaGiB: z.number().positive('must be more than 0').max(1024 * 1024, 'must be at most 1 PiB').nullable() })
  .transform(({ quotaGiB, ...rest }): z.input<typeof DatasetCreate> => ({ ...rest, quotaBytes: quotaGiB ? Math.round(quotaGiB * GIB) : null }))
  .pipe(DatasetCreate);
type FormValues = z.input<typeof DatasetForm>;

const FIELDS = ['poolId', 'parentId', 'name', 'owner', 'group', 'mode', 'comment'] as const;

/** The quota is typed in GiB but checked and sent as bytes. */
function datasetField(apiField: string): FieldPath<FormValues> | undefined {
  if (apiField === 'quotaBytes') return 'quotaGiB';
  return FIELDS.find((f) => f === apiField);
}

export function DatasetCreateDialog({ pools, initialPoolId, onClose }: { pools: readonly Pool[]; initialPoolId?: string; onClose: () => void }) {
  const create = useCreateDataset();
  const form = useContractForm(DatasetForm, { poolId: initialPoolId ?? pools[0]?.id ?? '', parentId: null, name: '', quotaGiB: null, comment: null });
  const { control, watch } = form;
  const poolId = watch('poolId');
  const parents = useDatasets(poolId || undefined, Boolean(poolId));
  const pool = pools.find((p) => p.id === poolId);

  return (
    <FormDialog form={form} title="Create dataset" submitLabel="Create dataset" maxWidth="md" fields={datasetField} onClose={onClose} onSubmit={(body) => create.mutateAsync(body)}>
      <Typography variant="body2" sx={{ color: 'text.secondary', mb: 2 }}>
        A dataset is a directory in a pool with its own owner, permissions, quota and snapshots
        {pool ? ` — here a ${pool.snapshotDriver === 'copy' ? 'directory' : pool.snapshotDriver === 'btrfs' ? 'btrfs subvolume' : 'ZFS file system'}` : ''}. An existing
        directory of the same name is adopted with its data.
      </Typography>
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, sm: 6 }}>
          <FormSelectField control={control} name="poolId" label="Pool" options={pools.map((p) => ({ value: p.id, label: p.name, description: p.path }))} />
        </Grid>
        <Grid size={{ xs: 12, sm: 6 }}>
          <FormSelectField
            control={control}
            name="parentId"
            label="Inside"
            emptyLabel="The pool itself"
            emptyAs={null}
            options={(parents.data ?? []).map((d) => ({ value: d.id, label: d.relativePath }))}
          />
        </Grid>
        <Grid size={{ xs: 12, sm: 6 }}>
          <FormTextField control={control} name="name" label="Name" required emptyAs="" autoFocus helperText="One directory name, no spaces; it becomes part of share paths" />
        </Grid>
        <Grid size={{ xs: 12, sm: 6 }}>
          <FormTextField control={control} name="quotaGiB" label="Quota (GiB)" numeric emptyAs={null} helperText={pool?.capabilities.hardQuota.available ? 'Enforced by the file system' : 'Soft quota here: measured, with an alert when exceeded'} slotProps={{ htmlInput: { inputMode: 'decimal' } }} />
        </Grid>
        <Grid size={{ xs: 12, sm: 4 }}>
          <FormTextField control={control} name="owner" label="Owner" numeric helperText="User name or uid; root when empty" />
        </Grid>
        <Grid size={{ xs: 12, sm: 4 }}>
          <FormTextField control={control} name="group" label="Group" numeric helperText="Group name or gid" />
        </Grid>
        <Grid size={{ xs: 12, sm: 4 }}>
          <FormTextField control={control} name="mode" label="Mode" helperText="Octal, e.g. 0755 or 2770" />
        </Grid>
        <Grid size={12}>
          <FormTextField control={control} name="comment" label="Comment" emptyAs={null} />
        </Grid>
      </Grid>
    </FormDialog>
  );
}
