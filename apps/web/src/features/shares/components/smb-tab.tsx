import AddIcon from '@mui/icons-material/Add';
import FolderSharedIcon from '@mui/icons-material/FolderShared';
import Button from '@mui/material/Button';
import { smbSharesApi, type SmbShare } from '@moxnas/contracts';
import { useState } from 'react';
import { EmptyState } from '../../../components/empty-state';
import { ResourceTable } from '../../../components/resource-table';
import { useCan } from '../../../lib/auth';
import { useRemoveSmbShare, useSmbShares } from '../api/shares';
import { ApplyNotice, type Outcome } from './apply-outcome';
import { DeleteShareDialog } from './delete-share-dialog';
import { ShareListToolbar, SortHeader, useShareList } from './list-controls';
import { Chips, EnabledChip, namesSummary, OptionChip, TwoLines } from './share-chips';
import { SmbShareCreateDialog, SmbShareEditDialog } from './smb-share-dialog';

export function SmbTab() {
  const canCreate = useCan(smbSharesApi.create);
  const canUpdate = useCan(smbSharesApi.update);
  const canDelete = useCan(smbSharesApi.remove);
  const list = useShareList<'name' | 'path' | 'createdAt' | 'updatedAt'>('name');
  const shares = useSmbShares(list.filter);
  const remove = useRemoveSmbShare();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<SmbShare | null>(null);
  const [deleting, setDeleting] = useState<SmbShare | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const addButton = canCreate && (
    <Button variant="contained" startIcon={<AddIcon />} onClick={() => setCreating(true)}>
      Add SMB share
    </Button>
  );

  return (
    <>
      {outcome && <ApplyNotice outcome={outcome} onClose={() => setOutcome(null)} />}
      <ShareListToolbar list={list} placeholder="Search SMB shares" actions={addButton} />
      <ResourceTable
        query={shares}
        rows={(d) => d.items}
        rowKey={(s) => s.id}
        label="SMB shares"
        pagination={list.pagination(shares.data?.total)}
        empty={
          <EmptyState
            icon={<FolderSharedIcon />}
            title={list.filtered ? 'No SMB shares match' : 'No SMB shares yet'}
            description={
              list.filtered
                ? 'Change the search or the status filter to see other shares.'
                : canCreate
                  ? 'Add a share for Windows, macOS and Linux clients: pick a directory in a pool and who may use it. Existing smb.conf shares can be imported.'
                  : 'An administrator adds SMB shares.'
            }
            action={list.filtered ? <Button onClick={list.clear}>Clear filters</Button> : addButton}
          />
        }
        columns={[
          { id: 'name', header: <SortHeader list={list} field="name">Name</SortHeader>, cell: (s) => <TwoLines primary={s.name} secondary={s.comment} /> },
          { id: 'path', header: <SortHeader list={list} field="path">Path</SortHeader>, cell: (s) => <TwoLines primary={s.path} secondary={`pool ${s.poolName}`} mono /> },
          {
            id: 'status',
            header: 'Status',
            cell: (s) => (
              <Chips>
                <EnabledChip enabled={s.enabled} />
                {s.readOnly && <OptionChip label="read-only" hint="Only the write list may write" />}
                {s.guestOk && <OptionChip label="guest" color="warning" hint="Anyone may connect without a password" />}
                {!s.browseable && <OptionChip label="hidden" hint="Not listed when browsing" />}
                {s.timeMachine && <OptionChip label="Time Machine" color="info" hint={`macOS backups${s.timeMachine.maxSize ? `, up to ${s.timeMachine.maxSize}` : ''}`} />}
                {s.recycleBin && <OptionChip label="recycle bin" hint={`Deleted files go to ${s.recycleBin.repository}`} />}
                {s.previousVersions && <OptionChip label="previous versions" hint="Snapshots shown as Previous Versions" />}
                {s.audit && <OptionChip label="audit" hint="File operations are logged" />}
              </Chips>
            ),
          },
          { id: 'access', header: 'Who may connect', cell: (s) => namesSummary(s.validUsers, s.validGroups, s.guestOk ? 'everyone (guest)' : 'every user') },
          (canUpdate || canDelete) && {
            id: 'actions',
            header: 'Actions',
            align: 'right',
            sx: { whiteSpace: 'nowrap' },
            cell: (s) => (
              <>
                {canUpdate && (
                  <Button size="small" onClick={() => setEditing(s)} aria-label={`Edit ${s.name}`}>
                    Edit
                  </Button>
                )}
                {canDelete && (
                  <Button size="small" color="error" onClick={() => setDeleting(s)} aria-label={`Delete ${s.name}`}>
                    Delete
                  </Button>
                )}
              </>
            ),
          },
        ]}
      />

      {creating && (
        <SmbShareCreateDialog
          onClose={() => setCreating(false)}
          onApplied={(r) => {
            setCreating(false);
            setOutcome({ text: `SMB share “${r.share.name}” was created.`, applies: [r.apply] });
          }}
        />
      )}
      {editing && (
        <SmbShareEditDialog
          key={editing.id}
          share={editing}
          onClose={() => setEditing(null)}
          onApplied={(r) => {
            setEditing(null);
            setOutcome({ text: `SMB share “${r.share.name}” was saved.`, applies: [r.apply] });
          }}
        />
      )}
      {deleting && (
        <DeleteShareDialog
          kind="SMB share"
          name={deleting.name}
          send={(dryRun) => remove.mutateAsync({ id: deleting.id, dryRun })}
          onClose={() => setDeleting(null)}
          onDeleted={(r) => {
            setOutcome({ text: `SMB share “${deleting.name}” was deleted.`, applies: [r.apply] });
            setDeleting(null);
          }}
        />
      )}
    </>
  );
}
