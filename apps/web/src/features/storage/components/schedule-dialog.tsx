import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Divider from '@mui/material/Divider';
import Grid from '@mui/material/Grid';
import Typography from '@mui/material/Typography';
import { SnapshotTaskCreate, type Dataset, type Retention, type SnapshotTask } from '@moxnas/contracts';
import { FormDialog } from '../../../components/form-dialog';
import { FormSelectField, FormSwitch, FormTextField } from '../../../components/form-fields';
import { useContractForm } from '../../../lib/form';
import { useDebouncedValue } from '../../../lib/use-debounced-value';
import { useCreateTask, useUpdateTask, type SnapshotTaskInput } from '../api/storage';
import { RetentionPreviewPanel } from './retention-preview';

const RULES = ['hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const;
const FIELDS = ['name', 'schedule', 'timezone', 'datasetIds', 'enabled', ...RULES.map((r) => `retention.${r}` as const)] as const;

const PRESETS = [
  { label: 'Hourly', cron: '0 * * * *' },
  { label: 'Daily at midnight', cron: '0 0 * * *' },
  { label: 'Weekly (Monday)', cron: '0 0 * * 1' },
  { label: 'Monthly', cron: '0 0 1 * *' },
];

function localZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

function valuesOf(task: SnapshotTask | null): SnapshotTaskInput {
  if (!task) {
    return { name: '', schedule: '0 * * * *', timezone: localZone(), datasetIds: [], retention: { hourly: 24, daily: 7, weekly: 4, monthly: 0, yearly: 0 }, enabled: true };
  }
  return { name: task.name, schedule: task.schedule, timezone: task.timezone, datasetIds: task.datasetIds, retention: { ...task.retention }, enabled: task.enabled };
}

/** Numbers from the form's retention boxes, for the preview query (a box being typed in may hold text). */
function ruleOf(retention: unknown): Partial<Retention> {
  const out: Partial<Retention> = {};
  if (!retention || typeof retention !== 'object') return out;
  for (const r of RULES) {
    const v = (retention as Record<string, unknown>)[r];
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) out[r] = v;
    else if (v === undefined || v === null) out[r] = 0;
  }
  return out;
}

/**
 * Creates or edits a snapshot schedule. Editing shows what the retention rule in the boxes would
 * delete right now, as the API evaluates it, before anything is saved.
 */
export function ScheduleDialog({ task, datasets, onClose }: { task: SnapshotTask | null; datasets: readonly Dataset[]; onClose: () => void }) {
  const create = useCreateTask();
  const update = useUpdateTask();
  const form = useContractForm(SnapshotTaskCreate, valuesOf(task));
  const { control, setValue, watch } = form;
  const rule = useDebouncedValue(JSON.stringify(ruleOf(watch('retention'))), 400);
  const label = (id: string) => datasets.find((d) => d.id === id)?.relativePath ?? id.slice(0, 8);

  return (
    <FormDialog
      form={form}
      title={task ? `Edit schedule “${task.name}”` : 'Add snapshot schedule'}
      submitLabel={task ? 'Save' : 'Add schedule'}
      maxWidth="md"
      fields={FIELDS}
      requireDirty={task !== null}
      onClose={onClose}
      onSubmit={(body) => (task ? update.mutateAsync({ id: task.id, body }) : create.mutateAsync(body))}
    >
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, sm: 6 }}>
          <FormTextField control={control} name="name" label="Name" required emptyAs="" autoFocus helperText="e.g. hourly-media" />
        </Grid>
        <Grid size={{ xs: 12, sm: 6 }}>
          <FormSelectField
            control={control}
            name="datasetIds"
            label="Datasets"
            multiple
            options={datasets.map((d) => ({ value: d.id, label: d.relativePath, description: d.path }))}
            disabled={datasets.length === 0}
            helperText={datasets.length === 0 ? 'No datasets yet; create one on the Datasets tab' : 'Each run snapshots every dataset listed'}
          />
        </Grid>
        <Grid size={{ xs: 12, sm: 6 }}>
          <FormTextField control={control} name="schedule" label="Schedule (cron)" emptyAs="" helperText="minute hour day-of-month month day-of-week, or @daily" slotProps={{ htmlInput: { style: { fontFamily: 'monospace' } } }} />
          <Box sx={{ display: 'flex', gap: 0.5, flexWrap: 'wrap', mt: 1 }}>
            {PRESETS.map((p) => (
              <Chip key={p.cron} label={p.label} size="small" variant="outlined" onClick={() => setValue('schedule', p.cron, { shouldDirty: true, shouldValidate: true })} />
            ))}
          </Box>
        </Grid>
        <Grid size={{ xs: 12, sm: 6 }}>
          <FormTextField control={control} name="timezone" label="Time zone" emptyAs="" helperText="IANA name, e.g. UTC or Europe/Berlin; days and weeks are counted in it" />
        </Grid>
        <Grid size={12}>
          <Typography variant="subtitle2">Keep</Typography>
          <Typography variant="caption" sx={{ color: 'text.secondary' }}>
            The newest snapshot of each of the last N hours, days, weeks, months and years is kept; the others this schedule took are deleted after each run. All zero keeps every
            snapshot.
          </Typography>
        </Grid>
        {RULES.map((r) => (
          <Grid key={r} size={{ xs: 6, sm: 'grow' }}>
            <FormTextField control={control} name={`retention.${r}`} label={r[0].toUpperCase() + r.slice(1)} numeric emptyAs={null} slotProps={{ htmlInput: { inputMode: 'numeric' } }} />
          </Grid>
        ))}
        <Grid size={12}>
          <FormSwitch control={control} name="enabled" label="Enabled" />
        </Grid>
      </Grid>
      <Divider sx={{ my: 2 }} />
      <Typography variant="subtitle2" component="h3" sx={{ mb: 1 }}>
        Retention preview
      </Typography>
      {task ? (
        <RetentionPreviewPanel taskId={task.id} rule={JSON.parse(rule) as Partial<Retention>} datasetLabel={label} />
      ) : (
        <Typography variant="body2" sx={{ color: 'text.secondary' }}>
          A new schedule has no snapshots yet; after it has run, editing it shows which snapshots these rules keep and delete.
        </Typography>
      )}
    </FormDialog>
  );
}
