import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormHelperText from '@mui/material/FormHelperText';
import Stack from '@mui/material/Stack';
import { UpdateDns, type DnsSettings, type FieldError } from '@moxnas/contracts';
import { useState } from 'react';
import { useForm, type FieldErrors } from 'react-hook-form';
import { z } from 'zod';
import { ErrorAlert } from '../../../components/error-alert';
import { FormTextField } from '../../../components/form-fields';
import { isApiError } from '../../../lib/api-client';
import { contractResolver } from '../../../lib/form';
import { useUpdateDns } from '../api/network';

/**
 * Three name-server boxes and one search line for people; the contract's own rules for the list
 * that is sent. Blank boxes are dropped before the check.
 */
const DnsForm = z
  .object({
    nameservers: z.array(z.string()).length(3),
    search: z.string(),
  })
  .transform((v): z.input<typeof UpdateDns> => ({ nameservers: v.nameservers.map((s) => s.trim()).filter(Boolean), search: v.search.split(/[\s,]+/).filter(Boolean) }))
  .pipe(UpdateDns);

type FormValues = z.input<typeof DnsForm>;
const SERVER_FIELDS = ['nameservers.0', 'nameservers.1', 'nameservers.2'] as const;

/** Errors about a whole list (no servers, a duplicate, a bad search domain) have no box of their own. */
function listProblems(errors: FieldErrors<FormValues>): string[] {
  const out: string[] = [];
  const collect = (e: unknown) => {
    if (!e || typeof e !== 'object') return;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string') out.push(message);
    const root = (e as { root?: { message?: unknown } }).root;
    if (typeof root?.message === 'string') out.push(root.message);
    if (Array.isArray(e)) e.forEach((item, i) => i >= 3 && collect(item));
  };
  collect(errors.nameservers);
  if (Array.isArray(errors.search)) errors.search.forEach(collect);
  return [...new Set(out)];
}

export function DnsDialog({ dns, onClose }: { dns: DnsSettings; onClose: () => void }) {
  const update = useUpdateDns();
  const [failure, setFailure] = useState<{ error: unknown; rest: FieldError[] } | null>(null);
  const { control, handleSubmit, setError, formState } = useForm<FormValues, unknown, UpdateDns>({
    resolver: contractResolver(DnsForm),
    defaultValues: { nameservers: [0, 1, 2].map((i) => dns.nameservers[i] ?? ''), search: dns.search.join(' ') },
  });

  const onSubmit = handleSubmit(async (body) => {
    setFailure(null);
    try {
      await update.mutateAsync(body);
      onClose();
    } catch (error) {
      const rest: FieldError[] = [];
      for (const fe of isApiError(error) ? error.fieldErrors : []) {
        const server = SERVER_FIELDS.find((f) => fe.field === f);
        if (server) setError(server, { type: 'server', message: fe.message });
        else if (fe.field === 'search' || fe.field.startsWith('search.')) setError('search', { type: 'server', message: fe.message });
        else if (fe.field === 'nameservers') setError('nameservers.0', { type: 'server', message: fe.message });
        else rest.push(fe);
      }
      setFailure({ error, rest });
    }
  });

  return (
    <Dialog open onClose={formState.isSubmitting ? undefined : onClose} aria-labelledby="dns-title">
      <DialogTitle id="dns-title">DNS servers</DialogTitle>
      <form noValidate onSubmit={(e) => void onSubmit(e)}>
        <DialogContent dividers>
          <Stack spacing={2}>
            <FormTextField control={control} name="nameservers.0" label="Name server 1" emptyAs="" autoFocus />
            <FormTextField control={control} name="nameservers.1" label="Name server 2" emptyAs="" />
            <FormTextField control={control} name="nameservers.2" label="Name server 3" emptyAs="" helperText="The resolver reads at most three" />
            <FormTextField control={control} name="search" label="Search domains" emptyAs="" helperText="Separated by spaces, e.g. home.lan example.com" />
            {listProblems(formState.errors).map((message) => (
              <FormHelperText key={message} error>
                {message}
              </FormHelperText>
            ))}
            {failure && <ErrorAlert error={failure.error} fieldErrors={failure.rest} />}
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose} disabled={formState.isSubmitting}>
            Cancel
          </Button>
          <Button type="submit" variant="contained" loading={formState.isSubmitting}>
            Save
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
