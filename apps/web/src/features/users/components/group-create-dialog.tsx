import Stack from '@mui/material/Stack';
import { CreateGroupRequest, ID_ALLOCATION_START, ID_MAX, ID_MIN, type GroupChange } from '@moxnas/contracts';
import { FormDialog } from '../../../components/form-dialog';
import { FormSelectField, FormTextField } from '../../../components/form-fields';
import { useContractForm } from '../../../lib/form';
import { useCreateGroup, type CreateGroupInput } from '../api/groups';
import { useUsers } from '../api/users';

const FIELDS = ['name', 'gid', 'description', 'memberIds'] as const;
const DEFAULTS: CreateGroupInput = { name: '', memberIds: [] };

export function GroupCreateDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (group: GroupChange) => void }) {
  const create = useCreateGroup();
  const users = useUsers({ page: 1, pageSize: 500 }, { enabled: open });
  const form = useContractForm(CreateGroupRequest, DEFAULTS);
  const { control } = form;
  // The built-in admin has no Linux account, so it cannot be a group member.
  const memberOptions = (users.data?.items ?? []).filter((u) => !u.builtIn).map((u) => ({ value: u.id, label: u.username, description: u.fullName ?? undefined }));

  return (
    <FormDialog open={open} form={form} title="Add group" submitLabel="Add group" fields={FIELDS} onClose={onClose} onSubmit={async (values) => onCreated(await create.mutateAsync(values))}>
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
      </Stack>
    </FormDialog>
  );
}
