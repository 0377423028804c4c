import AddIcon from '@mui/icons-material/Add';
import DeleteIcon from '@mui/icons-material/Delete';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import IconButton from '@mui/material/IconButton';
import Typography from '@mui/material/Typography';
import { useEffect } from 'react';
import { useController, useFieldArray, useWatch, type Control, type UseFormSetValue } from 'react-hook-form';
import { FormSelectField, FormTextField } from '../../../../components/form-fields';
import type { AclFormInput, AclFormValues } from './acl-form-values';

type FormControl = Control<AclFormInput, unknown, AclFormValues>;
type SetValue = UseFormSetValue<AclFormInput>;

const TAGS = [
  { value: 'user', label: 'User' },
  { value: 'group', label: 'Group' },
  { value: 'mask', label: 'Mask' },
];
const BITS = [
  { char: 'r', index: 0, label: 'read' },
  { char: 'w', index: 1, label: 'write' },
  { char: 'x', index: 2, label: 'execute' },
] as const;

/** The rwx string as three checkboxes; the form keeps the string the API takes. */
function PermsField({ control, index }: { control: FormControl; index: number }) {
  const { field, fieldState } = useController({ control, name: `entries.${index}.perms` });
  const perms = typeof field.value === 'string' && field.value.length === 3 ? field.value : '---';
  const toggle = (i: number, char: string, on: boolean) => field.onChange(perms.slice(0, i) + (on ? char : '-') + perms.slice(i + 1));
  return (
    <Box role="group" aria-label={`Entry ${index + 1} permissions`}>
      {BITS.map((b) => (
        <FormControlLabel
          key={b.char}
          sx={{ mr: 1 }}
          label={b.char}
          control={<Checkbox size="small" checked={perms[b.index] === b.char} onChange={(e) => toggle(b.index, b.char, e.target.checked)} slotProps={{ input: { 'aria-label': `Entry ${index + 1} ${b.label}` } }} />}
        />
      ))}
      {fieldState.error && <FormHelperText error>{fieldState.error.message}</FormHelperText>}
    </Box>
  );
}

function DefaultField({ control, index }: { control: FormControl; index: number }) {
  const { field, fieldState } = useController({ control, name: `entries.${index}.default` });
  return (
    <Box>
      <FormControlLabel label="default" control={<Checkbox size="small" checked={field.value === true} onChange={(e) => field.onChange(e.target.checked)} slotProps={{ input: { 'aria-label': `Entry ${index + 1} default` } }} />} />
      {fieldState.error && <FormHelperText error>{fieldState.error.message}</FormHelperText>}
    </Box>
  );
}

function EntryRow({ control, setValue, index, onRemove }: { control: FormControl; setValue: SetValue; index: number; onRemove: () => void }) {
  const tag = useWatch({ control, name: `entries.${index}.tag` });
  // The mask names nobody: switching a row to it drops the name.
  useEffect(() => {
    if (tag === 'mask') setValue(`entries.${index}.qualifier`, null);
  }, [tag, index, setValue]);
  return (
    <Box role="group" aria-label={`Entry ${index + 1}`} sx={{ display: 'flex', flexWrap: 'wrap', gap: 1, alignItems: 'flex-start', py: 1, borderBottom: 1, borderColor: 'divider' }}>
      <FormSelectField control={control} name={`entries.${index}.tag`} label="Tag" options={TAGS} size="small" sx={{ width: 110 }} />
      <FormTextField
        control={control}
        name={`entries.${index}.qualifier`}
        label={tag === 'group' ? 'Group' : tag === 'user' ? 'User' : 'No name'}
        disabled={tag === 'mask'}
        emptyAs={null}
        numeric
        size="small"
        sx={{ flex: '1 1 140px', minWidth: 120 }}
      />
      <PermsField control={control} index={index} />
      <DefaultField control={control} index={index} />
      <IconButton aria-label={`Remove entry ${index + 1}`} onClick={onRemove} sx={{ ml: 'auto' }}>
        <DeleteIcon />
      </IconButton>
    </Box>
  );
}

/** Named user and group entries and the mask, each with r/w/x and whether it is a default entry. */
export function AclEntriesEditor({ control, setValue }: { control: FormControl; setValue: SetValue }) {
  const { fields, append, remove } = useFieldArray({ control, name: 'entries' });
  const { fieldState } = useController({ control, name: 'entries' });
  return (
    <Box component="section" aria-label="Entries">
      {fields.length === 0 && (
        <Typography variant="body2" sx={{ color: 'text.secondary', py: 1 }}>
          No named entries: only the owner, the owning group and others (the mode) apply.
        </Typography>
      )}
      {fields.map((f, i) => (
        <EntryRow key={f.id} control={control} setValue={setValue} index={i} onRemove={() => remove(i)} />
      ))}
      {fieldState.error?.message && <FormHelperText error>{fieldState.error.message}</FormHelperText>}
      <Button startIcon={<AddIcon />} onClick={() => append({ tag: 'user', qualifier: null, perms: 'r-x', default: false })} sx={{ mt: 1 }}>
        Add entry
      </Button>
    </Box>
  );
}
