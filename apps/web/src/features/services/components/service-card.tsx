import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardActions from '@mui/material/CardActions';
import CardContent from '@mui/material/CardContent';
import Chip from '@mui/material/Chip';
import Typography from '@mui/material/Typography';
import type { ServiceStatus } from '@moxnas/contracts';
import type { ReactNode } from 'react';
import { StatusChip } from '../../../components/status-chip';
import { formatDateTime, formatDuration } from '../../../lib/format';
import type { ServiceAction } from '../api/services';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Box sx={{ display: 'flex', justifyContent: 'space-between', gap: 2, py: 0.25 }}>
      <Typography variant="body2" sx={{ color: 'text.secondary' }}>
        {label}
      </Typography>
      <Typography variant="body2" component="div" sx={{ textAlign: 'right', minWidth: 0, overflowWrap: 'anywhere' }}>
        {children}
      </Typography>
    </Box>
  );
}

export interface ServiceCardProps {
  service: ServiceStatus;
  /** The actions this user's role allows; others are not shown. */
  allowed: ReadonlySet<ServiceAction>;
  pendingAction: ServiceAction | null;
  onAction: (action: ServiceAction) => void;
  onRevisions: () => void;
  /** Opens the settings editor; absent for roles that may not change settings. */
  onSettings?: () => void;
}

export function ServiceCard({ service: s, allowed, pendingAction, onAction, onRevisions, onSettings }: ServiceCardProps) {
  const available = s.capability.available;
  const running = s.state === 'running' || s.state === 'starting';
  const button = (action: ServiceAction, label: string, show: boolean, color: 'primary' | 'error' = 'primary') =>
    show && allowed.has(action) ? (
      <Button size="small" color={color} onClick={() => onAction(action)} loading={pendingAction === action} disabled={pendingAction !== null && pendingAction !== action}>
        {label}
      </Button>
    ) : null;

  return (
    <Card component="section" aria-label={s.name} sx={{ height: '100%', display: 'flex', flexDirection: 'column' }}>
      <CardContent sx={{ flex: 1 }}>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mb: 1.5, flexWrap: 'wrap' }}>
          <Typography variant="h3" component="h2" sx={{ flex: 1 }}>
            {s.name}
          </Typography>
          {s.drift && <Chip label="config changed on disk" color="warning" variant="outlined" />}
          <StatusChip status={s.state} />
        </Box>
        {!available ? (
          <Alert severity="info" sx={{ mb: 1 }}>
            <AlertTitle>Not available on this host</AlertTitle>
            {s.capability.reason}
            {s.capability.fix && (
              <Box component="pre" sx={{ m: 0, mt: 1, p: 1, bgcolor: 'action.hover', borderRadius: 1, fontSize: 12, whiteSpace: 'pre-wrap', userSelect: 'all' }}>
                {s.capability.fix}
              </Box>
            )}
          </Alert>
        ) : (
          <>
            <Fact label="Process">{s.pid ? `pid ${s.pid}` : '—'}</Fact>
            <Fact label="Up for">{s.uptimeSeconds !== null ? formatDuration(s.uptimeSeconds) : '—'}</Fact>
            <Fact label="Start at boot">{s.enabled ? 'yes' : 'no'}</Fact>
            <Fact label="Supervised by">{s.driver}</Fact>
            {s.restarts > 0 && <Fact label="Restarts">{s.restarts}</Fact>}
            {s.lastExit && <Fact label="Last exit">{s.lastExit}</Fact>}
            <Fact label="Configuration">
              {s.revision ? `${s.revision.result} ${formatDateTime(s.revision.createdAt)}${s.revision.actor ? ` by ${s.revision.actor}` : ''}` : 'not written yet'}
            </Fact>
          </>
        )}
        {s.state === 'failed' && available && (
          <Alert severity="error" sx={{ mt: 1 }}>
            The daemon is not running{s.lastExit ? `: ${s.lastExit}` : ''}. Check the configuration revisions, then start it again.
          </Alert>
        )}
      </CardContent>
      <CardActions sx={{ flexWrap: 'wrap', gap: 0.5, px: 2, pb: 2 }}>
        {available && (
          <>
            {button('start', 'Start', !running)}
            {button('stop', 'Stop', running, 'error')}
            {button('restart', 'Restart', running)}
            {button('reload', 'Reload', s.state === 'running')}
            {button('enable', 'Start at boot', !s.enabled)}
            {button('disable', 'Don’t start at boot', s.enabled)}
          </>
        )}
        <Box sx={{ flex: 1 }} />
        {onSettings && (
          <Button size="small" onClick={onSettings}>
            Settings
          </Button>
        )}
        <Button size="small" onClick={onRevisions}>
          Revisions
        </Button>
      </CardActions>
    </Card>
  );
}
