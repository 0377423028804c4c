import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import { useId, useState, type FormEvent } from 'react';
import { ErrorAlert } from '../error-alert';
import { PageLoader } from '../page-loader';
import { AccessReportView } from './access-chain';
import { AccessEveryone } from './access-everyone';
import { useEffectiveAccess } from './use-effective-access';

type Mode = 'one' | 'everyone';
interface Question {
  mode: Mode;
  user: string;
  path: string;
}

function OneUser({ user, path }: { user: string; path: string }) {
  const report = useEffectiveAccess(user, path, true);
  if (report.isPending) return <PageLoader />;
  if (report.isError) return <ErrorAlert error={report.error} onRetry={() => void report.refetch()} />;
  return <AccessReportView report={report.data} />;
}

function QuestionForm({ initial, onAsk }: { initial: Question; onAsk: (q: Question) => void }) {
  const [q, setQ] = useState(initial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onAsk({ ...q, user: q.user.trim(), path: q.path.trim() });
  };
  return (
    <Box component="form" noValidate onSubmit={submit} aria-label="Question" sx={{ display: 'flex', gap: 1.5, flexWrap: 'wrap', alignItems: 'center', mb: 2 }}>
      <TextField label="Path" value={q.path} onChange={(e) => setQ({ ...q, path: e.target.value })} size="small" sx={{ flex: '1 1 260px' }} />
      <ToggleButtonGroup size="small" exclusive value={q.mode} onChange={(_, mode: Mode | null) => mode && setQ({ ...q, mode })} aria-label="Whom to check">
        <ToggleButton value="one">One user</ToggleButton>
        <ToggleButton value="everyone">Every user</ToggleButton>
      </ToggleButtonGroup>
      {q.mode === 'one' && <TextField label="User" value={q.user} onChange={(e) => setQ({ ...q, user: e.target.value })} size="small" sx={{ flex: '0 1 180px' }} />}
      <Button type="submit" variant="contained" disabled={q.path.trim() === '' || (q.mode === 'one' && q.user.trim() === '')}>
        Check
      </Button>
    </Box>
  );
}

export interface EffectiveAccessDialogProps {
  /** The absolute path to start with (a dataset's or a share's directory); the admin may change it. */
  path: string;
  onClose: () => void;
}

/** "Who can access this path?": one user's answer with the rules behind it, or every user's level. */
export function EffectiveAccessDialog({ path, onClose }: EffectiveAccessDialogProps) {
  const titleId = useId();
  const [asked, setAsked] = useState<Question | null>(null);
  // A new form per question picked from the list, so it shows that question.
  const [formKey, setFormKey] = useState(0);
  const pick = (user: string) => {
    if (!asked) return;
    setAsked({ mode: 'one', user, path: asked.path });
    setFormKey((k) => k + 1);
  };
  return (
    <Dialog open onClose={onClose} maxWidth="md" fullWidth aria-labelledby={titleId}>
      <DialogTitle id={titleId}>Who can access this path?</DialogTitle>
      <DialogContent dividers>
        <QuestionForm key={formKey} initial={asked ?? { mode: 'one', user: '', path }} onAsk={setAsked} />
        {asked?.mode === 'one' && <OneUser user={asked.user} path={asked.path} />}
        {asked?.mode === 'everyone' && <AccessEveryone path={asked.path} onPick={pick} />}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
