import PersonAddIcon from '@mui/icons-material/PersonAdd';
import PeopleIcon from '@mui/icons-material/People';
import Button from '@mui/material/Button';
import { Role, usersApi, type User } from '@moxnas/contracts';
import { useState } from 'react';
import { EmptyState } from '../../../components/empty-state';
import { FilterSelect } from '../../../components/filter-select';
import { ListToolbar } from '../../../components/list-toolbar';
import { ResourceTable } from '../../../components/resource-table';
import { useCan, useUser } from '../../../lib/auth';
import { usePagedList, type PagedList } from '../../../lib/use-paged-list';
import { useUsers } from '../api/users';
import { ROLE_OPTIONS } from './options';
import { ProvisioningNotice, type Outcome } from './provisioning-notice';
import { userColumns } from './user-columns';
import { UserCreateDialog } from './user-create-dialog';
import { UserDeleteDialog } from './user-delete-dialog';
import { UserEditDialog } from './user-edit-dialog';

type UserFilters = { search: string; role: Role };

function UsersToolbar({ list, onAdd }: { list: PagedList<UserFilters>; onAdd?: () => void }) {
  return (
    <ListToolbar
      search={list.values.search ?? ''}
      onSearch={(v) => list.setFilter('search', v)}
      placeholder="Search users"
      actions={
        onAdd && (
          <Button variant="contained" startIcon={<PersonAddIcon />} onClick={onAdd}>
            Add user
          </Button>
        )
      }
    >
      <FilterSelect label="Role" value={list.values.role} options={ROLE_OPTIONS} allLabel="All roles" onChange={(v) => list.setFilter('role', v)} />
    </ListToolbar>
  );
}

function UsersEmpty({ list, canCreate }: { list: PagedList<UserFilters>; canCreate: boolean }) {
  return (
    <EmptyState
      icon={<PeopleIcon />}
      title={list.filtered ? 'No users match' : 'No users yet'}
      description={
        list.filtered
          ? 'Change the search or the role filter to see other users.'
          : canCreate
            ? 'Add a user for each person who uses the shares; give dashboard roles only to those who manage the NAS.'
            : 'An administrator adds users.'
      }
      action={list.filtered ? <Button onClick={list.clear}>Clear filters</Button> : undefined}
    />
  );
}

export function UsersTab() {
  const me = useUser();
  const canCreate = useCan(usersApi.create);
  const canUpdate = useCan(usersApi.update);
  const canDelete = useCan(usersApi.delete);
  const list = usePagedList<UserFilters>({ texts: ['search'] });
  const users = useUsers(list.params);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);
  const [deleting, setDeleting] = useState<User | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  return (
    <>
      {outcome && <ProvisioningNotice outcome={outcome} onClose={() => setOutcome(null)} />}
      <UsersToolbar list={list} onAdd={canCreate ? () => setCreating(true) : undefined} />
      <ResourceTable
        query={users}
        rows={(d) => d.items}
        rowKey={(u) => u.id}
        label="Users"
        pagination={list.pagination(users.data?.total)}
        empty={<UsersEmpty list={list} canCreate={canCreate} />}
        columns={userColumns({ meId: me.id, canUpdate, canDelete, onEdit: setEditing, onDelete: setDeleting })}
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
      <UserDeleteDialog user={deleting} onClose={() => setDeleting(null)} onDeleted={setOutcome} />
    </>
  );
}
