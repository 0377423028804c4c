import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Grid from '@mui/material/Grid';
import Typography from '@mui/material/Typography';
import { FtpSettings, NfsSettings, SmbProtocol, SmbSettings, type ApplyResult, type ServiceStatus } from '@moxnas/contracts';
import { useState, type ReactNode } from 'react';
import type { Control, DefaultValues, FieldPath, FieldValues } from 'react-hook-form';
import type { z } from 'zod';
import { ErrorAlert } from '../../../components/error-alert';
import { FormDialog } from '../../../components/form-dialog';
import { FormListField, FormSelectField, FormSwitch, FormTextField } from '../../../components/form-fields';
import { PageLoader } from '../../../components/page-loader';
import { applyFieldErrors, useContractForm } from '../../../lib/form';
import { useServiceSettings, useUpdateSettings } from '../api/services';
import { ApplyOutcome, FileDiffs } from './apply-result';

type ObjectSchema = z.ZodObject & z.ZodType<FieldValues, FieldValues>;

/** The contract's own description of a setting, as the help line under its field. */
function help(schema: ObjectSchema, key: string): string | undefined {
  return (schema.shape as Record<string, z.ZodType | undefined>)[key]?.description;
}

function SmbFields({ control }: { control: Control<z.input<typeof SmbSettings>, unknown, z.output<typeof SmbSettings>> }) {
  const h = (k: string) => help(SmbSettings, k);
  return (
    <Grid container spacing={2}>
      <Grid size={{ xs: 12, sm: 6 }}>
        <FormTextField control={control} name="workgroup" label="Workgroup" emptyAs="" helperText={h('workgroup')} />
      </Grid>
      <Grid size={{ xs: 12, sm: 6 }}>
        <FormTextField control={control} name="serverString" label="Server description" emptyAs="" helperText={h('serverString')} />
      </Grid>
      <Grid size={{ xs: 12, sm: 6 }}>
        <FormTextField control={control} name="netbiosName" label="NetBIOS name" emptyAs={null} helperText={h('netbiosName')} />
      </Grid>
      <Grid size={{ xs: 12, sm: 6 }}>
        <FormSelectField control={control} name="minProtocol" label="Minimum protocol" options={SmbProtocol.options.map((p) => ({ value: p, label: p === 'NT1' ? 'NT1 (SMB1, insecure)' : p }))} helperText={h('minProtocol')} />
      </Grid>
      <Grid size={{ xs: 12, sm: 8 }}>
        <FormListField control={control} name="interfaces" label="Interfaces" helperText={h('interfaces')} />
      </Grid>
      <Grid size={{ xs: 12, sm: 4 }}>
        <FormTextField control={control} name="port" label="Port" numeric emptyAs={null} helperText={h('port')} />
      </Grid>
    </Grid>
  );
}

function NfsFields({ control }: { control: Control<z.input<typeof NfsSettings>, unknown, z.output<typeof NfsSettings>> }) {
  const h = (k: string) => help(NfsSettings, k);
  return (
    <Grid container spacing={2}>
      <Grid size={{ xs: 12, sm: 6 }}>
        <FormSwitch control={control} name="v3" label="NFSv3" helperText={h('v3')} />
      </Grid>
      <Grid size={{ xs: 12, sm: 6 }}>
        <FormSwitch control={control} name="v4" label="NFSv4" helperText={h('v4')} />
      </Grid>
      <Grid size={{ xs: 12, sm: 6 }}>
        <FormTextField control={control} name="threads" label="Server threads" numeric helperText="1–128" />
      </Grid>
      <Grid size={{ xs: 12, sm: 6 }}>
        <FormTextField control={control} name="mountdPort" label="mountd port" numeric emptyAs={null} helperText={h('mountdPort')} />
      </Grid>
      <Grid size={{ xs: 12, sm: 6 }}>
        <FormTextField control={control} name="statdPort" label="statd port" numeric emptyAs={null} helperText="Empty = dynamic" />
      </Grid>
      <Grid size={{ xs: 12, sm: 6 }}>
        <FormTextField control={control} name="lockdPort" label="lockd port" numeric emptyAs={null} helperText="Empty = dynamic" />
      </Grid>
    </Grid>
  );
}

function FtpFields({ control }: { control: Control<z.input<typeof FtpSettings>, unknown, z.output<typeof FtpSettings>> }) {
  const h = (k: string) => help(FtpSettings, k);
  return (
    <Grid container spacing={2}>
      <Grid size={{ xs: 12, sm: 6 }}>
        <FormTextField control={control} name="port" label="Control port" numeric emptyAs={null} helperText={h('port')} />
      </Grid>
      <Grid size={{ xs: 12, sm: 6 }}>
        <FormTextField control={control} name="listenAddress" label="Listen address" emptyAs={null} helperText={h('listenAddress')} />
      </Grid>
      <Grid size={{ xs: 6 }}>
        <FormTextField control={control} name="passivePortMin" label="Passive ports from" numeric />
      </Grid>
      <Grid size={{ xs: 6 }}>
        <FormTextField control={control} name="passivePortMax" label="Passive ports to" numeric />
      </Grid>
      <Grid size={12}>
        <FormTextField control={control} name="banner" label="Banner" emptyAs="" helperText={h('banner')} />
      </Grid>
      <Grid size={{ xs: 6 }}>
        <FormTextField control={control} name="maxClients" label="Max clients" numeric helperText={h('maxClients')} />
      </Grid>
      <Grid size={{ xs: 6 }}>
        <FormTextField control={control} name="maxPerIp" label="Max per address" numeric helperText={h('maxPerIp')} />
      </Grid>
      <Grid size={12}>
        <FormSwitch control={control} name="tls" label="Offer TLS" helperText={h('tls')} />
      </Grid>
    </Grid>
  );
}

