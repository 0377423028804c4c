import Grid from '@mui/material/Grid';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import { SMB_HOSTS_HINT, SMB_RECYCLE_BIN_DEFAULT, SmbShareCreate, SmbShareUpdate, type SmbPresetId, type SmbShare, type SmbShareMutation } from '@moxnas/contracts';
import type { ReactNode } from 'react';
import { useWatch, type Control, type FieldPath } from 'react-hook-form';
import type { z } from 'zod';
import { FormListField, FormSwitch, FormTextField } from '../../../components/form-fields';
import { useContractForm } from '../../../lib/form';
import { useCreateSmbShare, useSmbPresets, useUpdateSmbShare, type SmbShareCreateInput } from '../api/shares';
import { DirectoryFields, FormSection, NameField, OptionalObjectSwitch, UsersAndGroupsFields } from './form-parts';
import { shareFieldTargets } from './field-targets';
import { ShareEditFlow, ShareFormFlow } from './share-form-flow';

type Values = SmbShareCreateInput;
type Options = Omit<Values, 'name' | 'path' | 'preset' | 'createDirectory'>;

const OPTION_DEFAULTS: Required<Options> = {
  comment: null,
  enabled: true,
  browseable: true,
  readOnly: false,
  guestOk: false,
  validUsers: [],
  validGroups: [],
  writeUsers: [],
  writeGroups: [],
  hostsAllow: [],
  hostsDeny: [],
  createMask: null,
  directoryMask: null,
  forceUser: null,
  forceGroup: null,
  recycleBin: null,
  previousVersions: false,
  timeMachine: null,
  audit: false,
};
const OPTION_KEYS = Object.keys(OPTION_DEFAULTS) as (keyof Options)[];
const LISTS = ['validUsers', 'validGroups', 'writeUsers', 'writeGroups', 'hostsAllow', 'hostsDeny'];
const ROOTS = ['name', 'path', 'preset', 'createDirectory', ...OPTION_KEYS];
const CREATE_FIELDS = shareFieldTargets<Values>(ROOTS, LISTS);
const EDIT_FIELDS = shareFieldTargets<z.input<typeof SmbShareUpdate>>(ROOTS, LISTS);
const WRITE_LIST_HINT = 'May write even when the share is read-only';

function valuesOf(share: SmbShare): Values {
  const options = Object.fromEntries(OPTION_KEYS.map((k) => [k, share[k]])) as Required<Options>;
  return { name: share.name, path: share.path, ...options };
}

function SmbFields({ control, presetPicker }: { control: Control<Values>; presetPicker?: ReactNode }) {
  const at = (name: FieldPath<Values>) => name;
  return (
    <>
      <FormSection title="Basics" first>
        <Grid container spacing={2}>
          {presetPicker && <Grid size={12}>{presetPicker}</Grid>}
          <Grid size={{ xs: 12, sm: 5 }}>
            <FormTextField control={control} name="name" label="Name" required fullWidth autoComplete="off" helperText="What clients see, as \\server\name" />
          </Grid>
          <Grid size={{ xs: 12, sm: 7 }}>
            <FormTextField control={control} name="comment" label="Comment" fullWidth emptyAs={null} helperText="Shown to clients next to the name" />
          </Grid>
          <DirectoryFields control={control} />
          <Grid size={{ xs: 12, sm: 4 }}>
            <FormSwitch control={control} name="enabled" label="Enabled" helperText="Off: kept, not served" />
          </Grid>
          <Grid size={{ xs: 12, sm: 4 }}>
            <FormSwitch control={control} name="browseable" label="Browseable" helperText="Listed when browsing" />
          </Grid>
          <Grid size={{ xs: 12, sm: 4 }}>
            <FormSwitch control={control} name="readOnly" label="Read-only" helperText="Only the write list may write" />
          </Grid>
        </Grid>
      </FormSection>

      <FormSection title="Access" description="Who may connect and who may write. With no valid users or groups, every user may connect.">
        <Grid container spacing={2}>
          <UsersAndGroupsFields control={control} users={{ name: 'validUsers', label: 'Valid users' }} groups={{ name: 'validGroups', label: 'Valid groups' }} />
          <UsersAndGroupsFields
            control={control}
            users={{ name: 'writeUsers', label: 'Write list: users', helperText: WRITE_LIST_HINT }}
            groups={{ name: 'writeGroups', label: 'Write list: groups', helperText: WRITE_LIST_HINT }}
          />
          <Grid size={{ xs: 12, sm: 6 }}>
            <FormListField control={control} name="hostsAllow" label="Hosts allow" fullWidth helperText={SMB_HOSTS_HINT.allow} />
          </Grid>
          <Grid size={{ xs: 12, sm: 6 }}>
            <FormListField control={control} name="hostsDeny" label="Hosts deny" fullWidth helperText={SMB_HOSTS_HINT.deny} />
          </Grid>
          <Grid size={12}>
            <FormSwitch control={control} name="guestOk" label="Guest access" helperText="Anyone may connect without a password, as the guest account" />
          </Grid>
        </Grid>
      </FormSection>

      <FormSection title="Permissions" description="Masks cap the mode of new files and directories; forcing runs every file operation as one user or group.">
        <Grid container spacing={2}>
          <Grid size={{ xs: 12, sm: 6 }}>
            <FormTextField control={control} name="createMask" label="Create mask" fullWidth emptyAs={null} helperText="Octal, such as 0664; empty: 0744" />
          </Grid>
          <Grid size={{ xs: 12, sm: 6 }}>
            <FormTextField control={control} name="directoryMask" label="Directory mask" fullWidth emptyAs={null} helperText="Octal, such as 0775; empty: 0755" />
          </Grid>
          <Grid size={{ xs: 12, sm: 6 }}>
            <NameField control={control} name="forceUser" label="Force user" kind="user" helperText="Empty: the connected user" />
          </Grid>
          <Grid size={{ xs: 12, sm: 6 }}>
            <NameField control={control} name="forceGroup" label="Force group" kind="group" helperText="Empty: the user's primary group" />
          </Grid>
        </Grid>
      </FormSection>

      <FormSection title="Features">
        <OptionalObjectSwitch control={control} name="recycleBin" label="Recycle bin" helperText="Deleted files move to a folder in the share instead of vanishing" initial={SMB_RECYCLE_BIN_DEFAULT}>
          <Grid container spacing={2}>
            <Grid size={{ xs: 12, sm: 6 }}>
              <FormTextField control={control} name={at('recycleBin.repository')} label="Folder" fullWidth helperText="Inside the share" />
            </Grid>
            <Grid size={{ xs: 12, sm: 6 }}>
              <FormSwitch control={control} name={at('recycleBin.perUser')} label="One bin per user" helperText="Off: one bin all users of the share can browse" />
            </Grid>
            <Grid size={{ xs: 12, sm: 4 }}>
              <FormSwitch control={control} name={at('recycleBin.keepTree')} label="Keep folder structure" />
            </Grid>
            <Grid size={{ xs: 12, sm: 4 }}>
              <FormSwitch control={control} name={at('recycleBin.versions')} label="Keep every version" />
            </Grid>
          </Grid>
        </OptionalObjectSwitch>
        <FormSwitch control={control} name="previousVersions" label="Previous versions" helperText="Snapshots of the dataset appear as Windows “Previous Versions”" />
        <OptionalObjectSwitch control={control} name="timeMachine" label="Time Machine" helperText="Advertise the share as a macOS backup destination" initial={{ maxSize: null }}>
          <FormTextField control={control} name={at('timeMachine.maxSize')} label="Size limit" emptyAs={null} helperText="Such as 500G or 1T; empty: no limit" />
        </OptionalObjectSwitch>
        <FormSwitch control={control} name="audit" label="Audit log" helperText="Log file operations to syslog" />
      </FormSection>
    </>
  );
}

