import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Stack from '@mui/material/Stack';
import { UpdateHostname, type FieldError, type HostnameSettings } from '@moxnas/contracts';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { ErrorAlert } from '../../../components/error-alert';
import { FormTextField } from '../../../components/form-fields';
import { applyFieldErrors, contractResolver } from '../../../lib/form';
import { useUpdateHostname } from '../api/network';

export function HostnameDialog({ current, onClose }: { current: HostnameSettings; onClose: () => void }) {
  const update = useUpdateHostname();
  const [failure, setFailure] = useState<{ error: unknown; rest: FieldError[] } | null>(null);
  const { control, handleSubmit, setError, formState } = useForm({
    resolver: contractResolver(UpdateHostname),
    defaultValues: { hostname: current.configured ?? current.hostname },
  });

  const onSubmit = handleSubmit(async (body) => {
    setFailure(null);
    try {
      await update.mutateAsync(body);
      onClose();
    } catch (error) {
      setFailure({ error, rest: applyFieldErrors(error, setError, ['hostname']) });
    }
  });

  return (
    <Dialog open onClose={formState.isSubmitting ? undefined : onClose} aria-labelledby="hostname-title">
      <DialogTitle id="hostname-title">Host name</DialogTitle>
      <form noValidate onSubmit={(e) => void onSubmit(e)}>
        <DialogContent dividers>
          <Stack spacing={2}>
            <FormTextField
              control={control}
              name="hostname"
              label="Host name"
              emptyAs=""
              autoFocus
              helperText="SMB clients see this name unless the SMB settings set a NetBIOS name"
            />
            {failure && <ErrorAlert error={failure.error} fieldErrors={failure.rest} />}
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose} disabled={formState.isSubmitting}>
            Cancel
          </Button>
          <Button type="submit" variant="contained" loading={formState.isSubmitting}>
            Save
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
