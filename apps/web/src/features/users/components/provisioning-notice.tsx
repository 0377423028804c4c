import Alert from '@mui/material/Alert';
import type { Provisioning } from '@moxnas/contracts';

export interface Outcome {
  /** "User “alice” was created." */
  text: string;
  provisioning: Provisioning;
}

/** What a change did on the host (Linux, Samba, FTP accounts), said plainly — a warning when nothing could be applied. */
export function ProvisioningNotice({ outcome, onClose }: { outcome: Outcome; onClose: () => void }) {
  const applied = outcome.provisioning.status !== 'unavailable';
  return (
    <Alert severity={applied ? 'success' : 'warning'} onClose={onClose} sx={{ mb: 2 }}>
      {outcome.text} {outcome.provisioning.message}
    </Alert>
  );
}
