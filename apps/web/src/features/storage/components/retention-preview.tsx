import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Typography from '@mui/material/Typography';
import type { Retention } from '@moxnas/contracts';
import { ErrorAlert } from '../../../components/error-alert';
import { PageLoader } from '../../../components/page-loader';
import { formatDateTime } from '../../../lib/format';
import { useRetentionPreview } from '../api/storage';

const SHOWN = 20;

/**
 * What a task's retention rule would keep and delete if it ran now, from the API's own evaluation
 * (`rule` overrides the stored counts, so an edit can be previewed before it is saved).
 */
export function RetentionPreviewPanel({ taskId, rule, datasetLabel }: { taskId: string; rule?: Partial<Retention>; datasetLabel: (id: string) => string }) {
  const preview = useRetentionPreview(taskId, rule);
  if (preview.isPending) return <PageLoader />;
  if (preview.isError) return <ErrorAlert error={preview.error} title="The retention preview could not be computed" onRetry={() => void preview.refetch()} />;
  const { keep, delete: remove, at } = preview.data;
  const total = keep.length + remove.length;

  return (
    <Box aria-label="Retention preview" role="region" sx={{ opacity: preview.isPlaceholderData ? 0.6 : 1 }}>
      <Typography variant="body2" sx={{ mb: 1 }}>
        {total === 0
          ? 'This schedule has taken no snapshots yet, so there is nothing to prune.'
          : `If it ran now (${formatDateTime(at)}): keep ${keep.length}, delete ${remove.length} of ${total} snapshots.`}
      </Typography>
      {remove.length > 0 && (
        <>
          <Typography variant="subtitle2">Would be deleted</Typography>
          <Box component="ul" sx={{ m: 0, pl: 2.5, maxHeight: 180, overflow: 'auto' }}>
            {remove.slice(0, SHOWN).map((s) => (
              <li key={s.id}>
                <Typography variant="body2" component="span" sx={{ fontFamily: 'monospace', fontSize: 13 }}>
                  {datasetLabel(s.datasetId)}@{s.name}
                </Typography>{' '}
                <Typography variant="caption" sx={{ color: 'text.secondary' }}>
                  {formatDateTime(s.takenAt)}
                </Typography>
              </li>
            ))}
          </Box>
          {remove.length > SHOWN && (
            <Typography variant="caption" sx={{ color: 'text.secondary' }}>
              and {remove.length - SHOWN} more
            </Typography>
          )}
        </>
      )}
      {keep.length > 0 && (
        <>
          <Typography variant="subtitle2" sx={{ mt: 1 }}>
            Kept
          </Typography>
          <Box component="ul" sx={{ m: 0, pl: 2.5, maxHeight: 180, overflow: 'auto' }}>
            {keep.slice(0, SHOWN).map((s) => (
              <li key={s.id}>
                <Typography variant="body2" component="span" sx={{ fontFamily: 'monospace', fontSize: 13 }}>
                  {datasetLabel(s.datasetId)}@{s.name}
                </Typography>{' '}
                {s.keptBy.map((k) => (
                  <Chip key={k} label={k} variant="outlined" sx={{ mr: 0.5 }} />
                ))}
              </li>
            ))}
          </Box>
          {keep.length > SHOWN && (
            <Typography variant="caption" sx={{ color: 'text.secondary' }}>
              and {keep.length - SHOWN} more
            </Typography>
          )}
        </>
      )}
    </Box>
  );
}
