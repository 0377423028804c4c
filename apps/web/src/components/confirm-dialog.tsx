import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import { useId, type ReactNode } from 'react';
import { ErrorAlert } from './error-alert';

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  /** The thing that will go, by name: `SMB share “media”`. Shown in bold. */
  subject: string;
  /** When several things go at once, each one by name. */
  items?: readonly string[];
  /** What else happens (files kept, sessions dropped, …). */
  consequences?: ReactNode;
  /** The verb on the button, also used in the sentence: "Delete" → "You are about to delete …". */
  confirmLabel?: string;
  destructive?: boolean;
  pending?: boolean;
  error?: unknown;
  onConfirm: () => void;
  onClose: () => void;
}

/** Asks before an irreversible step and names exactly what it affects. */
export function ConfirmDialog({
  open,
  title,
  subject,
  items,
  consequences,
  confirmLabel = 'Delete',
  destructive = true,
  pending = false,
  error,
  onConfirm,
  onClose,
}: ConfirmDialogProps) {
  const titleId = useId();
  return (
    <Dialog open={open} onClose={pending ? undefined : onClose} aria-labelledby={titleId} maxWidth="xs">
      <DialogTitle id={titleId}>{title}</DialogTitle>
      <DialogContent>
        <DialogContentText>
          You are about to {confirmLabel.toLowerCase()} <strong>{subject}</strong>.
        </DialogContentText>
        {items && items.length > 0 && (
          <DialogContentText component="ul" sx={{ pl: 2.5, my: 1 }}>
            {items.map((item) => (
              <li key={item}>{item}</li>
            ))}
          </DialogContentText>
        )}
        {consequences && <DialogContentText sx={{ mt: 1 }}>{consequences}</DialogContentText>}
        {error ? <ErrorAlert error={error} sx={{ mt: 2 }} /> : null}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={pending}>
          Cancel
        </Button>
        <Button
          onClick={onConfirm}
          variant="contained"
          color={destructive ? 'error' : 'primary'}
          loading={pending}
          autoFocus={!destructive}
        >
          {confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
