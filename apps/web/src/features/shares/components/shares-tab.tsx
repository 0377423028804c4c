import AddIcon from '@mui/icons-material/Add';
import Button from '@mui/material/Button';
import { accessApi, type ApplyResult, type ShareDeletion } from '@moxnas/contracts';
import { lazy, Suspense, useState, type ComponentType, type ReactNode } from 'react';
import { EmptyState } from '../../../components/empty-state';
import { ResourceTable, type QueryState, type ResourceColumn } from '../../../components/resource-table';
import { useCan } from '../../../lib/auth';
import type { SharesFilter } from '../api/shares';
import { ApplyNotice, type Outcome } from './apply-outcome';
import { DeleteShareDialog } from './delete-share-dialog';
import { ShareListToolbar, SortHeader, useShareList, type ShareList } from './list-controls';
import { Chips, EnabledChip, TwoLines } from './share-chips';

type Endpoint = Parameters<typeof useCan>[0];

// Loaded with its first use, not with the shares page.
const EffectiveAccessDialog = lazy(() => import('../../../components/effective-access/effective-access-dialog').then((m) => ({ default: m.EffectiveAccessDialog })));
type Applied<T> = (result: { share: T; apply: ApplyResult }) => void;

export interface SharesTabProps<T extends { id: string; path: string }, S extends string> {
  /** The protocol's endpoints: their access decides which actions a user sees. */
  endpoints: { create: Endpoint; update: Endpoint; remove: Endpoint };
  /** How the tab names its shares: one (`SMB share`), many (`SMB shares`), and others of them (`shares`). */
  kind: { one: string; many: string; others: string };
  icon: ReactNode;
  /** Shown on an empty list to those who may add a share. */
  emptyHint: string;
  defaultSort: S;
  useShares: (filter: SharesFilter & { sort: S }) => QueryState<{ items: T[]; total: number }>;
  useRemove: () => { mutateAsync: (vars: { id: string; dryRun: boolean }) => Promise<ShareDeletion> };
  /** What names one share in buttons and the delete dialog: its name, or an export's path. */
  nameOf: (share: T) => string;
  /** How notices name one share: `SMB share “media”`, `NFS export /mnt/tank/media`. */
  titleOf: (share: T) => string;
  /** The protocol's columns; the actions column follows them. */
  columns: (list: ShareList<S>) => ResourceColumn<T>[];
  CreateDialog: ComponentType<{ onClose: () => void; onApplied: Applied<T> }>;
  EditDialog: ComponentType<{ share: T; onClose: () => void; onApplied: Applied<T> }>;
}

/**
 * One protocol's shares: the searchable, sortable, paged list, and the create, edit and delete
 * dialogs for those whose role allows them; the outcome of the last change stays on top.
 */
