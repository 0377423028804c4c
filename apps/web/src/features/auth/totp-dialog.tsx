import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import IconButton from '@mui/material/IconButton';
import Stack from '@mui/material/Stack';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { TotpConfirmRequest, TotpDisableRequest, type TotpEnrolment } from '@moxnas/contracts';
import { useState } from 'react';
import { ErrorAlert } from '../../components/error-alert';
import { FormDialog } from '../../components/form-dialog';
import { FormTextField } from '../../components/form-fields';
import { useUser } from '../../lib/auth';
import { useContractForm } from '../../lib/form';
import { useConfirmTotp, useDisableTotp, useEnrolTotp } from './api/totp';

/** A value to type or paste into an authenticator app: selectable, with a copy button. */
function Copyable({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Box>
      <Typography variant="caption" sx={{ color: 'text.secondary' }}>
        {label}
      </Typography>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 0.5 }}>
        <Box
          component="code"
          aria-label={label}
          sx={{ flex: 1, minWidth: 0, p: 1, bgcolor: 'action.hover', borderRadius: 1, fontSize: 13, overflowWrap: 'anywhere', userSelect: 'all' }}
        >
          {value}
        </Box>
        <Tooltip title={copied ? 'Copied' : 'Copy'}>
          <IconButton
            aria-label={`Copy ${label.toLowerCase()}`}
            onClick={() =>
              void navigator.clipboard.writeText(value).then(
                () => setCopied(true),
                () => undefined, // plain HTTP blocks the clipboard; the text stays selectable
              )
            }
          >
            <ContentCopyIcon fontSize="small" />
          </IconButton>
        </Tooltip>
      </Box>
    </Box>
  );
}

function ConfirmStep({ enrolment, onDone, onClose }: { enrolment: TotpEnrolment; onDone: () => void; onClose: () => void }) {
  const confirm = useConfirmTotp();
  const form = useContractForm(TotpConfirmRequest, { code: '' }, { mode: 'onSubmit' });
  return (
    <FormDialog
      form={form}
      title="Set up two-factor authentication"
      submitLabel="Turn on"
      fields={['code']}
      closeOnSuccess={false}
      onClose={onClose}
      onSubmit={async (body) => {
        await confirm.mutateAsync(body);
        onDone();
      }}
    >
      <Stack spacing={2}>
        <Typography variant="body2">
          Add this account to an authenticator app (Aegis, Google Authenticator, 1Password…): paste the link into an app that accepts otpauth links, or type the secret as a
          time-based key. Then enter the six-digit code it shows.
        </Typography>
        <Copyable label="Secret" value={enrolment.secret} />
        <Copyable label="otpauth link" value={enrolment.otpauthUrl} />
        <FormTextField
          control={form.control}
          name="code"
          label="Code from the app"
          autoComplete="one-time-code"
          emptyAs=""
          autoFocus
          slotProps={{ htmlInput: { inputMode: 'numeric', maxLength: 6 } }}
        />
      </Stack>
    </FormDialog>
  );
}

function DisableStep({ onDone, onClose }: { onDone: () => void; onClose: () => void }) {
  const disable = useDisableTotp();
  const form = useContractForm(TotpDisableRequest, { password: '' }, { mode: 'onSubmit' });
  return (
    <FormDialog
      form={form}
      title="Two-factor authentication"
      submitLabel="Turn off"
      submitColor="error"
      fields={['password']}
      closeOnSuccess={false}
      onClose={onClose}
      onSubmit={async (body) => {
        await disable.mutateAsync(body);
        onDone();
      }}
    >
      <Stack spacing={2}>
        <Alert severity="success">On: logging in to the dashboard asks for a code from your authenticator app.</Alert>
        <Typography variant="body2">To turn it off, or to move it to a new phone (turn off, then set up again), confirm with your password.</Typography>
        <FormTextField control={form.control} name="password" label="Password" type="password" autoComplete="current-password" emptyAs="" />
      </Stack>
    </FormDialog>
  );
}

/** Two-factor authentication (TOTP) for the signed-in account: set up with a code, or turn off with the password. */
export function TotpDialog({ onClose }: { onClose: () => void }) {
  const user = useUser();
  const enrol = useEnrolTotp();
  const [done, setDone] = useState<string | null>(null);
  // What the dialog opened for; the session user flips as soon as the API confirms.
  const [enabledAtOpen] = useState(user.totpEnabled);

  if (done) {
    return (
      <Dialog open onClose={onClose} aria-labelledby="totp-done-title">
        <DialogTitle id="totp-done-title">Two-factor authentication</DialogTitle>
        <DialogContent dividers>
          <Alert severity="success">{done}</Alert>
        </DialogContent>
        <DialogActions>
          <Button variant="contained" onClick={onClose}>
            Done
          </Button>
        </DialogActions>
      </Dialog>
    );
  }
  if (enabledAtOpen) return <DisableStep onClose={onClose} onDone={() => setDone('Two-factor authentication is off; logging in needs only your password.')} />;
  if (enrol.data) {
    return <ConfirmStep enrolment={enrol.data} onClose={onClose} onDone={() => setDone('Two-factor authentication is on. From your next login, MoxNAS asks for a code from the app.')} />;
  }
  return (
    <Dialog open onClose={onClose} aria-labelledby="totp-start-title">
      <DialogTitle id="totp-start-title">Set up two-factor authentication</DialogTitle>
      <DialogContent dividers>
        <Typography variant="body2">
          With two-factor authentication, logging in to the dashboard also needs a six-digit code from an app on your phone, so a stolen password alone is not enough. SMB and FTP
          logins are not affected.
        </Typography>
        {enrol.isError && <ErrorAlert error={enrol.error} sx={{ mt: 2 }} />}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="contained" loading={enrol.isPending} onClick={() => enrol.mutate()}>
          Show the secret
        </Button>
      </DialogActions>
    </Dialog>
  );
}
