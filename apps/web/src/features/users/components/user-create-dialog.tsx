import Accordion from '@mui/material/Accordion';
import AccordionDetails from '@mui/material/AccordionDetails';
import AccordionSummary from '@mui/material/AccordionSummary';
import Grid from '@mui/material/Grid';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import { CreateUserRequest, ID_ALLOCATION_START, ID_MAX, ID_MIN, PASSWORD_MIN_LENGTH, type UserChange } from '@moxnas/contracts';
import { FormSelectField, FormSwitch, FormTextField } from '../../../components/form-fields';
import { FormDialog } from '../../../components/form-dialog';
import { useContractForm } from '../../../lib/form';
import { useGroups } from '../api/groups';
import { useCreateUser, type CreateUserInput } from '../api/users';
import { ROLE_OPTIONS, SHELL_OPTIONS } from './options';

const FIELDS = ['username', 'password', 'fullName', 'email', 'uid', 'primaryGroupId', 'groupIds', 'shell', 'homeDir', 'smbEnabled', 'ftpEnabled', 'role', 'disabled', 'mustChangePassword'] as const;

const DEFAULTS: CreateUserInput = {
  username: '',
  password: '',
  role: 'none',
  smbEnabled: true,
  ftpEnabled: false,
  mustChangePassword: false,
  groupIds: [],
};

export function UserCreateDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (user: UserChange) => void }) {
  const create = useCreateUser();
  const groups = useGroups({ page: 1, pageSize: 500 }, { enabled: open });
  const form = useContractForm(CreateUserRequest, DEFAULTS);
  const { control } = form;
  const groupOptions = (groups.data?.items ?? []).map((g) => ({ value: g.id, label: g.name, description: `gid ${g.gid}` }));

  return (
    <FormDialog
      open={open}
      form={form}
      title="Add user"
      submitLabel="Add user"
      maxWidth="md"
      fields={FIELDS}
      onClose={onClose}
      onSubmit={async (values) => onCreated(await create.mutateAsync(values))}
    >
      <Typography variant="body2" sx={{ color: 'text.secondary', mb: 2 }}>
        One account for the dashboard (by role), SMB and FTP, and a Linux account on this container.
      </Typography>
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, sm: 6 }}>
          <FormTextField control={control} name="username" label="Username" required autoFocus autoComplete="off" helperText="Lowercase letters, digits, _ and -; cannot be changed later" />
        </Grid>
        <Grid size={{ xs: 12, sm: 6 }}>
          <FormTextField control={control} name="password" label="Password" type="password" required autoComplete="new-password" helperText={`At least ${PASSWORD_MIN_LENGTH} characters`} />
        </Grid>
        <Grid size={{ xs: 12, sm: 6 }}>
          <FormTextField control={control} name="fullName" label="Full name" />
        </Grid>
        <Grid size={{ xs: 12, sm: 6 }}>
          <FormTextField control={control} name="email" label="Email" type="email" helperText="For alert notifications" />
        </Grid>
        <Grid size={{ xs: 12, sm: 6 }}>
          <FormSelectField control={control} name="role" label="Dashboard role" options={ROLE_OPTIONS} />
        </Grid>
        <Grid size={{ xs: 12, sm: 6 }}>
          <FormSelectField
            control={control}
            name="groupIds"
            label="Groups"
            multiple
            options={groupOptions}
            disabled={groupOptions.length === 0}
            helperText={groups.isError ? 'Groups could not be loaded' : groupOptions.length === 0 ? 'No groups yet; create them on the Groups tab' : 'Supplementary groups'}
          />
        </Grid>
        <Grid size={12}>
          <Stack direction={{ xs: 'column', sm: 'row' }} spacing={{ xs: 0, sm: 3 }}>
            <FormSwitch control={control} name="smbEnabled" label="SMB access" />
            <FormSwitch control={control} name="ftpEnabled" label="FTP access" />
            <FormSwitch control={control} name="mustChangePassword" label="Change password at next dashboard login" />
          </Stack>
        </Grid>
      </Grid>
      <Accordion disableGutters variant="outlined" sx={{ mt: 2 }}>
        <AccordionSummary expandIcon={<ExpandMoreIcon />}>Linux account</AccordionSummary>
        <AccordionDetails>
          <Grid container spacing={2}>
            <Grid size={{ xs: 12, sm: 4 }}>
              <FormTextField control={control} name="uid" label="UID" numeric helperText={`${ID_MIN}–${ID_MAX}; from ${ID_ALLOCATION_START} up when empty`} slotProps={{ htmlInput: { inputMode: 'numeric' } }} />
            </Grid>
            <Grid size={{ xs: 12, sm: 8 }}>
              <FormSelectField control={control} name="primaryGroupId" label="Primary group" options={groupOptions} emptyLabel="users (gid 100)" emptyAs={null} />
            </Grid>
            <Grid size={{ xs: 12, sm: 4 }}>
              <FormSelectField control={control} name="shell" label="Shell" options={SHELL_OPTIONS} emptyLabel="Default (no shell login)" />
            </Grid>
            <Grid size={{ xs: 12, sm: 8 }}>
              <FormTextField control={control} name="homeDir" label="Home directory" emptyAs={null} helperText="Absolute path, created when missing; empty for no home" />
            </Grid>
          </Grid>
        </AccordionDetails>
      </Accordion>
    </FormDialog>
  );
}