export function SharesTab<T extends { id: string; path: string }, S extends string>({
  endpoints,
  kind,
  icon,
  emptyHint,
  defaultSort,
  useShares,
  useRemove,
  nameOf,
  titleOf,
  columns,
  CreateDialog,
  EditDialog,
}: SharesTabProps<T, S>) {
  const canCreate = useCan(endpoints.create);
  const canUpdate = useCan(endpoints.update);
  const canDelete = useCan(endpoints.remove);
  const canCheck = useCan(accessApi.effective);
  const list = useShareList<S>(defaultSort);
  const shares = useShares(list.filter);
  const remove = useRemove();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<T | null>(null);
  const [deleting, setDeleting] = useState<T | null>(null);
  const [checking, setChecking] = useState<T | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const addButton = canCreate && (
    <Button variant="contained" startIcon={<AddIcon />} onClick={() => setCreating(true)}>
      Add {kind.one}
    </Button>
  );

  return (
    <>
      {outcome && <ApplyNotice outcome={outcome} onClose={() => setOutcome(null)} />}
      <ShareListToolbar list={list} placeholder={`Search ${kind.many}`} actions={addButton} />
      <ResourceTable
        query={shares}
        rows={(d) => d.items}
        rowKey={(s) => s.id}
        label={kind.many}
        pagination={list.pagination(shares.data?.total)}
        empty={
          <EmptyState
            icon={icon}
            title={list.filtered ? `No ${kind.many} match` : `No ${kind.many} yet`}
            description={list.filtered ? `Change the search or the status filter to see other ${kind.others}.` : canCreate ? emptyHint : `An administrator adds ${kind.many}.`}
            action={list.filtered ? <Button onClick={list.clear}>Clear filters</Button> : addButton}
          />
        }
        columns={[
          ...columns(list),
          (canUpdate || canDelete || canCheck) && {
            id: 'actions',
            header: 'Actions',
            align: 'right',
            sx: { whiteSpace: { xs: 'normal', md: 'nowrap' } },
            cell: (s) => (
              <>
                {canCheck && (
                  <Button size="small" onClick={() => setChecking(s)} aria-label={`Who can access ${nameOf(s)}`}>
                    Access
                  </Button>
                )}
                {canUpdate && (
                  <Button size="small" onClick={() => setEditing(s)} aria-label={`Edit ${nameOf(s)}`}>
                    Edit
                  </Button>
                )}
                {canDelete && (
                  <Button size="small" color="error" onClick={() => setDeleting(s)} aria-label={`Delete ${nameOf(s)}`}>
                    Delete
                  </Button>
                )}
              </>
            ),
          },
        ]}
      />

      {creating && (
        <CreateDialog
          onClose={() => setCreating(false)}
          onApplied={(r) => {
            setCreating(false);
            setOutcome({ text: `${titleOf(r.share)} was created.`, applies: [r.apply] });
          }}
        />
      )}
      {editing && (
        <EditDialog
          key={editing.id}
          share={editing}
          onClose={() => setEditing(null)}
          onApplied={(r) => {
            setEditing(null);
            setOutcome({ text: `${titleOf(r.share)} was saved.`, applies: [r.apply] });
          }}
        />
      )}
      {checking && (
        <Suspense fallback={null}>
          <EffectiveAccessDialog path={checking.path} onClose={() => setChecking(null)} />
        </Suspense>
      )}
      {deleting && (
        <DeleteShareDialog
          kind={kind.one}
          name={nameOf(deleting)}
          send={(dryRun) => remove.mutateAsync({ id: deleting.id, dryRun })}
          onClose={() => setDeleting(null)}
          onDeleted={(r) => {
            setOutcome({ text: `${titleOf(deleting)} was deleted.`, applies: [r.apply] });
            setDeleting(null);
          }}
        />
      )}
    </>
  );
}

const PHONE_HIDDEN = { display: { xs: 'none', sm: 'table-cell' } } as const;
/** Spread into a secondary column: at phone width the name, path and actions stay. */
export const hiddenOnPhones = { sx: PHONE_HIDDEN, headerSx: PHONE_HIDDEN };

/** The status column: enabled or not, then the protocol's notable options. */
export function statusColumn<T extends { enabled: boolean }>(chips: (share: T) => ReactNode): ResourceColumn<T> {
  return {
    id: 'status',
    header: 'Status',
    ...hiddenOnPhones,
    cell: (s) => (
      <Chips>
        <EnabledChip enabled={s.enabled} />
        {chips(s)}
      </Chips>
    ),
  };
}

/** The path column, sortable, with the pool (and a note such as an export's comment) below it. */
export function pathColumn<T extends { path: string; poolName: string }, S extends string>(list: ShareList<S | 'path'>, note?: (share: T) => string | null): ResourceColumn<T> {
  return {
    id: 'path',
    header: (
      <SortHeader list={list} field="path">
        Path
      </SortHeader>
    ),
    cell: (s) => <TwoLines primary={s.path} secondary={[`pool ${s.poolName}`, note?.(s)].filter(Boolean).join(' · ')} mono />,
  };
}

/** The name column, sortable, with a note (an SMB share's comment) below the name. */
export function nameColumn<T extends { name: string }, S extends string>(list: ShareList<S | 'name'>, note?: (share: T) => string | null): ResourceColumn<T> {
  return {
    id: 'name',
    header: (
      <SortHeader list={list} field="name">
        Name
      </SortHeader>
    ),
    cell: (s) => <TwoLines primary={s.name} secondary={note?.(s)} />,
  };
}
