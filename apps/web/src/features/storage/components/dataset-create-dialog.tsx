import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Grid from '@mui/material/Grid';
import Typography from '@mui/material/Typography';
import { DatasetCreate, type FieldError, type Pool } from '@moxnas/contracts';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { ErrorAlert } from '../../../components/error-alert';
import { FormSelectField, FormTextField } from '../../../components/form-fields';
import { isApiError } from '../../../lib/api-client';
import { contractResolver } from '../../../lib/form';
import { useCreateDataset, useDatasets } from '../api/storage';

const GIB = 1024 ** 3;

/** The contract's request, with the quota typed in GiB instead of bytes. */
const DatasetForm = DatasetCreate.omit({ quotaBytes: true, acl: true })
  .extend({ quotaGiB: z.number().positive('must be more than 0').max(1024 * 1024, 'must be at most 1 PiB').nullable() })
  .transform(({ quotaGiB, ...rest }): z.input<typeof DatasetCreate> => ({ ...rest, quotaBytes: quotaGiB ? Math.round(quotaGiB * GIB) : null }))
  .pipe(DatasetCreate);
type FormValues = z.input<typeof DatasetForm>;

const FIELDS = ['poolId', 'parentId', 'name', 'owner', 'group', 'mode', 'comment'] as const;

export function DatasetCreateDialog({ pools, initialPoolId, onClose }: { pools: readonly Pool[]; initialPoolId?: string; onClose: () => void }) {
  const create = useCreateDataset();
  const [failure, setFailure] = useState<{ error: unknown; rest: FieldError[] } | null>(null);
  const { control, handleSubmit, setError, watch, formState } = useForm<FormValues, unknown, z.output<typeof DatasetCreate>>({
    resolver: contractResolver(DatasetForm),
    defaultValues: { poolId: initialPoolId ?? pools[0]?.id ?? '', parentId: null, name: '', quotaGiB: null, comment: null },
    mode: 'onTouched',
  });
  const poolId = watch('poolId');
  const parents = useDatasets(poolId || undefined, Boolean(poolId));
  const pool = pools.find((p) => p.id === poolId);

  const onSubmit = handleSubmit(async (body) => {
    setFailure(null);
    try {
      await create.mutateAsync(body);
      onClose();
    } catch (error) {
      const rest: FieldError[] = [];
      for (const fe of isApiError(error) ? error.fieldErrors : []) {
        const field = fe.field === 'quotaBytes' ? 'quotaGiB' : FIELDS.find((f) => f === fe.field);
        if (field) setError(field, { type: 'server', message: fe.message });
        else rest.push(fe);
      }
      setFailure({ error, rest });
    }
  });

  return (
    <Dialog open onClose={formState.isSubmitting ? undefined : onClose} maxWidth="md" aria-labelledby="dataset-create-title">
      <DialogTitle id="dataset-create-title">Create dataset</DialogTitle>
      <form noValidate onSubmit={(e) => void onSubmit(e)}>
        <DialogContent dividers>
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
              <FormTextField control={control} name="name" label="Name" required emptyAs="" autoFocus helperText="One directory name; it becomes part of share paths" />
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
          {failure && <ErrorAlert error={failure.error} fieldErrors={failure.rest} sx={{ mt: 2 }} />}
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose} disabled={formState.isSubmitting}>
            Cancel
          </Button>
          <Button type="submit" variant="contained" loading={formState.isSubmitting}>
            Create dataset
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
