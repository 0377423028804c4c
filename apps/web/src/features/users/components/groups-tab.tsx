import GroupAddIcon from '@mui/icons-material/GroupAdd';
import GroupsIcon from '@mui/icons-material/Groups';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TablePagination from '@mui/material/TablePagination';
import TableRow from '@mui/material/TableRow';
import { groupsApi, type Group } from '@moxnas/contracts';
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { EmptyState } from '../../../components/empty-state';
import { ErrorAlert } from '../../../components/error-alert';
import { PageLoader } from '../../../components/page-loader';
import { useCan } from '../../../lib/auth';
import { useDebouncedValue } from '../../../lib/use-debounced-value';
import { useDeleteGroup, useGroups } from '../api/groups';
import { GroupCreateDialog } from './group-create-dialog';
import { ListToolbar } from './list-toolbar';
import { ProvisioningNotice, type Outcome } from './provisioning-notice';

export function GroupsTab() {
  const canCreate = useCan(groupsApi.create);
  const canDelete = useCan(groupsApi.delete);
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(25);
  const debounced = useDebouncedValue(search.trim());
  const groups = useGroups({ page, pageSize, search: debounced || undefined });
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Group | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const remove = useDeleteGroup();

  return (
    <>
      {outcome && <ProvisioningNotice outcome={outcome} onClose={() => setOutcome(null)} />}
      <ListToolbar
        search={search}
        onSearch={(v) => {
          setSearch(v);
          setPage(1);
        }}
        placeholder="Search groups"
        actions={
          canCreate && (
            <Button variant="contained" startIcon={<GroupAddIcon />} onClick={() => setCreating(true)}>
              Add group
            </Button>
          )
        }
      />
      {groups.isPending ? (
        <PageLoader />
      ) : groups.isError ? (
        <ErrorAlert error={groups.error} onRetry={() => void groups.refetch()} />
      ) : groups.data.items.length === 0 ? (
        <EmptyState
          icon={<GroupsIcon />}
          title={debounced ? 'No groups match' : 'No groups yet'}
          description={
            debounced
              ? 'Change the search to see other groups.'
              : canCreate
                ? 'Groups give several users the same access to a share: create one, add members, then allow the group on the share.'
                : 'An administrator creates groups.'
          }
          action={
            !debounced && canCreate ? (
              <Button variant="contained" startIcon={<GroupAddIcon />} onClick={() => setCreating(true)}>
                Add group
              </Button>
            ) : undefined
          }
        />
      ) : (
        <>
          <TableContainer>
            <Table size="small" aria-label="Groups">
              <TableHead>
                <TableRow>
                  <TableCell>Name</TableCell>
                  <TableCell>GID</TableCell>
                  <TableCell>Description</TableCell>
                  <TableCell>Members</TableCell>
                  {canDelete && <TableCell align="right">Actions</TableCell>}
                </TableRow>
              </TableHead>
              <TableBody>
                {groups.data.items.map((g) => (
                  <TableRow key={g.id} hover>
                    <TableCell sx={{ fontWeight: 600 }}>
                      {g.name} {g.hostStatus === 'pending' && <Chip label="host pending" color="warning" variant="outlined" />}
                    </TableCell>
                    <TableCell>{g.gid}</TableCell>
                    <TableCell>{g.description ?? '—'}</TableCell>
                    <TableCell>{g.members.map((m) => m.username).join(', ') || '—'}</TableCell>
                    {canDelete && (
                      <TableCell align="right">
                        <Button size="small" color="error" onClick={() => setDeleting(g)}>
                          Delete
                        </Button>
                      </TableCell>
                    )}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
          <TablePagination
            component="div"
            count={groups.data.total}
            page={page - 1}
            rowsPerPage={pageSize}
            rowsPerPageOptions={[10, 25, 50, 100]}
            onPageChange={(_, p) => setPage(p + 1)}
            onRowsPerPageChange={(e) => {
              setPageSize(Number(e.target.value));
              setPage(1);
            }}
          />
        </>
      )}
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
