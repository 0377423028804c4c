import PersonAddIcon from '@mui/icons-material/PersonAdd';
import PeopleIcon from '@mui/icons-material/People';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Chip from '@mui/material/Chip';
import FormControlLabel from '@mui/material/FormControlLabel';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { Role, usersApi, type User } from '@moxnas/contracts';
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { EmptyState } from '../../../components/empty-state';
import { ResourceTable } from '../../../components/resource-table';
import { useCan, useUser } from '../../../lib/auth';
import { formatDateTime } from '../../../lib/format';
import { useDebouncedValue } from '../../../lib/use-debounced-value';
import { useDeleteUser, useUsers } from '../api/users';
import { ListToolbar } from '../../../components/list-toolbar';
import { ROLE_OPTIONS } from './options';
import { ProvisioningNotice, type Outcome } from './provisioning-notice';
import { UserCreateDialog } from './user-create-dialog';
import { UserEditDialog } from './user-edit-dialog';
import { FilterSelect } from '../../../components/filter-select';

const HOST_STATUS_HINT = {
  synced: 'The Linux, Samba and FTP accounts match.',
  pending: 'Not applied to the host yet: host provisioning is unavailable (the API is not running as root, or it is turned off).',
  none: 'Dashboard-only account; no Linux account.',
} as const;

export function UsersTab() {
  const me = useUser();
  const canCreate = useCan(usersApi.create);
  const canUpdate = useCan(usersApi.update);
  const canDelete = useCan(usersApi.delete);
  const [search, setSearch] = useState('');
  const [role, setRole] = useState<Role | undefined>();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(25);
  const debounced = useDebouncedValue(search.trim());
  const users = useUsers({ page, pageSize, search: debounced || undefined, role });
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);
  const [deleting, setDeleting] = useState<User | null>(null);
  const [keepFiles, setKeepFiles] = useState(true);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const remove = useDeleteUser();
  const filtered = Boolean(debounced || role);

  return (
    <>
      {outcome && <ProvisioningNotice outcome={outcome} onClose={() => setOutcome(null)} />}
      <ListToolbar
        search={search}
        onSearch={(v) => {
          setSearch(v);
          setPage(1);
        }}
        placeholder="Search users"
        actions={
          canCreate && (
            <Button variant="contained" startIcon={<PersonAddIcon />} onClick={() => setCreating(true)}>
              Add user
            </Button>
          )
        }
      >
        <FilterSelect
          label="Role"
          value={role}
          options={ROLE_OPTIONS}
          allLabel="All roles"
          onChange={(v) => {
            setRole(v);
            setPage(1);
          }}
        />
      </ListToolbar>

      <ResourceTable
        query={users}
        rows={(d) => d.items}
        rowKey={(u) => u.id}
        label="Users"
        pagination={
          users.data && {
            total: users.data.total,
            page,
            pageSize,
            onPageChange: setPage,
            onPageSizeChange: (size) => {
              setPageSize(size);
              setPage(1);
            },
          }
        }
        empty={
          <EmptyState
            icon={<PeopleIcon />}
            title={filtered ? 'No users match' : 'No users yet'}
            description={
              filtered
                ? 'Change the search or the role filter to see other users.'
                : canCreate
                  ? 'Add a user for each person who uses the shares; give dashboard roles only to those who manage the NAS.'
                  : 'An administrator adds users.'
            }
            action={filtered ? <Button onClick={() => { setSearch(''); setRole(undefined); }}>Clear filters</Button> : undefined}
          />
        }
        columns={[
          {
            id: 'user',
            header: 'User',
            cell: (u) => (
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
            ),
          },
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
                  <Button size="small" onClick={() => setEditing(u)}>
                    Edit
                  </Button>
                )}
                {canDelete && !u.builtIn && u.id !== me.id && (
                  <Button size="small" color="error" onClick={() => { setKeepFiles(true); setDeleting(u); }}>
                    Delete
                  </Button>
                )}
              </>
            ),
          },
        ]}
      />

      <UserCreateDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(u) => setOutcome({ text: `User “${u.username}” was created.`, provisioning: u.provisioning })}
      />
      {editing && (
        <UserEditDialog
          key={editing.id}
          user={editing}
          onClose={() => setEditing(null)}
          onSaved={(u) => setOutcome({ text: `User “${u.username}” was saved.`, provisioning: u.provisioning })}
        />
      )}
      <ConfirmDialog
        open={deleting !== null}
        title="Delete user?"
        subject={deleting ? `user “${deleting.username}”` : ''}
        consequences={
          <>
            Their dashboard, SMB and FTP access and their Linux account go away; their sessions and API tokens stop working.
            <FormControlLabel
              sx={{ display: 'flex', mt: 1 }}
              control={<Checkbox checked={keepFiles} onChange={(e) => setKeepFiles(e.target.checked)} />}
              label={deleting?.homeDir ? `Keep the home directory ${deleting.homeDir}` : 'Keep the home directory'}
            />
          </>
        }
        pending={remove.isPending}
        error={remove.error}
        onClose={() => {
          setDeleting(null);
          remove.reset();
        }}
        onConfirm={() => {
          if (!deleting) return;
          const name = deleting.username;
          remove.mutate(
            { id: deleting.id, keepFiles },
            {
              onSuccess: (res) => {
                setDeleting(null);
                setOutcome({ text: `User “${name}” was deleted.`, provisioning: res.provisioning });
              },
            },
          );
        }}
      />
    </>
  );
}
