import Alert, { type AlertColor } from '@mui/material/Alert';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { ApplyResult } from '@moxnas/contracts';
import { DiffView } from '../../../components/diff-view';

const DAEMON_TEXT: Record<ApplyResult['daemon'], string> = {
  reloaded: 'the daemon was reloaded and serves the new configuration',
  'not-running': 'the daemon is not running; it reads the files when it starts',
  unavailable: 'the daemon is unavailable on this host',
  unchanged: 'no file changed, so the daemon was left alone',
};

/**
 * What one apply did, in a sentence: written or not, and what became of the daemon (the API's own
 * message when it has one, since it says why).
 */
export function describeApply(apply: ApplyResult): string {
  const files = apply.diffs.map((d) => d.path).join(', ');
  const written = apply.applied ? `Applied${files ? ` (${files})` : ''}` : 'Not applied';
  const daemon = apply.message ?? `${DAEMON_TEXT[apply.daemon]}.`;
  return `${written}: ${daemon}`;
}

function severityOf(applies: readonly ApplyResult[]): AlertColor {
  if (applies.some((a) => !a.applied || a.daemon === 'unavailable')) return 'warning';
  if (applies.some((a) => a.daemon === 'not-running')) return 'info';
  return 'success';
}

export interface Outcome {
  /** "SMB share “media” was created." */
  text: string;
  /** One per daemon touched (an import can touch three). */
  applies: readonly ApplyResult[];
}

/** The result of an applied change above the list, with the daemon's own message when it has one. */
export function ApplyNotice({ outcome, onClose }: { outcome: Outcome; onClose: () => void }) {
  return (
    <Alert severity={severityOf(outcome.applies)} onClose={onClose} sx={{ mb: 2 }} aria-label="Apply result">
      <Typography variant="body2" sx={{ fontWeight: 600 }}>
        {outcome.text}
      </Typography>
      {outcome.applies.map((a, i) => (
        <Typography key={i} variant="body2" data-daemon={a.daemon}>
          {describeApply(a)}
        </Typography>
      ))}
    </Alert>
  );
}

/** The diff of every file a dry run would change; a note when nothing would. */
export function ChangesPreview({ apply }: { apply: ApplyResult }) {
  const changed = apply.diffs.filter((d) => d.diff.trim());
  return (
    <Stack spacing={2}>
      {apply.message && (
        <Alert severity={apply.daemon === 'unavailable' ? 'warning' : 'info'}>{apply.message}</Alert>
      )}
      {changed.length === 0 ? (
        <Typography variant="body2" sx={{ color: 'text.secondary' }}>
          No configuration file changes. Applying only updates what MoxNAS stores.
        </Typography>
      ) : (
        changed.map((d) => (
          <div key={d.path}>
            <Typography variant="subtitle2" component="h3" sx={{ fontFamily: 'monospace', mb: 0.5 }}>
              {d.path}
            </Typography>
            <DiffView diff={d.diff} path={d.path} />
          </div>
        ))
      )}
    </Stack>
  );
}
