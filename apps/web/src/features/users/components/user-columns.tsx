import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import type { User } from '@moxnas/contracts';
import type { ResourceColumn } from '../../../components/resource-table';
import { formatDateTime } from '../../../lib/format';

const HOST_STATUS_HINT = {
  synced: 'The Linux, Samba and FTP accounts match.',
  pending: 'Not applied to the host yet: host provisioning is unavailable (the API is not running as root, or it is turned off).',
  none: 'Dashboard-only account; no Linux account.',
} as const;

function UserCell({ user: u }: { user: User }) {
  return (
    <>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        <Typography variant="body2" sx={{ fontWeight: 600 }}>
          {u.username}
        </Typography>
        {u.builtIn && <Chip label="built-in" variant="outlined" />}
        {u.disabled && <Chip label="disabled" color="warning" />}
        {u.hostStatus === 'pending' && (
          <Tooltip title={HOST_STATUS_HINT.pending}>
            <Chip label="host pending" color="warning" variant="outlined" />
          </Tooltip>
        )}
      </Box>
      <Typography variant="caption" sx={{ color: 'text.secondary' }}>
        {[u.fullName, u.email, u.uid !== null ? `uid ${u.uid}` : null].filter(Boolean).join(' · ')}
      </Typography>
    </>
  );
}

export interface UserActions {
  /** The signed-in user, who cannot delete themselves. */
  meId: string;
  canUpdate: boolean;
  canDelete: boolean;
  onEdit: (u: User) => void;
  onDelete: (u: User) => void;
}

/** The users table's columns; the actions column only for those who may edit or delete. */
export function userColumns({ meId, canUpdate, canDelete, onEdit, onDelete }: UserActions): (ResourceColumn<User> | false)[] {
  return [
    { id: 'user', header: 'User', cell: (u) => <UserCell user={u} /> },
    { id: 'role', header: 'Role', cell: (u) => <Chip label={u.role} color={u.role === 'admin' ? 'primary' : 'default'} variant={u.role === 'none' ? 'outlined' : 'filled'} /> },
    {
      id: 'access',
      header: 'Access',
      cell: (u) => (
        <Box sx={{ display: 'flex', gap: 0.5 }}>
          {u.smbEnabled && <Chip label="SMB" variant="outlined" />}
          {u.ftpEnabled && <Chip label="FTP" variant="outlined" />}
          {u.totpEnabled && <Chip label="2FA" variant="outlined" color="success" />}
        </Box>
      ),
    },
    { id: 'groups', header: 'Groups', cell: (u) => u.groups.map((g) => g.name).join(', ') || '—' },
    { id: 'login', header: 'Last login', cell: (u) => (u.lastLoginAt ? formatDateTime(u.lastLoginAt) : 'never') },
    (canUpdate || canDelete) && {
      id: 'actions',
      header: 'Actions',
      align: 'right',
      sx: { whiteSpace: 'nowrap' },
      cell: (u) => (
        <>
          {canUpdate && (
            <Button size="small" onClick={() => onEdit(u)}>
              Edit
            </Button>
          )}
          {canDelete && !u.builtIn && u.id !== meId && (
            <Button size="small" color="error" onClick={() => onDelete(u)}>
              Delete
            </Button>
          )}
        </>
      ),
    },
  ];
}
