import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import { accessApi, aclApi, datasetsApi, snapshotsApi, type Dataset } from '@moxnas/contracts';
import { lazy, Suspense } from 'react';
import { useCan } from '../../../lib/auth';
import { useCreateSnapshot, useMeasureDataset } from '../api/storage';

// The editor and the access view load with their first use, not with the storage page.
const AclDialog = lazy(() => import('./acl/acl-dialog').then((m) => ({ default: m.AclDialog })));
const EffectiveAccessDialog = lazy(() => import('../../../components/effective-access/effective-access-dialog').then((m) => ({ default: m.EffectiveAccessDialog })));

/** Which per-dataset dialog is open, and for which dataset. */
export type OpenDialog = { kind: 'acl' | 'access'; dataset: Dataset; label: string };

export interface DatasetActionsProps {
  dataset: Dataset;
  /** `tank/media`. */
  label: string;
  onNotice: (text: string) => void;
  onError: (error: unknown) => void;
  onOpen: (dialog: OpenDialog) => void;
  onDelete: () => void;
}

/** The buttons of one dataset row, by what the user's role allows; they wrap on a phone. */
export function DatasetActions({ dataset: d, label, onNotice, onError, onOpen, onDelete }: DatasetActionsProps) {
  const canSnapshot = useCan(snapshotsApi.create);
  const canMeasure = useCan(datasetsApi.measure);
  const canRemove = useCan(datasetsApi.remove);
  const canAcl = useCan(aclApi.get);
  const canAccess = useCan(accessApi.effective);
  const snapshot = useCreateSnapshot();
  const measure = useMeasureDataset();
  return (
    <Box sx={{ display: 'flex', flexWrap: { xs: 'wrap', md: 'nowrap' }, justifyContent: 'flex-end', gap: 0.5 }}>
      {canAcl && (
        <Button size="small" onClick={() => onOpen({ kind: 'acl', dataset: d, label })} aria-label={`ACL of ${label}`}>
          ACL
        </Button>
      )}
      {canAccess && (
        <Button size="small" onClick={() => onOpen({ kind: 'access', dataset: d, label })} aria-label={`Who can access ${label}`}>
          Access
        </Button>
      )}
      {canSnapshot && (
        <Button size="small" loading={snapshot.isPending} onClick={() => snapshot.mutate(d.id, { onSuccess: (r) => onNotice(`Snapshot ${r.snapshot.name} of ${d.relativePath} is being taken; it appears on the Snapshots tab.`), onError })}>
          Snapshot
        </Button>
      )}
      {canMeasure && (
        <Button size="small" loading={measure.isPending} onClick={() => measure.mutate(d.id, { onSuccess: () => onNotice(`Measuring ${d.relativePath}; the figure updates when the job finishes.`), onError })}>
          Measure
        </Button>
      )}
      {canRemove && (
        <Button size="small" color="error" onClick={onDelete}>
          Delete
        </Button>
      )}
    </Box>
  );
}

/** The open ACL editor or access view, loaded on demand. */
export function DatasetDialogs({ open, onClose, onNotice }: { open: OpenDialog | null; onClose: () => void; onNotice: (text: string) => void }) {
  if (!open) return null;
  return (
    <Suspense fallback={null}>
      {open.kind === 'acl' ? (
        <AclDialog
          dataset={open.dataset}
          label={open.label}
          onClose={onClose}
          onJob={(text) => {
            onClose();
            onNotice(text);
          }}
        />
      ) : (
        <EffectiveAccessDialog path={open.dataset.path} onClose={onClose} />
      )}
    </Suspense>
  );
}
