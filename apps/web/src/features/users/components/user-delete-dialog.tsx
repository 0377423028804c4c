import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import type { User } from '@moxnas/contracts';
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { useDeleteUser } from '../api/users';
import type { Outcome } from './provisioning-notice';

/** Confirms deleting `user` (open while it is set), keeping the home directory unless unticked. */
export function UserDeleteDialog({ user, onClose, onDeleted }: { user: User | null; onClose: () => void; onDeleted: (outcome: Outcome) => void }) {
  const [keepFiles, setKeepFiles] = useState(true);
  // Each delete starts with the home directory kept (state adjusted while rendering, not in an effect).
  const [shownFor, setShownFor] = useState(user);
  if (user !== shownFor) {
    setShownFor(user);
    if (user) setKeepFiles(true);
  }
  const remove = useDeleteUser();
  return (
    <ConfirmDialog
      open={user !== null}
      title="Delete user?"
      subject={user ? `user “${user.username}”` : ''}
      consequences={
        <>
          Their dashboard, SMB and FTP access and their Linux account go away; their sessions and API tokens stop working.
          <FormControlLabel
            sx={{ display: 'flex', mt: 1 }}
            control={<Checkbox checked={keepFiles} onChange={(e) => setKeepFiles(e.target.checked)} />}
            label={user?.homeDir ? `Keep the home directory ${user.homeDir}` : 'Keep the home directory'}
          />
        </>
      }
      pending={remove.isPending}
      error={remove.error}
      onClose={() => {
        onClose();
        remove.reset();
      }}
      onConfirm={() => {
        if (!user) return;
        const name = user.username;
        remove.mutate(
          { id: user.id, keepFiles },
          {
            onSuccess: (res) => {
              onClose();
              onDeleted({ text: `User “${name}” was deleted.`, provisioning: res.provisioning });
            },
          },
        );
      }}
    />
  );
}
