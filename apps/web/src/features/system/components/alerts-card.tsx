import NotificationsNoneIcon from '@mui/icons-material/NotificationsNone';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Chip from '@mui/material/Chip';
import MenuItem from '@mui/material/MenuItem';
import TablePagination from '@mui/material/TablePagination';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { AlertSeverity, alertsApi, type Alert, type AlertListQuery } from '@moxnas/contracts';
import { useState } from 'react';
import { EmptyState } from '../../../components/empty-state';
import { ErrorAlert } from '../../../components/error-alert';
import { PageLoader } from '../../../components/page-loader';
import { useCan } from '../../../lib/auth';
import { formatDateTime } from '../../../lib/format';
import { useAcknowledgeAlert, useAlerts } from '../api/alerts';
import { FilterSelect } from '../../../components/filter-select';

const SEVERITY_COLOR = { info: 'info', warning: 'warning', critical: 'error' } as const;
const STATES: { value: AlertListQuery['state']; label: string }[] = [
  { value: 'active', label: 'Active' },
  { value: 'cleared', label: 'Cleared (history)' },
  { value: 'all', label: 'All' },
];

function AlertRow({ alert, canAck, onAck, pending }: { alert: Alert; canAck: boolean; onAck: () => void; pending: boolean }) {
  const active = alert.state === 'active';
  return (
    <Box component="li" sx={{ py: 1.5, borderBottom: 1, borderColor: 'divider', '&:last-child': { borderBottom: 0 }, opacity: active ? 1 : 0.75 }}>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
        <Chip label={alert.severity} color={SEVERITY_COLOR[alert.severity]} variant={active ? 'filled' : 'outlined'} />
        <Typography variant="body2" sx={{ fontWeight: 600, flex: 1, minWidth: 200 }}>
          {alert.title}
        </Typography>
        {alert.acknowledgedAt && <Chip label={`acknowledged by ${alert.acknowledgedBy ?? 'someone'}`} variant="outlined" />}
        {!active && <Chip label={`cleared: ${alert.clearReason ?? ''}`} variant="outlined" />}
        {canAck && active && !alert.acknowledgedAt && (
          <Button size="small" onClick={onAck} loading={pending}>
            Acknowledge
          </Button>
        )}
      </Box>
      <Typography variant="body2" sx={{ mt: 0.5 }}>
        {alert.message}
      </Typography>
      <Typography variant="caption" sx={{ color: 'text.secondary' }}>
        {alert.class} · raised {formatDateTime(alert.raisedAt)}
        {alert.count > 1 ? ` · seen ${alert.count} times, last ${formatDateTime(alert.lastSeenAt)}` : ''}
        {alert.clearedAt ? ` · cleared ${formatDateTime(alert.clearedAt)}` : ''}
      </Typography>
    </Box>
  );
}

export function AlertsCard() {
  const [state, setState] = useState<AlertListQuery['state']>('active');
  const [severity, setSeverity] = useState<AlertListQuery['severity']>();
  const [page, setPage] = useState(1);
  const alerts = useAlerts({ page, pageSize: 20, state, severity });
  const canAck = useCan(alertsApi.acknowledge);
  const ack = useAcknowledgeAlert();

  return (
    <Card component="section" aria-label="Alerts" id="alerts">
      <CardContent>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, mb: 2, flexWrap: 'wrap' }}>
          <Typography variant="h3" component="h2" sx={{ flex: 1 }}>
            Alerts
          </Typography>
          <TextField select size="small" label="State" value={state} onChange={(e) => { setState(STATES.find((s) => s.value === e.target.value)?.value ?? 'active'); setPage(1); }} sx={{ width: 180 }}>
            {STATES.map((s) => (
              <MenuItem key={s.value} value={s.value}>
                {s.label}
              </MenuItem>
            ))}
          </TextField>
          <FilterSelect
            label="Severity"
            value={severity}
            options={AlertSeverity.options}
            allLabel="All severities"
            onChange={(v) => {
              setSeverity(v);
              setPage(1);
            }}
            width={160}
          />
        </Box>
        {ack.isError && <ErrorAlert error={ack.error} title="Could not acknowledge" sx={{ mb: 2 }} />}
        {alerts.isPending ? (
          <PageLoader />
        ) : alerts.isError ? (
          <ErrorAlert error={alerts.error} onRetry={() => void alerts.refetch()} />
        ) : alerts.data.items.length === 0 ? (
          <EmptyState
            icon={<NotificationsNoneIcon />}
            title={state === 'active' ? 'No active alerts' : 'No alerts'}
            description={
              state === 'active'
                ? 'Nothing needs attention. Pool usage, stopped services, failed applies, configuration drift and failed snapshot tasks raise alerts here.'
                : 'Nothing matches these filters.'
            }
          />
        ) : (
          <>
            <Box component="ul" sx={{ listStyle: 'none', m: 0, p: 0 }}>
              {alerts.data.items.map((a) => (
                <AlertRow key={a.id} alert={a} canAck={canAck} pending={ack.isPending && ack.variables === a.id} onAck={() => ack.mutate(a.id)} />
              ))}
            </Box>
            {alerts.data.total > alerts.data.pageSize && (
              <TablePagination component="div" count={alerts.data.total} page={page - 1} rowsPerPage={20} rowsPerPageOptions={[20]} onPageChange={(_, p) => setPage(p + 1)} />
            )}
          </>
        )}
      </CardContent>
    </Card>
  );
}
