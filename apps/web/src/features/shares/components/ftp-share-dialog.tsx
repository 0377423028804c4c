import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import Alert from '@mui/material/Alert';
import Grid from '@mui/material/Grid';
import { FtpShareCreate, FtpShareUpdate, type FtpShare, type FtpShareMutation } from '@moxnas/contracts';
import { useController, useWatch, type Control } from 'react-hook-form';
import type { z } from 'zod';
import { FormSwitch, FormTextField } from '../../../components/form-fields';
import { useContractForm } from '../../../lib/form';
import { useCreateFtpShare, useUpdateFtpShare, type FtpShareCreateInput } from '../api/shares';
import { changedFields, shareFieldTargets } from './field-targets';
import { DirectoryFields, FormSection, UsersAndGroupsFields } from './form-parts';
import { ShareEditFlow, ShareFormFlow } from './share-form-flow';

type Values = FtpShareCreateInput;

const ROOTS = ['name', 'path', 'enabled', 'allowedUsers', 'allowedGroups', 'writeEnable', 'anonymous', 'chroot', 'confirmAnonymous', 'createDirectory'];
const LISTS = ['allowedUsers', 'allowedGroups'];
const CREATE_FIELDS = shareFieldTargets<Values>(ROOTS, LISTS);
const EDIT_FIELDS = shareFieldTargets<z.input<typeof FtpShareUpdate>>(ROOTS, LISTS);

const DEFAULTS: Values = { name: '', path: '', enabled: true, allowedUsers: [], allowedGroups: [], writeEnable: false, anonymous: false, chroot: true, confirmAnonymous: false };

function valuesOf(share: FtpShare): Values {
  const { name, path, enabled, allowedUsers, allowedGroups, writeEnable, anonymous, chroot } = share;
  // Anonymous access that is already on was confirmed when it was turned on.
  return { name, path, enabled, allowedUsers, allowedGroups, writeEnable, anonymous, chroot, confirmAnonymous: anonymous };
}

/** The explicit "yes, anyone may read this" that the contract asks for with anonymous access. */
function AnonymousConfirmation({ control }: { control: Control<Values> }) {
  const anonymous = useWatch({ control, name: 'anonymous' });
  const { field, fieldState } = useController({ control, name: 'confirmAnonymous' });
  if (!anonymous) return null;
  return (
    <Alert severity="warning" sx={{ mt: 1 }}>
      Anyone who can reach the FTP port can then read this share, without a password.
      <FormControlLabel
        sx={{ display: 'flex', mt: 0.5 }}
        control={<Checkbox checked={field.value === true} onChange={(e) => field.onChange(e.target.checked)} slotProps={{ input: { ref: field.ref } }} />}
        label="I understand: allow anonymous read access"
      />
      {fieldState.error && <FormHelperText error>{fieldState.error.message}</FormHelperText>}
    </Alert>
  );
}

function FtpFields({ control }: { control: Control<Values> }) {
  return (
    <>
      <FormSection title="Basics" first>
        <Grid container spacing={2}>
          <Grid size={{ xs: 12, sm: 8 }}>
            <FormTextField control={control} name="name" label="Name" required fullWidth autoComplete="off" helperText="A label for you; FTP clients do not see it" />
          </Grid>
          <Grid size={{ xs: 12, sm: 4 }}>
            <FormSwitch control={control} name="enabled" label="Enabled" helperText="Off: grants nothing" />
          </Grid>
          <DirectoryFields control={control} helperText="The FTP root of the users below." />
        </Grid>
      </FormSection>

      <FormSection title="Users" description="Whose FTP root this share is. A user can have only one FTP share.">
        <Grid container spacing={2}>
          <UsersAndGroupsFields control={control} users={{ name: 'allowedUsers', label: 'Users' }} groups={{ name: 'allowedGroups', label: 'Groups' }} />
        </Grid>
      </FormSection>

      <FormSection title="Access">
        <FormSwitch control={control} name="writeEnable" label="Allow writing" helperText="Users may upload, rename and delete" />
        <FormSwitch control={control} name="chroot" label="Lock users into the share" helperText="Off lets them browse the whole file system" />
        <FormSwitch control={control} name="anonymous" label="Anonymous access" helperText="Read-only, without a login" />
        <AnonymousConfirmation control={control} />
      </FormSection>
    </>
  );
}

export function FtpShareCreateDialog({ onClose, onApplied }: { onClose: () => void; onApplied: (result: FtpShareMutation) => void }) {
  const create = useCreateFtpShare();
  const form = useContractForm(FtpShareCreate, DEFAULTS);
  return (
    <ShareFormFlow
      form={form}
      title="Add FTP share"
      fields={CREATE_FIELDS}
      // confirmAnonymous goes only with anonymous access, where the contract asks for it.
      toBody={({ confirmAnonymous, ...values }) => (values.anonymous ? { ...values, confirmAnonymous } : values)}
      send={(body, dryRun) => create.mutateAsync({ body, dryRun })}
      onApplied={onApplied}
      onClose={onClose}
    >
      <FtpFields control={form.control} />
    </ShareFormFlow>
  );
}

export function FtpShareEditDialog({ share, onClose, onApplied }: { share: FtpShare; onClose: () => void; onApplied: (result: FtpShareMutation) => void }) {
  const update = useUpdateFtpShare();
  const form = useContractForm(FtpShareUpdate, valuesOf(share));
  const toBody = (values: FtpShareUpdate): FtpShareUpdate => {
    const { confirmAnonymous, ...changed } = changedFields(values, form.formState.dirtyFields);
    void confirmAnonymous;
    return changed.anonymous === true ? { ...changed, confirmAnonymous: values.confirmAnonymous } : changed;
  };
  return (
    <ShareEditFlow
      form={form}
      title={`Edit FTP share “${share.name}”`}
      fields={EDIT_FIELDS}
      toBody={toBody}
      send={(body, dryRun) => update.mutateAsync({ id: share.id, body, dryRun })}
      onApplied={onApplied}
      onClose={onClose}
    >
      {/* The update body is the create body's fields, each optional: the same inputs edit it. */}
      <FtpFields control={form.control as unknown as Control<Values>} />
    </ShareEditFlow>
  );
}
