import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Grid from '@mui/material/Grid';
import ListItemText from '@mui/material/ListItemText';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import { PoolCreate, type FieldError } from '@moxnas/contracts';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { ErrorAlert } from '../../../components/error-alert';
import { FormTextField } from '../../../components/form-fields';
import { formatBytes } from '../../../lib/format';
import { applyFieldErrors, contractResolver } from '../../../lib/form';
import { useCandidates, useCreatePool, type PoolCreateInput } from '../api/storage';

const FIELDS = ['name', 'path', 'description', 'warningPercent', 'criticalPercent'] as const;
const DEFAULTS: PoolCreateInput = { name: '', path: '', description: null, warningPercent: 80, criticalPercent: 90 };

export function PoolCreateDialog({ onClose }: { onClose: () => void }) {
  const create = useCreatePool();
  const candidates = useCandidates(true);
  const [failure, setFailure] = useState<{ error: unknown; rest: FieldError[] } | null>(null);
  const { control, handleSubmit, setError, setValue, watch, formState } = useForm({
    resolver: contractResolver(PoolCreate),
    defaultValues: DEFAULTS,
    mode: 'onTouched',
  });
  const path = watch('path');
  const free = (candidates.data ?? []).filter((c) => c.poolId === null);
  const chosen = free.find((c) => c.mountPoint === path);

  const onSubmit = handleSubmit(async (values) => {
    setFailure(null);
    try {
      await create.mutateAsync(values);
      onClose();
    } catch (error) {
      setFailure({ error, rest: applyFieldErrors(error, setError, FIELDS) });
    }
  });

  return (
    <Dialog open onClose={formState.isSubmitting ? undefined : onClose} maxWidth="md" aria-labelledby="pool-create-title">
      <DialogTitle id="pool-create-title">Register pool</DialogTitle>
      <form noValidate onSubmit={(e) => void onSubmit(e)}>
        <DialogContent dividers>
          <Grid container spacing={2}>
            <Grid size={12}>
              <TextField
                select
                label="Mounted file system"
                value={chosen?.mountPoint ?? ''}
                onChange={(e) => setValue('path', e.target.value, { shouldDirty: true, shouldValidate: true })}
                disabled={free.length === 0}
                helperText={
                  candidates.isError
                    ? 'The mounts could not be listed; type the path below.'
                    : free.length === 0
                      ? 'No unregistered mounts found. Add a bind mount on the Proxmox host (pct set <id> -mp0 /host/dir,mp=/mnt/data), or type a directory below.'
                      : 'Pick a mount, or type any directory on one below'
                }
              >
                {free.map((c) => (
                  <MenuItem key={c.mountPoint} value={c.mountPoint}>
                    <ListItemText
                      primary={c.mountPoint}
                      secondary={`${c.fsType} on ${c.source}${c.totalBytes !== null ? ` · ${formatBytes(c.totalBytes)}` : ''}${c.readOnly ? ' · read-only' : ''}${c.volatile ? ' · lost at reboot' : ''}`}
                    />
                  </MenuItem>
                ))}
              </TextField>
            </Grid>
            {chosen?.volatile && (
              <Grid size={12}>
                <Alert severity="warning">{chosen.mountPoint} is a {chosen.fsType}: everything on it is lost at reboot.</Alert>
              </Grid>
            )}
            {chosen?.readOnly && (
              <Grid size={12}>
                <Alert severity="warning">{chosen.mountPoint} is mounted read-only; the pool will be degraded until it is writable.</Alert>
              </Grid>
            )}
            <Grid size={{ xs: 12, sm: 8 }}>
              <FormTextField control={control} name="path" label="Path" required emptyAs="" helperText="Absolute path of a directory on a mounted file system" />
            </Grid>
            <Grid size={{ xs: 12, sm: 4 }}>
              <FormTextField control={control} name="name" label="Name" required emptyAs="" helperText="e.g. tank or data" />
            </Grid>
            <Grid size={12}>
              <FormTextField control={control} name="description" label="Description" emptyAs={null} />
            </Grid>
            <Grid size={{ xs: 6 }}>
              <FormTextField control={control} name="warningPercent" label="Warn at (% used)" numeric />
            </Grid>
            <Grid size={{ xs: 6 }}>
              <FormTextField control={control} name="criticalPercent" label="Critical at (% used)" numeric />
            </Grid>
          </Grid>
          {failure && <ErrorAlert error={failure.error} fieldErrors={failure.rest} sx={{ mt: 2 }} />}
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose} disabled={formState.isSubmitting}>
            Cancel
          </Button>
          <Button type="submit" variant="contained" loading={formState.isSubmitting}>
            Register pool
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
