import FormHelperText from '@mui/material/FormHelperText';
import Stack from '@mui/material/Stack';
import { UpdateDns, type DnsSettings } from '@moxnas/contracts';
import type { FieldErrors, FieldPath } from 'react-hook-form';
import { z } from 'zod';
import { FormDialog } from '../../../components/form-dialog';
import { FormTextField } from '../../../components/form-fields';
import { useContractForm } from '../../../lib/form';
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

/** API paths of the sent lists onto the boxes: `nameservers.1` → box 2, any search error → the search line. */
function dnsField(apiField: string): FieldPath<FormValues> | undefined {
  const server = SERVER_FIELDS.find((f) => apiField === f);
  if (server) return server;
  if (apiField === 'search' || apiField.startsWith('search.')) return 'search';
  if (apiField === 'nameservers') return 'nameservers.0';
  return undefined;
}

export function DnsDialog({ dns, onClose }: { dns: DnsSettings; onClose: () => void }) {
  const update = useUpdateDns();
  const form = useContractForm(DnsForm, { nameservers: [0, 1, 2].map((i) => dns.nameservers[i] ?? ''), search: dns.search.join(' ') }, { mode: 'onSubmit' });
  const { control } = form;

  return (
    <FormDialog form={form} title="DNS servers" submitLabel="Save" fields={dnsField} onClose={onClose} onSubmit={(body) => update.mutateAsync(body)}>
      <Stack spacing={2}>
        <FormTextField control={control} name="nameservers.0" label="Name server 1" emptyAs="" autoFocus />
        <FormTextField control={control} name="nameservers.1" label="Name server 2" emptyAs="" />
        <FormTextField control={control} name="nameservers.2" label="Name server 3" emptyAs="" helperText="The resolver reads at most three" />
        <FormTextField control={control} name="search" label="Search domains" emptyAs="" helperText="Separated by spaces, e.g. home.lan example.com" />
        {listProblems(form.formState.errors).map((message) => (
          <FormHelperText key={message} error>
            {message}
          </FormHelperText>
        ))}
      </Stack>
    </FormDialog>
  );
}
