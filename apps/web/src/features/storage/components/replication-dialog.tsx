import Grid from '@mui/material/Grid';
import { ReplicationTaskCreate, type Dataset, type ReplicationTask } from '@moxnas/contracts';
import { FormDialog } from '../../../components/form-dialog';
import { FormListField, FormSelectField, FormSwitch, FormTextField } from '../../../components/form-fields';
import { useContractForm } from '../../../lib/form';
import { useCreateReplicationTask, useUpdateReplicationTask, type ReplicationTaskInput } from '../api/storage';

const FIELDS = ['name', 'datasetId', 'host', 'port', 'user', 'remotePath', 'schedule', 'timezone', 'bandwidthLimitKiBps', 'deleteOnTarget', 'excludes', 'enabled'] as const;

function valuesOf(task: ReplicationTask | null, datasets: readonly Dataset[]): ReplicationTaskInput {
  if (!task) {
    return { name: '', datasetId: datasets[0]?.id ?? '', host: '', port: 22, user: '', remotePath: '', schedule: null, timezone: 'UTC', bandwidthLimitKiBps: null, deleteOnTarget: false, excludes: [], enabled: true };
  }
  const { name, datasetId, host, port, user, remotePath, schedule, timezone, bandwidthLimitKiBps, deleteOnTarget, excludes, enabled } = task;
  return { name, datasetId, host, port, user, remotePath, schedule, timezone, bandwidthLimitKiBps, deleteOnTarget, excludes, enabled };
}

/** Creates or edits a replication task; the API's per-field errors land on the fields. */
export function ReplicationDialog({ task, datasets, onClose }: { task: ReplicationTask | null; datasets: readonly Dataset[]; onClose: () => void }) {
  const create = useCreateReplicationTask();
  const update = useUpdateReplicationTask();
  const form = useContractForm(ReplicationTaskCreate, valuesOf(task, datasets));
  const { control } = form;
  return (
    <FormDialog
      form={form}
      title={task ? `Edit replication “${task.name}”` : 'Add replication task'}
      submitLabel={task ? 'Save' : 'Add replication'}
      maxWidth="md"
      fields={FIELDS}
      requireDirty={task !== null}
      onClose={onClose}
      onSubmit={(body) => (task ? update.mutateAsync({ id: task.id, body }) : create.mutateAsync(body))}
    >
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, sm: 6 }}>
          <FormTextField control={control} name="name" label="Name" required emptyAs="" autoFocus helperText="e.g. media-to-nas2" />
        </Grid>
        <Grid size={{ xs: 12, sm: 6 }}>
          <FormSelectField
            control={control}
            name="datasetId"
            label="Dataset"
            options={datasets.map((d) => ({ value: d.id, label: d.relativePath, description: d.path }))}
            helperText="Each run copies its newest snapshot"
          />
        </Grid>
        <Grid size={{ xs: 12, sm: 6 }}>
          <FormTextField control={control} name="host" label="Target host" required emptyAs="" helperText="Host name or IP address" />
        </Grid>
        <Grid size={{ xs: 6, sm: 2 }}>
          <FormTextField control={control} name="port" label="Port" numeric slotProps={{ htmlInput: { inputMode: 'numeric' } }} />
        </Grid>
        <Grid size={{ xs: 6, sm: 4 }}>
          <FormTextField control={control} name="user" label="User" required emptyAs="" helperText="Has the MoxNAS key in authorized_keys" />
        </Grid>
        <Grid size={12}>
          <FormTextField control={control} name="remotePath" label="Remote path" required emptyAs="" helperText="Absolute directory on the target, e.g. /backup/media" />
        </Grid>
        <Grid size={{ xs: 12, sm: 6 }}>
          <FormTextField control={control} name="schedule" label="Schedule (cron)" emptyAs={null} helperText="Empty: run on demand only; e.g. 15 * * * * after an hourly snapshot" slotProps={{ htmlInput: { style: { fontFamily: 'monospace' } } }} />
        </Grid>
        <Grid size={{ xs: 12, sm: 6 }}>
          <FormTextField control={control} name="timezone" label="Time zone" emptyAs="" helperText="IANA name, e.g. UTC or Europe/Berlin" />
        </Grid>
        <Grid size={{ xs: 12, sm: 6 }}>
          <FormTextField control={control} name="bandwidthLimitKiBps" label="Bandwidth limit (KiB/s)" numeric emptyAs={null} helperText="Empty: no limit" slotProps={{ htmlInput: { inputMode: 'numeric' } }} />
        </Grid>
        <Grid size={{ xs: 12, sm: 6 }}>
          <FormListField control={control} name="excludes" label="Exclude patterns" helperText="rsync patterns, separated by commas or spaces, e.g. *.tmp, /cache/" />
        </Grid>
        <Grid size={{ xs: 12, sm: 6 }}>
          <FormSwitch control={control} name="deleteOnTarget" label="Delete on target" helperText="Remove files on the target that the snapshot no longer has" />
        </Grid>
        <Grid size={{ xs: 12, sm: 6 }}>
          <FormSwitch control={control} name="enabled" label="Enabled" helperText="Whether the schedule runs it" />
        </Grid>
      </Grid>
    </FormDialog>
  );
}
