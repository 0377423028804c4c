import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import type { ApplyResult, ShareDeletion } from '@moxnas/contracts';
import { useId, useState } from 'react';
import { ErrorAlert } from '../../../components/error-alert';
import { ChangesPreview } from './apply-outcome';

export interface DeleteShareDialogProps {
  /** "SMB share", "NFS export". */
  kind: string;
  /** What the admin types to confirm: the share's name (the path for an NFS export). */
  name: string;
  send: (dryRun: boolean) => Promise<ShareDeletion>;
  onDeleted: (result: ShareDeletion) => void;
  onClose: () => void;
}

/** Delete: type the name, preview the files without the share, then delete. The data stays. */
export function DeleteShareDialog({ kind, name, send, onDeleted, onClose }: DeleteShareDialogProps) {
  const titleId = useId();
  const [typed, setTyped] = useState('');
  const [preview, setPreview] = useState<ApplyResult | null>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const confirmed = typed.trim() === name;

  const run = async (dryRun: boolean) => {
    setPending(true);
    setError(null);
    try {
      const result = await send(dryRun);
      if (dryRun) setPreview(result.apply);
      else onDeleted(result);
    } catch (e) {
      setError(e);
    } finally {
      setPending(false);
    }
  };

  return (
    <Dialog open onClose={pending ? undefined : onClose} maxWidth={preview ? 'md' : 'sm'} fullWidth aria-labelledby={titleId}>
      <DialogTitle id={titleId}>{`Delete ${kind} “${name}”?`}</DialogTitle>
      <DialogContent dividers>
        {preview ? (
          <ChangesPreview apply={preview} />
        ) : (
          <>
            <DialogContentText>
              Clients lose access to it when the change is applied. The files in the directory stay where they are.
            </DialogContentText>
            <TextField
              sx={{ mt: 2 }}
              fullWidth
              autoFocus
              autoComplete="off"
              label={`Type ${name} to confirm`}
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
            />
          </>
        )}
        {error ? <ErrorAlert error={error} sx={{ mt: 2 }} /> : null}
      </DialogContent>
      <DialogActions>
        {preview && (
          <Button onClick={() => setPreview(null)} disabled={pending}>
            Back
          </Button>
        )}
        <Button onClick={onClose} disabled={pending}>
          Cancel
        </Button>
        {preview ? (
          <Button variant="contained" color="error" loading={pending} onClick={() => void run(false)}>
            Delete
          </Button>
        ) : (
          <Button variant="contained" loading={pending} disabled={!confirmed} onClick={() => void run(true)}>
            Preview changes
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
