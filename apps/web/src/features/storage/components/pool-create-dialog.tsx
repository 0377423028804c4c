import Alert from '@mui/material/Alert';
import Grid from '@mui/material/Grid';
import ListItemText from '@mui/material/ListItemText';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import { PoolCreate } from '@moxnas/contracts';
import { FormDialog } from '../../../components/form-dialog';
import { FormTextField } from '../../../components/form-fields';
import { formatBytes } from '../../../lib/format';
import { useContractForm } from '../../../lib/form';
import { useCandidates, useCreatePool, type PoolCreateInput } from '../api/storage';

const FIELDS = ['name', 'path', 'description', 'warningPercent', 'criticalPercent'] as const;
const DEFAULTS: PoolCreateInput = { name: '', path: '', description: null, warningPercent: 80, criticalPercent: 90 };

export function PoolCreateDialog({ onClose }: { onClose: () => void }) {
  const create = useCreatePool();
  const candidates = useCandidates(true);
  const form = useContractForm(PoolCreate, DEFAULTS);
  const { control, setValue, watch } = form;
  const path = watch('path');
  const free = (candidates.data ?? []).filter((c) => c.poolId === null);
  const chosen = free.find((c) => c.mountPoint === path);

  return (
    <FormDialog form={form} title="Register pool" submitLabel="Register pool" maxWidth="md" fields={FIELDS} onClose={onClose} onSubmit={(body) => create.mutateAsync(body)}>
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
    </FormDialog>
  );
}
