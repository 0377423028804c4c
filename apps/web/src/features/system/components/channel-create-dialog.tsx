import Grid from '@mui/material/Grid';
import { CreateAlertChannel } from '@moxnas/contracts';
import type { FieldPath } from 'react-hook-form';
import { FormDialog } from '../../../components/form-dialog';
import { FormListField, FormSelectField, FormSwitch, FormTextField } from '../../../components/form-fields';
import { useContractForm } from '../../../lib/form';
import { useCreateChannel, type ChannelInput } from '../api/alert-channels';

const SEVERITIES = [
  { value: 'info', label: 'Info and above' },
  { value: 'warning', label: 'Warning and above' },
  { value: 'critical', label: 'Critical only' },
];

const WEBHOOK: ChannelInput = { type: 'webhook', name: '', enabled: true, minSeverity: 'warning', webhook: { url: '', secret: '', timeoutSeconds: 10 } };
const EMAIL: ChannelInput = {
  type: 'email',
  name: '',
  enabled: true,
  minSeverity: 'warning',
  email: { host: '', port: 587, security: 'starttls', username: null, password: null, rejectUnauthorized: true, from: '', to: [] },
};
/**
 * Defaults for both branches, so switching the type shows real values. Only the branch on screen
 * is submitted (shouldUnregister), so the object never reaches the API as it is here.
 */
const DEFAULTS = { ...EMAIL, ...WEBHOOK } as ChannelInput;

/** Field paths are the contract's (`webhook.url`, `email.to.1`); the form uses the same names. */
function channelField(apiField: string): FieldPath<ChannelInput> | undefined {
  if (/^(name|minSeverity|webhook\.(url|secret|timeoutSeconds)|email\.(host|port|security|username|password|from|to))$/.test(apiField)) return apiField as FieldPath<ChannelInput>;
  if (/^email\.to\.\d+$/.test(apiField)) return 'email.to';
  return undefined;
}

export function ChannelCreateDialog({ onClose }: { onClose: () => void }) {
  const create = useCreateChannel();
  // Fields of the other channel type are dropped when hidden, so the strict schema sees one branch.
  const form = useContractForm(CreateAlertChannel, DEFAULTS, { shouldUnregister: true });
  const { control, watch } = form;
  const type = watch('type');

  return (
    <FormDialog form={form} title="Add notification channel" submitLabel="Add channel" maxWidth="md" fields={channelField} onClose={onClose} onSubmit={(body) => create.mutateAsync(body)}>
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, sm: 4 }}>
          <FormSelectField control={control} name="type" label="Type" options={[{ value: 'webhook', label: 'Webhook' }, { value: 'email', label: 'E-mail' }]} />
        </Grid>
        <Grid size={{ xs: 12, sm: 4 }}>
          <FormTextField control={control} name="name" label="Name" emptyAs="" autoFocus />
        </Grid>
        <Grid size={{ xs: 12, sm: 4 }}>
          <FormSelectField control={control} name="minSeverity" label="Send" options={SEVERITIES} />
        </Grid>
        {type === 'webhook' ? (
          <>
            <Grid size={12}>
              <FormTextField control={control} name="webhook.url" label="URL" emptyAs="" helperText="Alerts are POSTed here as JSON" />
            </Grid>
            <Grid size={{ xs: 12, sm: 8 }}>
              <FormTextField control={control} name="webhook.secret" label="Signing secret" type="password" emptyAs="" helperText="Each request carries X-MoxNAS-Signature: sha256=<HMAC of the body>" />
            </Grid>
            <Grid size={{ xs: 12, sm: 4 }}>
              <FormTextField control={control} name="webhook.timeoutSeconds" label="Timeout (s)" numeric />
            </Grid>
          </>
        ) : (
          <>
            <Grid size={{ xs: 12, sm: 6 }}>
              <FormTextField control={control} name="email.host" label="SMTP server" emptyAs="" />
            </Grid>
            <Grid size={{ xs: 6, sm: 3 }}>
              <FormTextField control={control} name="email.port" label="Port" numeric />
            </Grid>
            <Grid size={{ xs: 6, sm: 3 }}>
              <FormSelectField
                control={control}
                name="email.security"
                label="Security"
                options={[
                  { value: 'starttls', label: 'STARTTLS (587)' },
                  { value: 'tls', label: 'TLS (465)' },
                  { value: 'none', label: 'None (clear text)' },
                ]}
              />
            </Grid>
            <Grid size={{ xs: 12, sm: 6 }}>
              <FormTextField control={control} name="email.username" label="Login" emptyAs={null} helperText="Empty for a relay without authentication" />
            </Grid>
            <Grid size={{ xs: 12, sm: 6 }}>
              <FormTextField control={control} name="email.password" label="Password" type="password" emptyAs={null} />
            </Grid>
            <Grid size={{ xs: 12, sm: 6 }}>
              <FormTextField control={control} name="email.from" label="From" emptyAs="" />
            </Grid>
            <Grid size={{ xs: 12, sm: 6 }}>
              <FormListField control={control} name="email.to" label="To" helperText="One or more addresses, separated by commas" />
            </Grid>
            <Grid size={12}>
              <FormSwitch control={control} name="email.rejectUnauthorized" label="Verify the server’s TLS certificate" />
            </Grid>
          </>
        )}
        <Grid size={12}>
          <FormSwitch control={control} name="enabled" label="Enabled" />
        </Grid>
      </Grid>
    </FormDialog>
  );
}
