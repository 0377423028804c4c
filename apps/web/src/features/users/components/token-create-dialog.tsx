import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import IconButton from '@mui/material/IconButton';
import InputAdornment from '@mui/material/InputAdornment';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import { CreateApiTokenRequest, roleAtMost, type CreatedApiToken } from '@moxnas/contracts';
import { useState, type FocusEvent } from 'react';
import { FormDialog } from '../../../components/form-dialog';
import { FormSelectField, FormTextField } from '../../../components/form-fields';
import { useUser } from '../../../lib/auth';
import { useContractForm } from '../../../lib/form';
import { useCreateToken, type CreateTokenInput } from '../api/tokens';
import { ROLE_OPTIONS } from './options';

const FIELDS = ['name', 'role', 'expiresInDays'] as const;
const DEFAULTS: CreateTokenInput = { name: '', role: 'viewer', expiresInDays: 90 };

export function TokenCreateDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const me = useUser();
  const create = useCreateToken();
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const [copied, setCopied] = useState(false);
  const form = useContractForm(CreateApiTokenRequest, DEFAULTS);
  const { control } = form;
  // A token may do at most what its owner can.
  const roleOptions = ROLE_OPTIONS.filter((o) => o.value !== 'none' && roleAtMost(o.value, me.role));

  const close = () => {
    form.reset();
    setCreated(null);
    setCopied(false);
    onClose();
  };

  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.token);
      setCopied(true);
    } catch {
      /* clipboard blocked on plain HTTP: the field is selectable */
    }
  };

  if (!created) {
    return (
      <FormDialog
        open={open}
        form={form}
        title="Create API token"
        submitLabel="Create token"
        fields={FIELDS}
        closeOnSuccess={false}
        onClose={close}
        onSubmit={async (values) => setCreated(await create.mutateAsync(values))}
      >
        <Stack spacing={2}>
          <FormTextField control={control} name="name" label="Name" required autoFocus autoComplete="off" helperText="What it is for, e.g. prometheus or backup script" />
          <FormSelectField control={control} name="role" label="Role" options={roleOptions} helperText="At most your own role" />
          <FormTextField control={control} name="expiresInDays" label="Expires after (days)" numeric helperText="1–3650; empty for a token that never expires" />
        </Stack>
      </FormDialog>
    );
  }

  return (
    <Dialog open={open} onClose={close} aria-labelledby="token-created-title">
      <DialogTitle id="token-created-title">Token “{created.name}” created</DialogTitle>
      <DialogContent dividers>
        <Stack spacing={2}>
          <Alert severity="warning">Copy the token now. It is shown only once; MoxNAS keeps only a hash of it.</Alert>
          <TextField
            label="Token"
            value={created.token}
            slotProps={{
              htmlInput: { readOnly: true, style: { fontFamily: 'monospace' }, onFocus: (e: FocusEvent<HTMLInputElement>) => e.target.select() },
              input: {
                endAdornment: (
                  <InputAdornment position="end">
                    <Tooltip title={copied ? 'Copied' : 'Copy'}>
                      <IconButton aria-label="Copy token" onClick={() => void copy()} edge="end">
                        <ContentCopyIcon />
                      </IconButton>
                    </Tooltip>
                  </InputAdornment>
                ),
              },
            }}
          />
          <Alert severity="info">
            Send it as <code>Authorization: Bearer {created.prefix}…</code>. It acts as {created.ownerUsername} with the {created.role} role
            {created.expiresAt ? ` until ${new Date(created.expiresAt).toLocaleDateString()}` : ' and never expires'}.
          </Alert>
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button variant="contained" onClick={close}>
          Done
        </Button>
      </DialogActions>
    </Dialog>
  );
}