interface EditorProps<S extends ObjectSchema> {
  service: ServiceStatus;
  schema: S;
  stored: Record<string, unknown>;
  renderFields: (control: Control<z.input<S>, unknown, z.output<S>>) => ReactNode;
  onClose: () => void;
}

/**
 * Edit → review (the dry run's diff per file) → apply → outcome. The form stays mounted behind the
 * steps, so Back keeps what was typed, and a rejection at apply time lands on its fields.
 */
function SettingsEditor<S extends ObjectSchema>({ service, schema, stored, renderFields, onClose }: EditorProps<S>) {
  const parsed = schema.safeParse(stored);
  const form = useContractForm(schema, (parsed.success ? parsed.data : stored) as DefaultValues<z.input<S>>);
  const update = useUpdateSettings();
  const [review, setReview] = useState<{ body: Record<string, unknown>; result: ApplyResult } | null>(null);
  const [applied, setApplied] = useState<ApplyResult | null>(null);
  const keys = Object.keys(schema.shape) as FieldPath<z.input<S>>[];
  const title = `${service.name} settings`;

  const preview = async (values: z.output<S>) => {
    // Only what changed is sent, so a concurrent change to another setting is not overwritten.
    const dirty = form.formState.dirtyFields as Record<string, unknown>;
    const body = Object.fromEntries(Object.entries(values as Record<string, unknown>).filter(([k]) => dirty[k] !== undefined && dirty[k] !== false));
    const res = await update.mutateAsync({ id: service.id, body, dryRun: true });
    if (!res.apply) throw new Error('The API answered the dry run without a result.');
    setReview({ body, result: res.apply });
  };

  const apply = () => {
    if (!review) return;
    update.mutate(
      { id: service.id, body: review.body, dryRun: false },
      {
        onSuccess: (res) => setApplied(res.apply),
        // A checker rejection names fields: put them on the form for when the admin goes back.
        onError: (error) => void applyFieldErrors(error, form.setError, keys),
      },
    );
  };

  if (applied) {
    return (
      <Dialog open onClose={onClose} maxWidth="md" fullWidth aria-labelledby="settings-done-title">
        <DialogTitle id="settings-done-title">{title}</DialogTitle>
        <DialogContent dividers>
          <ApplyOutcome result={applied} />
        </DialogContent>
        <DialogActions>
          <Button variant="contained" onClick={onClose}>
            Done
          </Button>
        </DialogActions>
      </Dialog>
    );
  }

  if (review) {
    const nothing = review.result.diffs.every((d) => !d.diff.trim());
    return (
      <Dialog open onClose={update.isPending ? undefined : onClose} maxWidth="md" fullWidth aria-labelledby="settings-review-title">
        <DialogTitle id="settings-review-title">Review changes to {service.name}</DialogTitle>
        <DialogContent dividers>
          <Typography variant="body2" sx={{ mb: 2, color: 'text.secondary' }}>
            Nothing is written yet. The daemon’s own checker accepted the new configuration; this is how each file would change.
          </Typography>
          <FileDiffs result={review.result} />
          {update.isError && <ErrorAlert error={update.error} title="The change was not applied" sx={{ mt: 2 }} />}
        </DialogContent>
        <DialogActions>
          <Button
            onClick={() => {
              update.reset();
              setReview(null);
            }}
            disabled={update.isPending}
          >
            Back
          </Button>
          <Button onClick={onClose} disabled={update.isPending}>
            Cancel
          </Button>
          <Button variant="contained" onClick={apply} loading={update.isPending}>
            {nothing ? 'Save' : 'Apply'}
          </Button>
        </DialogActions>
      </Dialog>
    );
  }

  return (
    <FormDialog form={form} title={title} submitLabel="Preview changes" maxWidth="md" fields={keys} requireDirty closeOnSuccess={false} onClose={onClose} onSubmit={preview}>
      {renderFields(form.control)}
    </FormDialog>
  );
}

/** Global settings of one service, loaded from the API; admins only (the page shows the button to them). */
export function SettingsDialog({ service, onClose }: { service: ServiceStatus; onClose: () => void }) {
  const settings = useServiceSettings(service.id);
  if (!settings.data) {
    return (
      <Dialog open onClose={onClose} maxWidth="sm" fullWidth aria-labelledby="settings-loading-title">
        <DialogTitle id="settings-loading-title">{service.name} settings</DialogTitle>
        <DialogContent dividers>{settings.isError ? <ErrorAlert error={settings.error} onRetry={() => void settings.refetch()} /> : <PageLoader />}</DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Close</Button>
        </DialogActions>
      </Dialog>
    );
  }
  const stored = settings.data.settings;
  switch (service.id) {
    case 'smb':
      return <SettingsEditor service={service} schema={SmbSettings} stored={stored} onClose={onClose} renderFields={(control) => <SmbFields control={control} />} />;
    case 'nfs':
      return <SettingsEditor service={service} schema={NfsSettings} stored={stored} onClose={onClose} renderFields={(control) => <NfsFields control={control} />} />;
    case 'ftp':
      return <SettingsEditor service={service} schema={FtpSettings} stored={stored} onClose={onClose} renderFields={(control) => <FtpFields control={control} />} />;
  }
}
