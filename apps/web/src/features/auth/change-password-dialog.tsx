import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import { useState } from 'react';
import { ChangePasswordForm } from './change-password-form';

/** "Change password" from the account menu. */
export function ChangePasswordDialog({ onClose }: { onClose: () => void }) {
  const [done, setDone] = useState(false);
  return (
    <Dialog open onClose={onClose} aria-labelledby="change-password-title">
      <DialogTitle id="change-password-title">Change your password</DialogTitle>
      {done ? (
        <>
          <DialogContent>
            <Alert severity="success">Your password is changed. Your other sessions were signed out; SMB and FTP use the new password too.</Alert>
          </DialogContent>
          <DialogActions>
            <Button variant="contained" onClick={onClose}>
              Done
            </Button>
          </DialogActions>
        </>
      ) : (
        <ChangePasswordForm
          onDone={() => setDone(true)}
          layout={(fields, actions) => (
            <>
              <DialogContent dividers>{fields}</DialogContent>
              <DialogActions>{actions}</DialogActions>
            </>
          )}
          actions={({ submitting }) => (
            <>
              <Button onClick={onClose} disabled={submitting}>
                Cancel
              </Button>
              <Button type="submit" variant="contained" loading={submitting}>
                Change password
              </Button>
            </>
          )}
        />
      )}
    </Dialog>
  );
}
