import Autocomplete from '@mui/material/Autocomplete';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Divider from '@mui/material/Divider';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import Grid from '@mui/material/Grid';
import Link from '@mui/material/Link';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { Pool } from '@moxnas/contracts';
import { useRef, type ReactNode } from 'react';
import { useController, type Control, type FieldPath, type FieldValues } from 'react-hook-form';
import { Link as RouterLink } from 'react-router';
import { FormTextField } from '../../../components/form-fields';
import { useGroupNames, usePools, useUserNames } from '../api/shares';

type Base<T extends FieldValues, O> = { control: Control<T, unknown, O>; name: FieldPath<T> };

/** A titled group of fields inside a long dialog. */
export function FormSection({ title, description, children, first = false }: { title: string; description?: ReactNode; children: ReactNode; first?: boolean }) {
  return (
    <Box component="section" aria-label={title} sx={{ mt: first ? 0 : 3 }}>
      {!first && <Divider sx={{ mb: 2 }} />}
      <Typography variant="h3" component="h3" sx={{ fontSize: '1rem', fontWeight: 600 }}>
        {title}
      </Typography>
      {description && (
        <Typography variant="body2" sx={{ color: 'text.secondary', mb: 1.5 }}>
          {description}
        </Typography>
      )}
      <Box sx={{ mt: description ? 0 : 1.5 }}>{children}</Box>
    </Box>
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

const poolOf = (path: string, pools: readonly Pool[]) => pools.find((p) => path === p.path || path.startsWith(`${p.path}/`));

/**
 * The share's directory, with the registered pools as a helper: a click on a pool starts the path
 * there. The server resolves the path and refuses one outside every pool.
 */
export function PathField<T extends FieldValues, O>({ control, name, label = 'Path', helperText }: Base<T, O> & { label?: string; helperText?: string }) {
  const { field, fieldState } = useController({ control, name });
  const input = useRef<HTMLInputElement | null>(null);
  const pools = usePools();
  const path = typeof field.value === 'string' ? field.value : '';
  const list = pools.data ?? [];
  const inside = path ? poolOf(path, list) : undefined;
  const hint = pools.isError
    ? 'The pool list could not be loaded; type the full path.'
    : list.length === 0 && !pools.isPending
      ? null
      : inside
        ? `In pool ${inside.name}.`
        : (helperText ?? 'A directory inside a registered pool.');

  return (
    <Box>
      <TextField
        name={field.name}
        inputRef={(el: HTMLInputElement | null) => {
          input.current = el;
          field.ref(el);
        }}
        label={label}
        required
        fullWidth
        value={path}
        onBlur={field.onBlur}
        onChange={(e) => field.onChange(e.target.value)}
        error={!!fieldState.error}
        placeholder={list[0] ? `${list[0].path}/share` : '/mnt/pool/share'}
        helperText={
          fieldState.error?.message ??
          hint ?? (
            <>
              No pools are registered yet.{' '}
              <Link component={RouterLink} to="/storage">
                Register one on the Storage page
              </Link>{' '}
              first.
            </>
          )
        }
      />
      {list.length > 0 && (
        <Box sx={{ display: 'flex', gap: 1, mt: 1, flexWrap: 'wrap', alignItems: 'center' }} aria-label="Pools">
          <Typography variant="caption" sx={{ color: 'text.secondary' }}>
            Pools:
          </Typography>
          {list.map((p) => (
            <Chip
              key={p.id}
              size="small"
              variant={inside?.id === p.id ? 'filled' : 'outlined'}
              label={`${p.name} · ${p.path}`}
              onClick={() => {
                const next = inside?.id === p.id ? path : `${p.path}/`;
                field.onChange(next);
                // Carry on typing the directory name after the pool's path.
                setTimeout(() => {
                  input.current?.focus();
                  input.current?.setSelectionRange(next.length, next.length);
                });
              }}
            />
          ))}
        </Box>
      )}
    </Box>
  );
}

type NamesProps<T extends FieldValues, O> = Base<T, O> & { label: string; kind: 'user' | 'group'; helperText?: string };

/** Several user or group names: picked from MoxNAS's accounts, or typed (host accounts it does not manage). */
export function NamesField<T extends FieldValues, O>({ control, name, label, kind, helperText }: NamesProps<T, O>) {
  const { field, fieldState } = useController({ control, name });
  const users = useUserNames();
  const groups = useGroupNames();
  const options = (kind === 'user' ? users.data : groups.data) ?? [];
  const value: string[] = Array.isArray(field.value) ? (field.value as string[]) : [];
  const message = firstMessage(fieldState.error);
  return (
    <Autocomplete
      multiple
      freeSolo
      autoSelect
      options={options}
      value={value}
      onChange={(_, next) => field.onChange([...new Set(next.flatMap((v) => v.split(/[\s,]+/)).filter(Boolean))])}
      onBlur={field.onBlur}
      renderInput={(params) => (
        <TextField {...params} name={field.name} inputRef={field.ref} label={label} error={!!message} helperText={message ?? helperText ?? `Pick or type ${kind} names`} />
      )}
    />
  );
}

/** One user or group name, or none (null). */
export function NameField<T extends FieldValues, O>({ control, name, label, kind, helperText }: NamesProps<T, O>) {
  const { field, fieldState } = useController({ control, name });
  const users = useUserNames();
  const groups = useGroupNames();
  const options = (kind === 'user' ? users.data : groups.data) ?? [];
  const value = typeof field.value === 'string' ? field.value : null;
  return (
    <Autocomplete
      freeSolo
      autoSelect
      options={options}
      value={value}
      onChange={(_, next) => field.onChange(next ? next.trim() || null : null)}
      onBlur={field.onBlur}
      renderInput={(params) => (
        <TextField {...params} name={field.name} inputRef={field.ref} label={label} error={!!fieldState.error} helperText={fieldState.error?.message ?? helperText} />
      )}
    />
  );
}

/**
 * A switch for an option that is an object or nothing (recycle bin, Time Machine, create
 * directory): on puts `initial` in, off puts `off` back. The object's own fields render below it.
 */
export function OptionalObjectSwitch<T extends FieldValues, O>({
  control,
  name,
  label,
  helperText,
  initial,
  off = null,
  children,
}: Base<T, O> & { label: string; helperText?: string; initial: object; off?: null | undefined; children?: ReactNode }) {
  const { field, fieldState } = useController({ control, name });
  const on = field.value !== null && field.value !== undefined;
  const message = typeof fieldState.error?.message === 'string' ? fieldState.error.message : undefined;
  return (
    <Box>
      <SwitchRow label={label} checked={on} onChange={(checked) => field.onChange(checked ? { ...initial } : off)} helperText={message ?? helperText} error={!!message} />
      {on && children && <Box sx={{ pl: { xs: 0, sm: 6 }, pt: 1 }}>{children}</Box>}
    </Box>
  );
}

function SwitchRow({ label, checked, onChange, helperText, error }: { label: string; checked: boolean; onChange: (v: boolean) => void; helperText?: string; error?: boolean }) {
  return (
    <div>
      <FormControlLabel control={<Switch checked={checked} onChange={(e) => onChange(e.target.checked)} />} label={label} />
      {helperText && (
        <FormHelperText error={error} sx={{ mt: -0.5, ml: 6 }}>
          {helperText}
        </FormHelperText>
      )}
    </div>
  );
}

/** "Create the directory if it is missing", with owner, group and mode of the new directory. */
export function CreateDirectorySection<T extends FieldValues, O>({ control }: { control: Control<T, unknown, O> }) {
  const at = (field: string) => field as FieldPath<T>;
  return (
    <OptionalObjectSwitch
      control={control}
      name={at('createDirectory')}
      label="Create the directory if it is missing"
      helperText="Off: a path that does not exist is refused."
      initial={{ owner: null, group: null, mode: '0775' }}
      off={undefined}
    >
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, sm: 4 }}>
          <NameField control={control} name={at('createDirectory.owner')} label="Owner" kind="user" helperText="Empty: root" />
        </Grid>
        <Grid size={{ xs: 12, sm: 4 }}>
          <NameField control={control} name={at('createDirectory.group')} label="Group" kind="group" helperText="Empty: root" />
        </Grid>
        <Grid size={{ xs: 12, sm: 4 }}>
          <FormTextField control={control} name={at('createDirectory.mode')} label="Mode" fullWidth helperText="Octal, such as 0775" />
        </Grid>
      </Grid>
    </OptionalObjectSwitch>
  );
}

/** The share's directory and "create it if it is missing", as two full-width rows of a grid. */
export function DirectoryFields<T extends FieldValues, O>({ control, helperText }: { control: Control<T, unknown, O>; helperText?: string }) {
  return (
    <>
      <Grid size={12}>
        <PathField control={control} name={'path' as FieldPath<T>} helperText={helperText} />
      </Grid>
      <Grid size={12}>
        <CreateDirectorySection control={control} />
      </Grid>
    </>
  );
}

type NamesInput<T extends FieldValues> = { name: FieldPath<T>; label: string; helperText?: string };

/** A list of user names beside a list of group names, as two half rows of a grid. */
export function UsersAndGroupsFields<T extends FieldValues, O>({ control, users, groups }: { control: Control<T, unknown, O>; users: NamesInput<T>; groups: NamesInput<T> }) {
  return (
    <>
      <Grid size={{ xs: 12, sm: 6 }}>
        <NamesField control={control} kind="user" {...users} />
      </Grid>
      <Grid size={{ xs: 12, sm: 6 }}>
        <NamesField control={control} kind="group" {...groups} />
      </Grid>
    </>
  );
}
