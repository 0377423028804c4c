import AddIcon from '@mui/icons-material/Add';
import PublicIcon from '@mui/icons-material/Public';
import Button from '@mui/material/Button';
import { ftpSharesApi, type FtpShare } from '@moxnas/contracts';
import { useState } from 'react';
import { EmptyState } from '../../../components/empty-state';
import { ResourceTable } from '../../../components/resource-table';
import { useCan } from '../../../lib/auth';
import { useFtpShares, useRemoveFtpShare } from '../api/shares';
import { ApplyNotice, type Outcome } from './apply-outcome';
import { DeleteShareDialog } from './delete-share-dialog';
import { FtpShareCreateDialog, FtpShareEditDialog } from './ftp-share-dialog';
import { ShareListToolbar, SortHeader, useShareList } from './list-controls';
import { Chips, EnabledChip, namesSummary, OptionChip, TwoLines } from './share-chips';

export function FtpTab() {
  const canCreate = useCan(ftpSharesApi.create);
  const canUpdate = useCan(ftpSharesApi.update);
  const canDelete = useCan(ftpSharesApi.remove);
  const list = useShareList<'name' | 'path' | 'createdAt' | 'updatedAt'>('name');
  const shares = useFtpShares(list.filter);
  const remove = useRemoveFtpShare();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<FtpShare | null>(null);
  const [deleting, setDeleting] = useState<FtpShare | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const addButton = canCreate && (
    <Button variant="contained" startIcon={<AddIcon />} onClick={() => setCreating(true)}>
      Add FTP share
    </Button>
  );

  return (
    <>
      {outcome && <ApplyNotice outcome={outcome} onClose={() => setOutcome(null)} />}
      <ShareListToolbar list={list} placeholder="Search FTP shares" actions={addButton} />
      <ResourceTable
        query={shares}
        rows={(d) => d.items}
        rowKey={(s) => s.id}
        label="FTP shares"
        pagination={list.pagination(shares.data?.total)}
        empty={
          <EmptyState
            icon={<PublicIcon />}
            title={list.filtered ? 'No FTP shares match' : 'No FTP shares yet'}
            description={
              list.filtered
                ? 'Change the search or the status filter to see other shares.'
                : canCreate
                  ? 'An FTP share makes a directory of a pool the FTP root of the users and groups you pick (users need FTP access turned on, on the Users page).'
                  : 'An administrator adds FTP shares.'
            }
            action={list.filtered ? <Button onClick={list.clear}>Clear filters</Button> : addButton}
          />
        }
        columns={[
          { id: 'name', header: <SortHeader list={list} field="name">Name</SortHeader>, cell: (s) => <TwoLines primary={s.name} /> },
          { id: 'path', header: <SortHeader list={list} field="path">Path</SortHeader>, cell: (s) => <TwoLines primary={s.path} secondary={`pool ${s.poolName}`} mono /> },
          {
            id: 'status',
            header: 'Status',
            cell: (s) => (
              <Chips>
                <EnabledChip enabled={s.enabled} />
                {s.writeEnable ? <OptionChip label="read-write" hint="Users may upload, rename and delete" /> : <OptionChip label="read-only" hint="Users may only download" />}
                {s.anonymous && <OptionChip label="anonymous" color="warning" hint="Anyone may read it without a login" />}
                {!s.chroot && <OptionChip label="not chrooted" color="warning" hint="Users may browse the whole file system" />}
              </Chips>
            ),
          },
          { id: 'users', header: 'Users', cell: (s) => namesSummary(s.allowedUsers, s.allowedGroups, s.anonymous ? 'anonymous only' : 'nobody yet') },
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
        <FtpShareCreateDialog
          onClose={() => setCreating(false)}
          onApplied={(r) => {
            setCreating(false);
            setOutcome({ text: `FTP share “${r.share.name}” was created.`, applies: [r.apply] });
          }}
        />
      )}
      {editing && (
        <FtpShareEditDialog
          key={editing.id}
          share={editing}
          onClose={() => setEditing(null)}
          onApplied={(r) => {
            setEditing(null);
            setOutcome({ text: `FTP share “${r.share.name}” was saved.`, applies: [r.apply] });
          }}
        />
      )}
      {deleting && (
        <DeleteShareDialog
          kind="FTP share"
          name={deleting.name}
          send={(dryRun) => remove.mutateAsync({ id: deleting.id, dryRun })}
          onClose={() => setDeleting(null)}
          onDeleted={(r) => {
            setOutcome({ text: `FTP share “${deleting.name}” was deleted.`, applies: [r.apply] });
            setDeleting(null);
          }}
        />
      )}
    </>
  );
}
