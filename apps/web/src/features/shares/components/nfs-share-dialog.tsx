import AddIcon from '@mui/icons-material/Add';
import DeleteOutlineIcon from '@mui/icons-material/DeleteOutlineOutlined';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import FormHelperText from '@mui/material/FormHelperText';
import Grid from '@mui/material/Grid';
import IconButton from '@mui/material/IconButton';
import Stack from '@mui/material/Stack';
import { NfsShareCreate, NfsShareUpdate, type NfsShare, type NfsShareMutation } from '@moxnas/contracts';
import { useFieldArray, useFormState, type Control } from 'react-hook-form';
import type { z } from 'zod';
import { FormSelectField, FormSwitch, FormTextField } from '../../../components/form-fields';
import { useContractForm } from '../../../lib/form';
import { useCreateNfsShare, useUpdateNfsShare, type NfsShareCreateInput } from '../api/shares';
import { shareFieldTargets } from './field-targets';
import { DirectoryFields, FormSection } from './form-parts';
import { ShareEditFlow, ShareFormFlow } from './share-form-flow';

type Values = NfsShareCreateInput;

const ROOTS = ['path', 'comment', 'enabled', 'clients', 'squash', 'anonUid', 'anonGid', 'sync', 'security', 'subtreeCheck', 'insecure', 'createDirectory'];
const CREATE_FIELDS = shareFieldTargets<Values>(ROOTS, ['security']);
const EDIT_FIELDS = shareFieldTargets<z.input<typeof NfsShareUpdate>>(ROOTS, ['security']);

const DEFAULTS: Values = {
  path: '',
  comment: null,
  enabled: true,
  clients: [{ host: '', access: 'rw' }],
  squash: 'root',
  anonUid: null,
  anonGid: null,
  sync: true,
  security: ['sys'],
  subtreeCheck: false,
  insecure: false,
};

const SQUASH_OPTIONS = [
  { value: 'root', label: 'Root (root_squash)', description: 'Remote root becomes the anonymous user; the safe default' },
  { value: 'none', label: 'None (no_root_squash)', description: 'Remote root stays root on these files' },
  { value: 'all', label: 'All (all_squash)', description: 'Every remote user becomes the anonymous user' },
];
const SEC_OPTIONS = [
  { value: 'sys', label: 'sys', description: 'uid/gid as the client says (no Kerberos)' },
  { value: 'krb5', label: 'krb5', description: 'Kerberos authentication' },
  { value: 'krb5i', label: 'krb5i', description: 'Kerberos with integrity checking' },
  { value: 'krb5p', label: 'krb5p', description: 'Kerberos with encryption' },
];
const ACCESS_OPTIONS = [
  { value: 'rw', label: 'Read-write' },
  { value: 'ro', label: 'Read-only' },
];

/**
 * Checked on "Preview changes", then on every change: in the touch-based mode react-hook-form
 * validates the whole client list when a row is added and marks the new empty row red.
 */
const NFS_FORM_OPTIONS = { mode: 'onSubmit' } as const;

function valuesOf(share: NfsShare): Values {
  const { path, comment, enabled, clients, squash, anonUid, anonGid, sync, security, subtreeCheck, insecure } = share;
  return { path, comment, enabled, clients, squash, anonUid, anonGid, sync, security, subtreeCheck, insecure };
}

/** Rows of host + access; at least one. */
function ClientsEditor({ control }: { control: Control<Values> }) {
  const { fields, append, remove } = useFieldArray({ control, name: 'clients' });
  const { errors } = useFormState({ control, name: 'clients' });
  const listError = errors.clients?.message ?? errors.clients?.root?.message;
  return (
    <Box role="group" aria-label="Clients">
      <Stack spacing={1.5}>
        {fields.map((row, i) => (
          <Box key={row.id} sx={{ display: 'flex', gap: 1, alignItems: 'flex-start' }}>
            <FormTextField control={control} name={`clients.${i}.host`} label={`Client ${i + 1}`} sx={{ flex: 1 }} autoComplete="off" helperText={i === 0 ? '*, an address, a network (10.0.0.0/24), a host name or @netgroup' : undefined} />
            <FormSelectField control={control} name={`clients.${i}.access`} label="Access" options={ACCESS_OPTIONS} sx={{ width: 150 }} />
            <IconButton aria-label={`Remove client ${i + 1}`} onClick={() => remove(i)} disabled={fields.length === 1} sx={{ mt: 1 }}>
              <DeleteOutlineIcon />
            </IconButton>
          </Box>
        ))}
      </Stack>
      {listError && <FormHelperText error>{listError}</FormHelperText>}
      <Button startIcon={<AddIcon />} size="small" sx={{ mt: 1 }} onClick={() => append({ host: '', access: 'rw' })} disabled={fields.length >= 256}>
        Add client
      </Button>
    </Box>
  );
}

