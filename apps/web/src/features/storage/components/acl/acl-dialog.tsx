import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import type { Dataset } from '@moxnas/contracts';
import { useId, useState, type ReactNode } from 'react';
import { ErrorAlert } from '../../../../components/error-alert';
import { PageLoader } from '../../../../components/page-loader';
import { isApiError } from '../../../../lib/api-client';
import { useDatasetAcl } from '../../api/acl';
import { AclEditor } from './acl-editor';
import { AclPathBar } from './acl-path-bar';

export interface AclDialogProps {
  dataset: Dataset;
  /** How the dataset is named in the title (`tank/media`). */
  label: string;
  onClose: () => void;
  /** A recursive change started a job; the tab shows the sentence. */
  onJob: (message: string) => void;
}

const pathProblem = (error: unknown) => (isApiError(error) ? error.fieldErrors.find((f) => f.field === 'query.path')?.message : undefined);

/** Loading, or what the API said instead of an ACL; a 409 (no ACL support on the pool) is the whole answer. */
function AclStatusDialog({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const titleId = useId();
  return (
    <Dialog open onClose={onClose} maxWidth="sm" fullWidth aria-labelledby={titleId}>
      <DialogTitle id={titleId}>{title}</DialogTitle>
      <DialogContent dividers>{children}</DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}

/** The ACL editor of a dataset: its root first, any folder or file inside it by path. */
export function AclDialog({ dataset, label, onClose, onJob }: AclDialogProps) {
  const [path, setPath] = useState('');
  const acl = useDatasetAcl(dataset.id, path);
  const title = `ACL of ${label}`;
  const bar = <AclPathBar key={path} path={path} root={dataset.path} onOpen={setPath} error={pathProblem(acl.error)} />;

  if (acl.data) return <AclEditor key={acl.data.path} datasetId={dataset.id} acl={acl.data} title={title} pathBar={bar} onClose={onClose} onJob={onJob} />;
  return (
    <AclStatusDialog title={title} onClose={onClose}>
      {acl.isPending ? (
        <PageLoader />
      ) : isApiError(acl.error) && acl.error.status === 409 ? (
        <ErrorAlert error={acl.error} title="ACLs are not available here" />
      ) : (
        <>
          {bar}
          {!pathProblem(acl.error) && <ErrorAlert error={acl.error} onRetry={() => void acl.refetch()} />}
        </>
      )}
    </AclStatusDialog>
  );
}
