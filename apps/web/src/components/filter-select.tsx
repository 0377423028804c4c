import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';

export interface FilterSelectProps<V extends string> {
  label: string;
  value: V | undefined;
  options: readonly (V | { value: V; label: string })[];
  /** The "no filter" choice, shown when nothing is picked. */
  allLabel: string;
  onChange: (value: V | undefined) => void;
  width?: number;
}

/** A small select above a list; empty means "all", and says so instead of showing a blank box. */
export function FilterSelect<V extends string>({ label, value, options, allLabel, onChange, width = 180 }: FilterSelectProps<V>) {
  const items = options.map((o) => (typeof o === 'string' ? { value: o, label: o } : o));
  return (
    <TextField
      select
      size="small"
      label={label}
      value={value ?? ''}
      onChange={(e) => onChange(items.find((o) => o.value === e.target.value)?.value)}
      sx={{ width }}
      slotProps={{ select: { displayEmpty: true }, inputLabel: { shrink: true } }}
    >
      <MenuItem value="">{allLabel}</MenuItem>
      {items.map((o) => (
        <MenuItem key={o.value} value={o.value}>
          {o.label}
        </MenuItem>
      ))}
    </TextField>
  );
}
