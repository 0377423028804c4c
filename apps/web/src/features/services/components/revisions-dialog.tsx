import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import List from '@mui/material/List';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import { servicesApi, type RevisionSummary, type ServiceStatus } from '@moxnas/contracts';
import { useState } from 'react';
import { DiffView } from '../../../components/diff-view';
import { ErrorAlert } from '../../../components/error-alert';
import { PageLoader } from '../../../components/page-loader';
import { StatusChip } from '../../../components/status-chip';
import { useCan } from '../../../lib/auth';
import { formatDateTime } from '../../../lib/format';
import { useDiff, useRevisions, useRollback, useRollbackPreview } from '../api/services';
import { ApplyOutcome, FileDiffs } from './apply-result';

/** The previous revision of the same file, which a revision is compared with. */
function previousOf(revisions: readonly RevisionSummary[], index: number): RevisionSummary | undefined {
  const current = revisions[index];
  return revisions.slice(index + 1).find((r) => r.path === current.path);
}

/**
 * Rolling back restores the service settings recorded with a revision: first a dry run shows what
 * the files would become, then the admin applies it.
 */
function RollbackPanel({ service, revision, onCancel }: { service: ServiceStatus; revision: RevisionSummary; onCancel: () => void }) {
  const preview = useRollbackPreview(service.id, revision.id);
  const apply = useRollback();
  if (apply.isSuccess) return <ApplyOutcome result={apply.data} />;
  return (
    <Box role="region" aria-label="Rollback preview">
      <Typography variant="subtitle2" sx={{ mb: 1 }}>
        Roll back to the settings of {formatDateTime(revision.createdAt)}
      </Typography>
      {preview.isPending ? (
        <PageLoader />
      ) : preview.isError ? (
        <ErrorAlert error={preview.error} title="This revision cannot be rolled back to" />
      ) : (
        <>
          <Typography variant="body2" sx={{ mb: 1, color: 'text.secondary' }}>
            Nothing is written yet. Share sections are not rolled back; only the service’s own settings are.
          </Typography>
          <FileDiffs result={preview.data} />
        </>
      )}
      {apply.isError && <ErrorAlert error={apply.error} title="The rollback was not applied" sx={{ mt: 2 }} />}
      <Box sx={{ display: 'flex', gap: 1, mt: 2, justifyContent: 'flex-end' }}>
        <Button onClick={onCancel} disabled={apply.isPending}>
          Back to the diff
        </Button>
        {preview.isSuccess && (
          <Button variant="contained" color="warning" loading={apply.isPending} onClick={() => apply.mutate({ id: service.id, revisionId: revision.id, dryRun: false })}>
            Apply rollback
          </Button>
        )}
      </Box>
    </Box>
  );
}

export function RevisionsDialog({ service, onClose }: { service: ServiceStatus; onClose: () => void }) {
  const revisions = useRevisions(service.id);
  // By id, not position: an apply or rollback adds a revision at the top of the list.
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const list = revisions.data ?? [];
  const found = list.findIndex((r) => r.id === selectedId);
  const selected = found === -1 ? 0 : found;
  const current = list[selected] as RevisionSummary | undefined;
  const previous = current ? previousOf(list, selected) : undefined;
  const diff = useDiff(current && previous ? { id: service.id, from: previous.id, to: current.id } : null);
  const canRollback = useCan(servicesApi.rollback);
  const [rollingBack, setRollingBack] = useState<RevisionSummary | null>(null);

  return (
    <Dialog open onClose={onClose} maxWidth="lg" aria-labelledby="revisions-title">
      <DialogTitle id="revisions-title">{service.name}: configuration revisions</DialogTitle>
      <DialogContent dividers>
        {revisions.isPending ? (
          <PageLoader />
        ) : revisions.isError ? (
          <ErrorAlert error={revisions.error} onRetry={() => void revisions.refetch()} />
        ) : list.length === 0 ? (
          <Typography variant="body2" sx={{ color: 'text.secondary' }}>
            No revisions yet. One is recorded each time MoxNAS writes this service’s configuration (a settings change or a share change).
          </Typography>
        ) : (
          <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: '280px 1fr' }, gap: 2 }}>
            <List dense aria-label="Revisions" sx={{ maxHeight: 460, overflow: 'auto' }}>
              {list.map((r, i) => (
                <ListItemButton
                  key={r.id}
                  selected={i === selected}
                  onClick={() => {
                    setSelectedId(r.id);
                    setRollingBack(null);
                  }}
                >
                  <ListItemText
                    primary={formatDateTime(r.createdAt)}
                    secondary={`${r.path.split('/').pop() ?? r.path} · ${r.result}${r.actor ? ` · ${r.actor}` : ''}`}
                  />
                </ListItemButton>
              ))}
            </List>
            {current && (
              <Box sx={{ minWidth: 0 }}>
                <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', mb: 1, flexWrap: 'wrap' }}>
                  <Typography variant="subtitle2" component="code">
                    {current.path}
                  </Typography>
                  <StatusChip status={current.result === 'failed' ? 'failed' : 'ok'} label={current.result} />
                  <Box sx={{ flex: 1 }} />
                  {canRollback && !rollingBack && current.result !== 'failed' && (
                    <Button size="small" onClick={() => setRollingBack(current)}>
                      Roll back to this
                    </Button>
                  )}
                </Box>
                {current.message && (
                  <Typography variant="body2" sx={{ mb: 1 }}>
                    {current.message}
                  </Typography>
                )}
                {rollingBack ? (
                  <RollbackPanel key={rollingBack.id} service={service} revision={rollingBack} onCancel={() => setRollingBack(null)} />
                ) : !previous ? (
                  <Typography variant="body2" sx={{ color: 'text.secondary' }}>
                    The first revision of this file: nothing to compare with.
                  </Typography>
                ) : diff.isPending ? (
                  <PageLoader />
                ) : diff.isError ? (
                  <ErrorAlert error={diff.error} />
                ) : (
                  <>
                    <Typography variant="caption" sx={{ color: 'text.secondary' }}>
                      Changes since {formatDateTime(previous.createdAt)}
                    </Typography>
                    <DiffView diff={diff.data.diff} path={diff.data.path} />
                  </>
                )}
              </Box>
            )}
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