export function SmbShareCreateDialog({ onClose, onApplied }: { onClose: () => void; onApplied: (result: SmbShareMutation) => void }) {
  const create = useCreateSmbShare();
  const presets = useSmbPresets();
  const form = useContractForm(SmbShareCreate, { name: '', path: '', ...OPTION_DEFAULTS });
  const preset = useWatch({ control: form.control, name: 'preset' });
  const chosen = presets.data?.find((p) => p.id === preset);

  // A preset sets every option (its own values, the defaults for the rest); name and path stay.
  const pick = (id: SmbPresetId | '') => {
    const found = presets.data?.find((p) => p.id === id);
    const options = found ? found.options : {};
    for (const key of OPTION_KEYS) form.setValue(key, options[key] ?? OPTION_DEFAULTS[key], { shouldDirty: true });
    form.setValue('preset', found ? found.id : undefined, { shouldDirty: true });
  };

  const picker = (
    <TextField
      select
      fullWidth
      label="Preset"
      value={preset ?? ''}
      onChange={(e) => pick(e.target.value as SmbPresetId | '')}
      disabled={!presets.data}
      helperText={presets.isError ? 'The presets could not be loaded; set the options below.' : (chosen?.description ?? 'Fills the options below for a common purpose; you can change them afterwards.')}
      slotProps={{ select: { displayEmpty: true }, inputLabel: { shrink: true } }}
    >
      <MenuItem value="">
        <em>None</em>
      </MenuItem>
      {(presets.data ?? []).map((p) => (
        <MenuItem key={p.id} value={p.id}>
          {p.name}
        </MenuItem>
      ))}
    </TextField>
  );

  return (
    <ShareFormFlow
      form={form}
      title="Add SMB share"
      fields={CREATE_FIELDS}
      toBody={(values) => values}
      send={(body, dryRun) => create.mutateAsync({ body, dryRun })}
      onApplied={onApplied}
      onClose={onClose}
    >
      <SmbFields control={form.control} presetPicker={picker} />
    </ShareFormFlow>
  );
}

export function SmbShareEditDialog({ share, onClose, onApplied }: { share: SmbShare; onClose: () => void; onApplied: (result: SmbShareMutation) => void }) {
  const update = useUpdateSmbShare();
  const form = useContractForm(SmbShareUpdate, valuesOf(share));
  return (
    <ShareEditFlow form={form} title={`Edit SMB share “${share.name}”`} fields={EDIT_FIELDS} send={(body, dryRun) => update.mutateAsync({ id: share.id, body, dryRun })} onApplied={onApplied} onClose={onClose}>
      {/* The update body is the create body's fields, each optional: the same inputs edit it. */}
      <SmbFields control={form.control as unknown as Control<Values>} />
    </ShareEditFlow>
  );
}
