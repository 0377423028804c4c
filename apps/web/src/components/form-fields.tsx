import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import ListItemText from '@mui/material/ListItemText';
import MenuItem from '@mui/material/MenuItem';
import Switch from '@mui/material/Switch';
import TextField, { type TextFieldProps } from '@mui/material/TextField';
import { useState } from 'react';
import { useController, type Control, type FieldPath, type FieldValues } from 'react-hook-form';
import { registerUnsetWhenEmpty } from '../lib/form';

type Base<T extends FieldValues, O> = {
  control: Control<T, unknown, O>;
  name: FieldPath<T>;
};

/**
 * What an emptied field stores. `undefined` cannot be stored: react-hook-form would show the
 * default value again, so a field with one could not be emptied. Instead the field keeps `''`
 * and the form (`useContractForm`) leaves it out of the submitted values.
 */
function emptyValueFor(control: object, name: string, emptyAs: undefined | null | ''): undefined | null | '' {
  if (emptyAs !== undefined) return emptyAs;
  return registerUnsetWhenEmpty(control, name) ? '' : undefined;
}

export type FormTextFieldProps<T extends FieldValues, O> = Base<T, O> &
  Omit<TextFieldProps, 'name' | 'value' | 'onChange' | 'onBlur' | 'error' | 'defaultValue'> & {
    /**
     * What an emptied field means to the API: `undefined` (leave out; the default), `null`
     * (clear the value) or `''`. Left out is shown as an empty box, even over a default value.
     */
    emptyAs?: undefined | null | '';
    /** Send a number; anything that is not one is passed through for the schema to reject. */
    numeric?: boolean;
  };

/** A TextField bound to a react-hook-form field, showing its error (zod's or the API's) under it. */
export function FormTextField<T extends FieldValues, O>({ control, name, emptyAs, numeric, helperText, ...props }: FormTextFieldProps<T, O>) {
  const { field, fieldState } = useController({ control, name });
  const empty = emptyValueFor(control, name, emptyAs);
  const value: unknown = field.value;
  return (
    <TextField
      {...props}
      name={field.name}
      inputRef={field.ref}
      value={value === undefined || value === null ? '' : String(value)}
      onBlur={field.onBlur}
      onChange={(e) => {
        const raw = e.target.value;
        if (raw === '') field.onChange(empty);
        else if (numeric) field.onChange(/^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : raw);
        else field.onChange(raw);
      }}
      error={!!fieldState.error}
      helperText={fieldState.error?.message ?? helperText}
    />
  );
}

export type FormSwitchProps<T extends FieldValues, O> = Base<T, O> & { label: string; helperText?: string; disabled?: boolean };

export function FormSwitch<T extends FieldValues, O>({ control, name, label, helperText, disabled }: FormSwitchProps<T, O>) {
  const { field, fieldState } = useController({ control, name });
  return (
    <div>
      <FormControlLabel
        control={
          <Switch
            checked={field.value === true}
            onChange={(e) => field.onChange(e.target.checked)}
            onBlur={field.onBlur}
            slotProps={{ input: { ref: field.ref } }}
          />
        }
        label={label}
        disabled={disabled}
      />
      {(fieldState.error ?? helperText) && (
        <FormHelperText error={!!fieldState.error} sx={{ mt: -0.5, ml: 6 }}>
          {fieldState.error?.message ?? helperText}
        </FormHelperText>
      )}
    </div>
  );
}

export interface SelectOption {
  value: string;
  label: string;
  /** A second line under the label in the menu. */
  description?: string;
}

export type FormSelectFieldProps<T extends FieldValues, O> = Base<T, O> &
  Omit<TextFieldProps, 'name' | 'value' | 'onChange' | 'onBlur' | 'error' | 'defaultValue' | 'select' | 'children'> & {
    options: readonly SelectOption[];
    /** Several values (an array); shown as a comma-separated list of labels. */
    multiple?: boolean;
    /** Offer an empty choice with this label, sent as `emptyAs`. */
    emptyLabel?: string;
    emptyAs?: undefined | null;
  };

export function FormSelectField<T extends FieldValues, O>({
  control,
  name,
  options,
  multiple = false,
  emptyLabel,
  emptyAs,
  helperText,
  ...props
}: FormSelectFieldProps<T, O>) {
  const { field, fieldState } = useController({ control, name });
  const empty = emptyValueFor(control, name, emptyAs);
  const labels = new Map(options.map((o) => [o.value, o.label]));
  const raw: unknown = field.value;
  const value = multiple ? (Array.isArray(raw) ? raw : []) : raw === undefined || raw === null ? '' : String(raw);
  return (
    <TextField
      {...props}
      select
      name={field.name}
      inputRef={field.ref}
      value={value}
      onBlur={field.onBlur}
      onChange={(e) => {
        const next: unknown = e.target.value;
        if (multiple) field.onChange(typeof next === 'string' ? next.split(',') : next);
        else field.onChange(next === '' ? empty : next);
      }}
      error={!!fieldState.error}
      helperText={fieldState.error?.message ?? helperText}
      slotProps={{
        ...props.slotProps,
        // The empty choice has a label of its own; without these the box would look blank.
        ...(emptyLabel !== undefined && { inputLabel: { shrink: true, ...props.slotProps?.inputLabel } }),
        select: {
          multiple,
          displayEmpty: emptyLabel !== undefined,
          // Labels only: the menu's descriptions would crowd the closed field.
          renderValue: (selected: unknown) =>
            Array.isArray(selected) ? selected.map((v) => labels.get(String(v)) ?? String(v)).join(', ') : (labels.get(String(selected)) ?? emptyLabel ?? ''),
        },
      }}
    >
      {emptyLabel !== undefined && (
        <MenuItem value="">
          <em>{emptyLabel}</em>
        </MenuItem>
      )}
      {options.map((o) => (
        <MenuItem key={o.value} value={o.value}>
          {o.description ? <ListItemText primary={o.label} secondary={o.description} /> : o.label}
        </MenuItem>
      ))}
    </TextField>
  );
}

/** The first message in a field's error, which for a list may sit on one of its items. */
function firstMessage(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const own = (error as { message?: unknown }).message;
  if (typeof own === 'string' && own) return own;
  for (const value of Object.values(error)) {
    const nested = firstMessage(value);
    if (nested) return nested;
  }
  return undefined;
}

export type FormListFieldProps<T extends FieldValues, O> = Base<T, O> &
  Omit<TextFieldProps, 'name' | 'value' | 'onChange' | 'onBlur' | 'error' | 'defaultValue'>;

/** A list of short strings (addresses, domains) typed into one box, separated by commas or spaces. */
export function FormListField<T extends FieldValues, O>({ control, name, helperText, ...props }: FormListFieldProps<T, O>) {
  const { field, fieldState } = useController({ control, name });
  const list: unknown = field.value;
  const joined = Array.isArray(list) ? list.join(', ') : '';
  const [text, setText] = useState(joined);
  // Follow outside changes (a reset) without fighting the user's separators while typing.
  const split = (raw: string) => raw.split(/[\s,;]+/).filter(Boolean);
  const shown = split(text).join(', ') === joined ? text : joined;
  const message = firstMessage(fieldState.error);
  return (
    <TextField
      {...props}
      name={field.name}
      inputRef={field.ref}
      value={shown}
      onBlur={field.onBlur}
      onChange={(e) => {
        setText(e.target.value);
        field.onChange(split(e.target.value));
      }}
      error={!!message}
      helperText={message ?? helperText}
    />
  );
}