function NfsFields({ control }: { control: Control<Values> }) {
  return (
    <>
      <FormSection title="Basics" first>
        <Grid container spacing={2}>
          <DirectoryFields control={control} helperText="A directory inside a registered pool; one export per path." />
          <Grid size={{ xs: 12, sm: 8 }}>
            <FormTextField control={control} name="comment" label="Comment" fullWidth emptyAs={null} helperText="Written as a # line above the export" />
          </Grid>
          <Grid size={{ xs: 12, sm: 4 }}>
            <FormSwitch control={control} name="enabled" label="Enabled" helperText="Off: kept, not exported" />
          </Grid>
        </Grid>
      </FormSection>

      <FormSection title="Clients" description="Who may mount the export, and whether they may write.">
        <ClientsEditor control={control} />
      </FormSection>

      <FormSection title="Users and security" description="How remote users map to local ones, and which security flavours are offered.">
        <Grid container spacing={2}>
          <Grid size={{ xs: 12, sm: 6 }}>
            <FormSelectField control={control} name="squash" label="Squash" options={SQUASH_OPTIONS} fullWidth />
          </Grid>
          <Grid size={{ xs: 12, sm: 6 }}>
            <FormSelectField control={control} name="security" label="Security" multiple options={SEC_OPTIONS} fullWidth helperText="In order of preference" />
          </Grid>
          <Grid size={{ xs: 12, sm: 6 }}>
            <FormTextField control={control} name="anonUid" label="Anonymous uid" numeric emptyAs={null} fullWidth helperText="What squashed users become; empty: nobody" />
          </Grid>
          <Grid size={{ xs: 12, sm: 6 }}>
            <FormTextField control={control} name="anonGid" label="Anonymous gid" numeric emptyAs={null} fullWidth helperText="Empty: nogroup" />
          </Grid>
        </Grid>
      </FormSection>

      <FormSection title="Behaviour">
        <FormSwitch control={control} name="sync" label="Synchronous writes" helperText="Off (async) is faster, but a server crash loses writes the client was told were saved" />
        <FormSwitch control={control} name="subtreeCheck" label="Subtree check" helperText="Usually off: it breaks renamed open files" />
        <FormSwitch control={control} name="insecure" label="Allow client ports above 1023" helperText="macOS clients need it" />
      </FormSection>
    </>
  );
}

export function NfsShareCreateDialog({ onClose, onApplied }: { onClose: () => void; onApplied: (result: NfsShareMutation) => void }) {
  const create = useCreateNfsShare();
  const form = useContractForm(NfsShareCreate, DEFAULTS, NFS_FORM_OPTIONS);
  return (
    <ShareFormFlow form={form} title="Add NFS export" fields={CREATE_FIELDS} toBody={(values) => values} send={(body, dryRun) => create.mutateAsync({ body, dryRun })} onApplied={onApplied} onClose={onClose}>
      <NfsFields control={form.control} />
    </ShareFormFlow>
  );
}

export function NfsShareEditDialog({ share, onClose, onApplied }: { share: NfsShare; onClose: () => void; onApplied: (result: NfsShareMutation) => void }) {
  const update = useUpdateNfsShare();
  const form = useContractForm(NfsShareUpdate, valuesOf(share), NFS_FORM_OPTIONS);
  return (
    <ShareEditFlow form={form} title={`Edit NFS export ${share.path}`} fields={EDIT_FIELDS} send={(body, dryRun) => update.mutateAsync({ id: share.id, body, dryRun })} onApplied={onApplied} onClose={onClose}>
      {/* The update body is the create body's fields, each optional: the same inputs edit it. */}
      <NfsFields control={form.control as unknown as Control<Values>} />
    </ShareEditFlow>
  );
}
