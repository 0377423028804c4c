import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Stack from '@mui/material/Stack';
import { CreateGroupRequest, ID_ALLOCATION_START, ID_MAX, ID_MIN, type FieldError, type GroupChange } from '@moxnas/contracts';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { ErrorAlert } from '../../../components/error-alert';
import { FormSelectField, FormTextField } from '../../../components/form-fields';
import { applyFieldErrors, contractResolver } from '../../../lib/form';
import { useCreateGroup, type CreateGroupInput } from '../api/groups';
import { useUsers } from '../api/users';

const FIELDS = ['name', 'gid', 'description', 'memberIds'] as const;
const DEFAULTS: CreateGroupInput = { name: '', memberIds: [] };

export function GroupCreateDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (group: GroupChange) => void }) {
  const create = useCreateGroup();
  const users = useUsers({ page: 1, pageSize: 500 }, { enabled: open });
  const [failure, setFailure] = useState<{ error: unknown; rest: FieldError[] } | null>(null);
  const { control, handleSubmit, setError, reset, formState } = useForm({
    resolver: contractResolver(CreateGroupRequest),
    defaultValues: DEFAULTS,
    mode: 'onTouched',
  });
  // The built-in admin has no Linux account, so it cannot be a group member.
  const memberOptions = (users.data?.items ?? []).filter((u) => !u.builtIn).map((u) => ({ value: u.id, label: u.username, description: u.fullName ?? undefined }));

  const close = () => {
    reset(DEFAULTS);
    setFailure(null);
    onClose();
  };

  const onSubmit = handleSubmit(async (values) => {
    setFailure(null);
    try {
      onCreated(await create.mutateAsync(values));
      close();
    } catch (error) {
      setFailure({ error, rest: applyFieldErrors(error, setError, FIELDS) });
    }
  });

  return (
    <Dialog open={open} onClose={formState.isSubmitting ? undefined : close} aria-labelledby="group-create-title">
      <DialogTitle id="group-create-title">Add group</DialogTitle>
      <form noValidate onSubmit={(e) => void onSubmit(e)}>
        <DialogContent dividers>
          <Stack spacing={2}>
            <FormTextField control={control} name="name" label="Name" required autoFocus autoComplete="off" helperText="Lowercase letters, digits, _ and -" />
            <FormTextField control={control} name="gid" label="GID" numeric helperText={`${ID_MIN}–${ID_MAX}; from ${ID_ALLOCATION_START} up when empty`} />
            <FormTextField control={control} name="description" label="Description" />
            <FormSelectField
              control={control}
              name="memberIds"
              label="Members"
              multiple
              options={memberOptions}
              disabled={memberOptions.length === 0}
              helperText={memberOptions.length === 0 ? 'No users with a Linux account yet' : undefined}
            />
            {failure && <ErrorAlert error={failure.error} fieldErrors={failure.rest} />}
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={close} disabled={formState.isSubmitting}>
            Cancel
          </Button>
          <Button type="submit" variant="contained" loading={formState.isSubmitting}>
            Add group
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
