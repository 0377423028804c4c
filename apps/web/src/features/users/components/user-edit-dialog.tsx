import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import Grid from '@mui/material/Grid';
import Stack from '@mui/material/Stack';
import { ID_MAX, ID_MIN, UpdateUserRequest, type User, type UserChange } from '@moxnas/contracts';
import { Controller } from 'react-hook-form';
import type { z } from 'zod';
import { FormDialog } from '../../../components/form-dialog';
import { FormSelectField, FormSwitch, FormTextField } from '../../../components/form-fields';
import { useContractForm } from '../../../lib/form';
import { useGroups } from '../api/groups';
import { useUpdateUser } from '../api/users';
import { ROLE_OPTIONS, SHELL_OPTIONS } from './options';

type Values = z.input<typeof UpdateUserRequest>;
const FIELDS = ['password', 'fullName', 'email', 'uid', 'primaryGroupId', 'groupIds', 'shell', 'homeDir', 'smbEnabled', 'ftpEnabled', 'role', 'disabled', 'mustChangePassword', 'totpEnabled'] as const;

function valuesOf(user: User): Values {
  return {
    fullName: user.fullName,
    email: user.email,
    role: user.role,
    disabled: user.disabled,
    mustChangePassword: user.mustChangePassword,
    smbEnabled: user.smbEnabled,
    ftpEnabled: user.ftpEnabled,
    groupIds: user.groups.map((g) => g.id),
    primaryGroupId: user.primaryGroup?.id ?? null,
    uid: user.uid ?? undefined,
    shell: SHELL_OPTIONS.some((o) => o.value === user.shell) ? (user.shell as Values['shell']) : undefined,
    homeDir: user.homeDir,
  };
}

/** Edits a user; only the fields that changed are sent (PATCH), so nothing else is touched. */
export function UserEditDialog({ user, onClose, onSaved }: { user: User; onClose: () => void; onSaved: (user: UserChange) => void }) {
  const update = useUpdateUser();
  const groups = useGroups({ page: 1, pageSize: 500 });
  const form = useContractForm(UpdateUserRequest, valuesOf(user));
  const { control } = form;
  const groupOptions = (groups.data?.items ?? []).map((g) => ({ value: g.id, label: g.name, description: `gid ${g.gid}` }));
  const host = !user.builtIn;

  const save = async (values: UpdateUserRequest) => {
    const dirty = form.formState.dirtyFields as Partial<Record<keyof Values, unknown>>;
    const body = Object.fromEntries(Object.entries(values).filter(([key, v]) => dirty[key as keyof Values] && v !== undefined)) as UpdateUserRequest;
    if (Object.keys(body).length === 0) return;
    onSaved(await update.mutateAsync({ id: user.id, body }));
  };

  return (
    <FormDialog form={form} title={`Edit user “${user.username}”`} submitLabel="Save" maxWidth="md" fields={FIELDS} requireDirty onClose={onClose} onSubmit={save}>
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, sm: 6 }}>
          <FormTextField control={control} name="fullName" label="Full name" emptyAs={null} />
        </Grid>
        <Grid size={{ xs: 12, sm: 6 }}>
          <FormTextField control={control} name="email" label="Email" type="email" emptyAs={null} />
        </Grid>
        <Grid size={{ xs: 12, sm: 6 }}>
          <FormSelectField control={control} name="role" label="Dashboard role" options={ROLE_OPTIONS} />
        </Grid>
        <Grid size={{ xs: 12, sm: 6 }}>
          <FormTextField
            control={control}
            name="password"
            label="New password"
            type="password"
            autoComplete="new-password"
            helperText="Leave empty to keep the current password; a change signs the user out everywhere"
          />
        </Grid>
        {host && (
          <>
            <Grid size={{ xs: 12, sm: 6 }}>
              <FormSelectField control={control} name="groupIds" label="Groups" multiple options={groupOptions} disabled={groupOptions.length === 0} />
            </Grid>
            <Grid size={{ xs: 12, sm: 6 }}>
              <FormSelectField control={control} name="primaryGroupId" label="Primary group" options={groupOptions} emptyLabel="users (gid 100)" emptyAs={null} />
            </Grid>
            <Grid size={{ xs: 12, sm: 4 }}>
              <FormTextField control={control} name="uid" label="UID" numeric helperText={`${ID_MIN}–${ID_MAX}`} />
            </Grid>
            <Grid size={{ xs: 12, sm: 4 }}>
              <FormSelectField control={control} name="shell" label="Shell" options={SHELL_OPTIONS} />
            </Grid>
            <Grid size={{ xs: 12, sm: 4 }}>
              <FormTextField control={control} name="homeDir" label="Home directory" emptyAs={null} />
            </Grid>
          </>
        )}
        <Grid size={12}>
          <Stack direction={{ xs: 'column', sm: 'row' }} spacing={{ xs: 0, sm: 3 }} sx={{ flexWrap: 'wrap' }}>
            {host && <FormSwitch control={control} name="smbEnabled" label="SMB access" />}
            {host && <FormSwitch control={control} name="ftpEnabled" label="FTP access" />}
            <FormSwitch control={control} name="disabled" label="Disabled" />
            <FormSwitch control={control} name="mustChangePassword" label="Change password at next login" />
          </Stack>
          {user.totpEnabled && (
            <Controller
              control={control}
              name="totpEnabled"
              render={({ field }) => (
                <FormControlLabel
                  control={<Checkbox checked={field.value === false} onChange={(e) => field.onChange(e.target.checked ? false : undefined)} />}
                  label="Remove two-factor authentication (for a lost phone)"
                />
              )}
            />
          )}
        </Grid>
      </Grid>
    </FormDialog>
  );
}
