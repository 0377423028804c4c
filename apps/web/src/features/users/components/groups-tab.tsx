import GroupAddIcon from '@mui/icons-material/GroupAdd';
import GroupsIcon from '@mui/icons-material/Groups';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import { groupsApi, type Group } from '@moxnas/contracts';
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { EmptyState } from '../../../components/empty-state';
import { ResourceTable } from '../../../components/resource-table';
import { useCan } from '../../../lib/auth';
import { usePagedList } from '../../../lib/use-paged-list';
import { useDeleteGroup, useGroups } from '../api/groups';
import { GroupCreateDialog } from './group-create-dialog';
import { ListToolbar } from '../../../components/list-toolbar';
import { ProvisioningNotice, type Outcome } from './provisioning-notice';

export function GroupsTab() {
  const canCreate = useCan(groupsApi.create);
  const canDelete = useCan(groupsApi.delete);
  const list = usePagedList<{ search: string }>({ texts: ['search'] });
  const groups = useGroups(list.params);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Group | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const remove = useDeleteGroup();

  return (
    <>
      {outcome && <ProvisioningNotice outcome={outcome} onClose={() => setOutcome(null)} />}
      <ListToolbar
        search={list.values.search ?? ''}
        onSearch={(v) => list.setFilter('search', v)}
        placeholder="Search groups"
        actions={
          canCreate && (
            <Button variant="contained" startIcon={<GroupAddIcon />} onClick={() => setCreating(true)}>
              Add group
            </Button>
          )
        }
      />
      <ResourceTable
        query={groups}
        rows={(d) => d.items}
        rowKey={(g) => g.id}
        label="Groups"
        pagination={list.pagination(groups.data?.total)}
        empty={
          <EmptyState
            icon={<GroupsIcon />}
            title={list.filtered ? 'No groups match' : 'No groups yet'}
            description={
              list.filtered
                ? 'Change the search to see other groups.'
                : canCreate
                  ? 'Groups give several users the same access to a share: create one, add members, then allow the group on the share.'
                  : 'An administrator creates groups.'
            }
            action={
              !list.filtered && canCreate ? (
                <Button variant="contained" startIcon={<GroupAddIcon />} onClick={() => setCreating(true)}>
                  Add group
                </Button>
              ) : undefined
            }
          />
        }
        columns={[
          {
            id: 'name',
            header: 'Name',
            sx: { fontWeight: 600 },
            cell: (g) => (
              <>
                {g.name} {g.hostStatus === 'pending' && <Chip label="host pending" color="warning" variant="outlined" />}
              </>
            ),
          },
          { id: 'gid', header: 'GID', cell: (g) => g.gid },
          { id: 'description', header: 'Description', cell: (g) => g.description ?? '—' },
          { id: 'members', header: 'Members', cell: (g) => g.members.map((m) => m.username).join(', ') || '—' },
          canDelete && {
            id: 'actions',
            header: 'Actions',
            align: 'right',
            cell: (g) => (
              <Button size="small" color="error" onClick={() => setDeleting(g)}>
                Delete
              </Button>
            ),
          },
        ]}
      />
      <GroupCreateDialog open={creating} onClose={() => setCreating(false)} onCreated={(g) => setOutcome({ text: `Group “${g.name}” was created.`, provisioning: g.provisioning })} />
      <ConfirmDialog
        open={deleting !== null}
        title="Delete group?"
        subject={deleting ? `group “${deleting.name}” (gid ${deleting.gid})` : ''}
        consequences={
          deleting && deleting.members.length > 0
            ? `Its ${deleting.members.length} member(s) lose the access the group gave them; the users themselves stay.`
            : 'Shares that allow this group lose that entry.'
        }
        pending={remove.isPending}
        error={remove.error}
        onClose={() => {
          setDeleting(null);
          remove.reset();
        }}
        onConfirm={() => {
          if (!deleting) return;
          const name = deleting.name;
          remove.mutate(deleting.id, {
            onSuccess: (res) => {
              setDeleting(null);
              setOutcome({ text: `Group “${name}” was deleted.`, provisioning: res.provisioning });
            },
          });
        }}
      />
    </>
  );
}
