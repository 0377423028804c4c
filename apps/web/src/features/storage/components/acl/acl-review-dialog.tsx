import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { AclDryRun } from '@moxnas/contracts';
import { useId, useState } from 'react';
import { ErrorAlert } from '../../../../components/error-alert';

function ChangesTable({ changes }: { changes: AclDryRun['changes'] }) {
  if (changes.length === 0) return <Typography variant="body2">No entry of this path changes.</Typography>;
  return (
    <Table size="small" aria-label="ACL changes">
      <TableHead>
        <TableRow>
          <TableCell>Entry</TableCell>
          <TableCell>Before</TableCell>
          <TableCell>After</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {changes.map((c) => (
          <TableRow key={c.entry}>
            <TableCell sx={{ fontFamily: 'monospace', overflowWrap: 'anywhere' }}>{c.entry}</TableCell>
            <TableCell sx={{ fontFamily: 'monospace', color: 'error.main' }}>{c.before ?? '(none)'}</TableCell>
            <TableCell sx={{ fontFamily: 'monospace', color: 'success.main' }}>{c.after ?? '(removed)'}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function Below({ below }: { below: NonNullable<AclDryRun['below']> }) {
  return (
    <Box component="section" aria-label="Below" sx={{ mt: 2 }}>
      <Typography variant="body2">
        Recursive: {below.entries} entries below are rewritten too ({below.directories} directories, {below.files} files).
      </Typography>
      {below.sample.length > 0 && (
        <Box component="ul" sx={{ my: 1, pl: 2.5, fontFamily: 'monospace', fontSize: 13 }}>
          {below.sample.map((p) => (
            <li key={p} style={{ overflowWrap: 'anywhere' }}>{p}</li>
          ))}
          {below.entries > below.sample.length && <li>… and {below.entries - below.sample.length} more</li>}
        </Box>
      )}
    </Box>
  );
}

export interface AclReviewDialogProps {
  title: string;
  preview: AclDryRun;
  /** Runs the real change; throw to show the error here. */
  onApply: () => Promise<unknown>;
  onBack: () => void;
  onClose: () => void;
}

/** Step two of the editor: what the dry run says changes, before→after, then Apply. */
export function AclReviewDialog({ title, preview, onApply, onBack, onClose }: AclReviewDialogProps) {
  const titleId = useId();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const apply = async () => {
    setPending(true);
    setError(null);
    try {
      await onApply();
    } catch (e) {
      setError(e);
      setPending(false);
    }
  };
  return (
    <Dialog open onClose={pending ? undefined : onClose} maxWidth="md" fullWidth aria-labelledby={titleId}>
      <DialogTitle id={titleId}>{title}</DialogTitle>
      <DialogContent dividers>
        <DialogContentText sx={{ mb: 2, overflowWrap: 'anywhere' }}>Changes to {preview.path}. Nothing has been changed yet.</DialogContentText>
        <ChangesTable changes={preview.changes} />
        {preview.below && <Below below={preview.below} />}
        {error ? <ErrorAlert error={error} sx={{ mt: 2 }} /> : null}
      </DialogContent>
      <DialogActions>
        <Button onClick={onBack} disabled={pending}>
          Back
        </Button>
        <Button onClick={onClose} disabled={pending}>
          Cancel
        </Button>
        <Button variant="contained" loading={pending} onClick={() => void apply()}>
          Apply
        </Button>
      </DialogActions>
    </Dialog>
  );
}
