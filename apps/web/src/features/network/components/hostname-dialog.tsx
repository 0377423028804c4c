import { UpdateHostname, type HostnameSettings } from '@moxnas/contracts';
import { FormDialog } from '../../../components/form-dialog';
import { FormTextField } from '../../../components/form-fields';
import { useContractForm } from '../../../lib/form';
import { useUpdateHostname } from '../api/network';

export function HostnameDialog({ current, onClose }: { current: HostnameSettings; onClose: () => void }) {
  const update = useUpdateHostname();
  const form = useContractForm(UpdateHostname, { hostname: current.configured ?? current.hostname });
  return (
    <FormDialog form={form} title="Host name" submitLabel="Save" fields={['hostname']} onClose={onClose} onSubmit={(body) => update.mutateAsync(body)}>
      <FormTextField
        control={form.control}
        name="hostname"
        label="Host name"
        emptyAs=""
        autoFocus
        helperText="SMB clients see this name unless the SMB settings set a NetBIOS name"
      />
    </FormDialog>
  );
}
