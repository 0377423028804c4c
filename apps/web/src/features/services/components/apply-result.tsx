import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { ApplyResult } from '@moxnas/contracts';
import { DiffView } from '../../../components/diff-view';

const DAEMON: Record<ApplyResult['daemon'], string> = {
  reloaded: 'The daemon re-read its configuration and answers.',
  'not-running': 'The daemon is not running; it uses the new files when it is started.',
  unavailable: 'The daemon is not available on this host; the files are written for when it is.',
  unchanged: 'Nothing changed on disk, so the daemon was left alone.',
};

/** The unified diff of every file a (dry-run) apply would change or changed. */
export function FileDiffs({ result }: { result: ApplyResult }) {
  const changed = result.diffs.filter((d) => d.diff.trim());
  if (changed.length === 0) {
    return (
      <Alert severity="info">
        No configuration file changes: {result.diffs.length ? result.diffs.map((d) => d.path).join(', ') : 'the files'} already say this.
      </Alert>
    );
  }
  return (
    <Stack spacing={2}>
      {changed.map((d) => (
        <Box key={d.path}>
          <Typography variant="subtitle2" component="code" sx={{ display: 'block', mb: 0.5 }}>
            {d.path}
          </Typography>
          <DiffView diff={d.diff} path={d.path} />
        </Box>
      ))}
    </Stack>
  );
}

/** What happened after a real apply: written or not, and what the daemon did. */
export function ApplyOutcome({ result }: { result: ApplyResult }) {
  return (
    <Alert severity={result.applied || result.daemon === 'unchanged' ? 'success' : 'warning'} role="status">
      {result.applied ? 'Applied. ' : result.daemon === 'unchanged' ? 'Saved. ' : 'Saved, not yet in effect. '}
      {DAEMON[result.daemon]}
      {result.message ? ` ${result.message}` : ''}
    </Alert>
  );
}
