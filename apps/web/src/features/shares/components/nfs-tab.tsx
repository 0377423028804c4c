import AddIcon from '@mui/icons-material/Add';
import LanIcon from '@mui/icons-material/Lan';
import Button from '@mui/material/Button';
import { nfsSharesApi, type NfsShare } from '@moxnas/contracts';
import { useState } from 'react';
import { EmptyState } from '../../../components/empty-state';
import { ResourceTable } from '../../../components/resource-table';
import { useCan } from '../../../lib/auth';
import { useNfsShares, useRemoveNfsShare } from '../api/shares';
import { ApplyNotice, type Outcome } from './apply-outcome';
import { DeleteShareDialog } from './delete-share-dialog';
import { ShareListToolbar, SortHeader, useShareList } from './list-controls';
import { NfsShareCreateDialog, NfsShareEditDialog } from './nfs-share-dialog';
import { Chips, EnabledChip, OptionChip, TwoLines } from './share-chips';

const SQUASH_LABEL = { root: 'root squashed', none: 'no root squash', all: 'all squashed' } as const;

function clientsSummary(share: NfsShare): string {
  const shown = share.clients.slice(0, 3).map((c) => `${c.host} (${c.access})`);
  return share.clients.length > 3 ? `${shown.join(', ')} +${share.clients.length - 3}` : shown.join(', ');
}

export function NfsTab() {
  const canCreate = useCan(nfsSharesApi.create);
  const canUpdate = useCan(nfsSharesApi.update);
  const canDelete = useCan(nfsSharesApi.remove);
  const list = useShareList<'path' | 'createdAt' | 'updatedAt'>('path');
  const shares = useNfsShares(list.filter);
  const remove = useRemoveNfsShare();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<NfsShare | null>(null);
  const [deleting, setDeleting] = useState<NfsShare | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const addButton = canCreate && (
    <Button variant="contained" startIcon={<AddIcon />} onClick={() => setCreating(true)}>
      Add NFS export
    </Button>
  );

  return (
    <>
      {outcome && <ApplyNotice outcome={outcome} onClose={() => setOutcome(null)} />}
      <ShareListToolbar list={list} placeholder="Search NFS exports" actions={addButton} />
      <ResourceTable
        query={shares}
        rows={(d) => d.items}
        rowKey={(s) => s.id}
        label="NFS exports"
        pagination={list.pagination(shares.data?.total)}
        empty={
          <EmptyState
            icon={<LanIcon />}
            title={list.filtered ? 'No NFS exports match' : 'No NFS exports yet'}
            description={
              list.filtered
                ? 'Change the search or the status filter to see other exports.'
                : canCreate
                  ? 'Export a directory of a pool to Linux and other Unix clients, and choose which hosts may mount it. In an unprivileged container the export is written but the kernel server may be unavailable; the result says so.'
                  : 'An administrator adds NFS exports.'
            }
            action={list.filtered ? <Button onClick={list.clear}>Clear filters</Button> : addButton}
          />
        }
        columns={[
          { id: 'path', header: <SortHeader list={list} field="path">Path</SortHeader>, cell: (s) => <TwoLines primary={s.path} secondary={[`pool ${s.poolName}`, s.comment].filter(Boolean).join(' · ')} mono /> },
          { id: 'clients', header: 'Clients', cell: (s) => clientsSummary(s) },
          {
            id: 'status',
            header: 'Status',
            cell: (s) => (
              <Chips>
                <EnabledChip enabled={s.enabled} />
                <OptionChip label={SQUASH_LABEL[s.squash]} color={s.squash === 'none' ? 'warning' : 'default'} hint="How remote root and users are mapped" />
                {!s.sync && <OptionChip label="async" color="warning" hint="A server crash can lose acknowledged writes" />}
                {s.security.some((f) => f !== 'sys') && <OptionChip label={s.security.join(', ')} hint="Security flavours" />}
                {s.insecure && <OptionChip label="insecure ports" hint="Accepts client ports above 1023" />}
              </Chips>
            ),
          },
          { id: 'created', header: <SortHeader list={list} field="createdAt">Created</SortHeader>, cell: (s) => new Date(s.createdAt).toLocaleDateString() },
          (canUpdate || canDelete) && {
            id: 'actions',
            header: 'Actions',
            align: 'right',
            sx: { whiteSpace: 'nowrap' },
            cell: (s) => (
              <>
                {canUpdate && (
                  <Button size="small" onClick={() => setEditing(s)} aria-label={`Edit ${s.path}`}>
                    Edit
                  </Button>
                )}
                {canDelete && (
                  <Button size="small" color="error" onClick={() => setDeleting(s)} aria-label={`Delete ${s.path}`}>
                    Delete
                  </Button>
                )}
              </>
            ),
          },
        ]}
      />

      {creating && (
        <NfsShareCreateDialog
          onClose={() => setCreating(false)}
          onApplied={(r) => {
            setCreating(false);
            setOutcome({ text: `NFS export ${r.share.path} was created.`, applies: [r.apply] });
          }}
        />
      )}
      {editing && (
        <NfsShareEditDialog
          key={editing.id}
          share={editing}
          onClose={() => setEditing(null)}
          onApplied={(r) => {
            setEditing(null);
            setOutcome({ text: `NFS export ${r.share.path} was saved.`, applies: [r.apply] });
          }}
        />
      )}
      {deleting && (
        <DeleteShareDialog
          kind="NFS export"
          name={deleting.path}
          send={(dryRun) => remove.mutateAsync({ id: deleting.id, dryRun })}
          onClose={() => setDeleting(null)}
          onDeleted={(r) => {
            setOutcome({ text: `NFS export ${deleting.path} was deleted.`, applies: [r.apply] });
            setDeleting(null);
          }}
        />
      )}
    </>
  );
}
