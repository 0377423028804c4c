import Box from '@mui/material/Box';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Chip from '@mui/material/Chip';
import Grid from '@mui/material/Grid';
import LinearProgress from '@mui/material/LinearProgress';
import Link from '@mui/material/Link';
import Typography from '@mui/material/Typography';
import type { MetricsSnapshot } from '@moxnas/contracts';
import type { ReactNode } from 'react';
import { Link as RouterLink } from 'react-router';
import { StatusChip } from '../../../components/status-chip';
import { formatBytes, formatPercent } from '../../../lib/format';

function Panel({ title, to, linkLabel, children }: { title: string; to: string; linkLabel: string; children: ReactNode }) {
  return (
    <Card component="section" aria-label={title} sx={{ height: '100%' }}>
      <CardContent>
        <Box sx={{ display: 'flex', alignItems: 'baseline', mb: 1.5 }}>
          <Typography variant="h3" component="h2" sx={{ flex: 1 }}>
            {title}
          </Typography>
          <Link component={RouterLink} to={to} variant="body2">
            {linkLabel}
          </Link>
        </Box>
        {children}
      </CardContent>
    </Card>
  );
}

const muted = { color: 'text.secondary' } as const;

/** Pools, services, alerts and shares from the latest metrics snapshot. */
export function Overview({ metrics }: { metrics: MetricsSnapshot }) {
  const { pools, services, alerts, shares, smb } = metrics;
  const activeAlerts = alerts.critical + alerts.warning + alerts.info;
  return (
    <Grid container spacing={2}>
      <Grid size={{ xs: 12, md: 6 }}>
        <Panel title="Pools" to="/storage" linkLabel="Storage">
          {pools === null ? (
            <Typography variant="body2" sx={muted}>
              The storage module reports no pools in this version.
            </Typography>
          ) : pools.length === 0 ? (
            <Typography variant="body2" sx={muted}>
              No pools yet. Bind-mount a host directory into the container, then register it on the Storage page.
            </Typography>
          ) : (
            pools.map((p) => (
              <Box key={p.name} sx={{ mb: 1.5 }}>
                <Box sx={{ display: 'flex', gap: 1, alignItems: 'center' }}>
                  <Typography variant="body2" sx={{ fontWeight: 600, flex: 1 }}>
                    {p.name}
                  </Typography>
                  {!p.healthy && <StatusChip status="degraded" label={p.status ?? 'degraded'} />}
                  <Typography variant="caption" sx={muted}>
                    {formatBytes(p.usedBytes)} of {formatBytes(p.sizeBytes)} · {formatBytes(p.freeBytes)} free
                  </Typography>
                </Box>
                <LinearProgress
                  variant="determinate"
                  value={Math.min(100, p.usedRatio * 100)}
                  color={p.usedRatio >= 0.9 ? 'error' : p.usedRatio >= 0.8 ? 'warning' : 'primary'}
                  aria-label={`${p.name} used ${formatPercent(p.usedRatio)}`}
                  sx={{ height: 8, mt: 0.5 }}
                />
              </Box>
            ))
          )}
        </Panel>
      </Grid>
      <Grid size={{ xs: 12, sm: 6, md: 3 }}>
        <Panel title="Services" to="/services" linkLabel="Manage">
          {services.length === 0 ? (
            <Typography variant="body2" sx={muted}>
              No daemon has reported its state yet.
            </Typography>
          ) : (
            services.map((s) => (
              <Box key={s.id} sx={{ display: 'flex', justifyContent: 'space-between', py: 0.25 }}>
                <Typography variant="body2">{s.id.toUpperCase()}</Typography>
                <StatusChip status={s.state} />
              </Box>
            ))
          )}
          <Typography variant="caption" component="p" sx={{ ...muted, mt: 1 }}>
            {smb.sessions !== null ? `${smb.sessions} open SMB session${smb.sessions === 1 ? '' : 's'}` : `SMB sessions: ${smb.reason ?? 'not counted'}`}
          </Typography>
        </Panel>
      </Grid>
      <Grid size={{ xs: 12, sm: 6, md: 3 }}>
        <Panel title="Alerts" to="/system#alerts" linkLabel="View">
          {activeAlerts === 0 ? (
            <Typography variant="body2" sx={muted}>
              No active alerts.
            </Typography>
          ) : (
            <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
              {alerts.critical > 0 && <Chip color="error" label={`${alerts.critical} critical`} />}
              {alerts.warning > 0 && <Chip color="warning" label={`${alerts.warning} warning`} />}
              {alerts.info > 0 && <Chip color="info" label={`${alerts.info} info`} />}
            </Box>
          )}
          <Typography variant="body2" sx={{ ...muted, mt: 1.5 }}>
            Shares:{' '}
            {shares === null
              ? 'not reported in this version'
              : Object.entries(shares)
                  .map(([protocol, n]) => `${n} ${protocol.toUpperCase()}`)
                  .join(', ') || 'none yet'}
          </Typography>
        </Panel>
      </Grid>
    </Grid>
  );
}
