import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import type { ApplyResult } from '@moxnas/contracts';
import { useId, useState, type ReactNode } from 'react';
import { ErrorAlert } from '../../../components/error-alert';
import { ChangesPreview } from './apply-outcome';

export interface ReviewDialogProps {
  open: boolean;
  title: ReactNode;
  /** The dry run's answer. */
  preview: ApplyResult | null;
  /** A sentence above the diffs ("Creates the share media on /mnt/tank/media."). */
  summary?: ReactNode;
  applyLabel?: string;
  destructive?: boolean;
  /** Runs the real change; throw to show the error here (the dialog stays open). */
  onApply: () => Promise<unknown>;
  /** Back to the form; absent for changes without one (delete). */
  onBack?: () => void;
  onClose: () => void;
}

/** Step two of every share change: the diff of each file the dry run would change, then Apply. */
export function ReviewDialog({ open, title, preview, summary, applyLabel = 'Apply', destructive = false, onApply, onBack, onClose }: ReviewDialogProps) {
  const titleId = useId();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const apply = async () => {
    setPending(true);
    setError(null);
    try {
      await onApply();
    } catch (e) {
      setError(e);
    } finally {
      setPending(false);
    }
  };

  return (
    <Dialog open={open} onClose={pending ? undefined : onClose} maxWidth="md" fullWidth aria-labelledby={titleId}>
      <DialogTitle id={titleId}>{title}</DialogTitle>
      <DialogContent dividers>
        {summary && <DialogContentText sx={{ mb: 2 }}>{summary}</DialogContentText>}
        {preview && <ChangesPreview apply={preview} />}
        {error ? <ErrorAlert error={error} sx={{ mt: 2 }} /> : null}
      </DialogContent>
      <DialogActions>
        {onBack && (
          <Button
            onClick={() => {
              setError(null);
              onBack();
            }}
            disabled={pending}
          >
            Back
          </Button>
        )}
        <Button onClick={onClose} disabled={pending}>
          Cancel
        </Button>
        <Button variant="contained" color={destructive ? 'error' : 'primary'} loading={pending} onClick={() => void apply()}>
          {applyLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
