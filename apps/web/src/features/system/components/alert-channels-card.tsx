import AddIcon from '@mui/icons-material/Add';
import CampaignIcon from '@mui/icons-material/Campaign';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Switch from '@mui/material/Switch';
import Typography from '@mui/material/Typography';
import type { AlertChannel, ChannelTestResult } from '@moxnas/contracts';
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { EmptyState } from '../../../components/empty-state';
import { ResourceTable } from '../../../components/resource-table';
import { ErrorAlert } from '../../../components/error-alert';
import { asUpdate, useChannels, useRemoveChannel, useTestChannel, useUpdateChannel } from '../api/alert-channels';
import { ChannelCreateDialog } from './channel-create-dialog';

function target(c: AlertChannel): string {
  if (c.webhook) return c.webhook.url;
  if (c.email) return `${c.email.to.join(', ')} via ${c.email.host}:${c.email.port}`;
  return '—';
}

/** Where alerts are sent (admins only: the settings hold addresses and secrets). */
export function AlertChannelsCard() {
  const channels = useChannels();
  const update = useUpdateChannel();
  const remove = useRemoveChannel();
  const test = useTestChannel();
  const [creating, setCreating] = useState(false);
  const [removing, setRemoving] = useState<AlertChannel | null>(null);
  const [tested, setTested] = useState<{ name: string; result: ChannelTestResult } | null>(null);
  const add = (
    <Button variant="contained" startIcon={<AddIcon />} onClick={() => setCreating(true)}>
      Add channel
    </Button>
  );

  return (
    <Card component="section" aria-label="Notification channels">
      <CardContent>
        <Box sx={{ display: 'flex', alignItems: 'center', mb: 2, gap: 2 }}>
          <Typography variant="h3" component="h2" sx={{ flex: 1 }}>
            Notification channels
          </Typography>
          {(channels.data?.length ?? 0) > 0 && add}
        </Box>
        {tested && (
          <Alert severity={tested.result.ok ? 'success' : 'error'} onClose={() => setTested(null)} sx={{ mb: 2 }}>
            Test of “{tested.name}”: {tested.result.detail}
            {tested.result.status !== null ? ` (HTTP ${tested.result.status})` : ''} in {Math.round(tested.result.durationMs)} ms.
          </Alert>
        )}
        {[test, update].map((m, i) => (m.isError ? <ErrorAlert key={i} error={m.error} sx={{ mb: 2 }} /> : null))}
        <ResourceTable
          query={channels}
          rowKey={(c) => c.id}
          label="Channels"
          empty={
            <EmptyState
              icon={<CampaignIcon />}
              title="Alerts are only shown here"
              description="Add a webhook (chat, monitoring, home automation) or an e-mail channel so that a full pool or a stopped service reaches you when you are not looking at the dashboard."
              action={add}
            />
          }
          columns={[
            {
              id: 'name',
              header: 'Name',
              sx: { fontWeight: 600 },
              cell: (c) => (
                <>
                  {c.name}
                  <Typography variant="caption" component="div" sx={{ color: 'text.secondary' }}>
                    {c.type}
                  </Typography>
                </>
              ),
            },
            { id: 'target', header: 'Sends to', sx: { overflowWrap: 'anywhere' }, cell: target },
            { id: 'severity', header: 'From severity', cell: (c) => c.minSeverity },
            {
              id: 'enabled',
              header: 'Enabled',
              cell: (c) => (
                <Switch
                  checked={c.enabled}
                  disabled={update.isPending}
                  onChange={(e) => update.mutate({ id: c.id, body: asUpdate(c, { enabled: e.target.checked }) })}
                  slotProps={{ input: { 'aria-label': `${c.name} enabled` } }}
                />
              ),
            },
            {
              id: 'actions',
              header: 'Actions',
              align: 'right',
              sx: { whiteSpace: 'nowrap' },
              cell: (c) => (
                <>
                  <Button size="small" loading={test.isPending && test.variables === c.id} onClick={() => test.mutate(c.id, { onSuccess: (result) => setTested({ name: c.name, result }) })}>
                    Send test
                  </Button>
                  <Button size="small" color="error" onClick={() => setRemoving(c)}>
                    Delete
                  </Button>
                </>
              ),
            },
          ]}
        />
      </CardContent>
      {creating && <ChannelCreateDialog onClose={() => setCreating(false)} />}
      <ConfirmDialog
        open={removing !== null}
        title="Delete channel?"
        subject={removing ? `${removing.type} channel “${removing.name}”` : ''}
        consequences="Alerts stop going there, and its delivery log is deleted."
        pending={remove.isPending}
        error={remove.error}
        onClose={() => {
          setRemoving(null);
          remove.reset();
        }}
        onConfirm={() => removing && remove.mutate(removing.id, { onSuccess: () => setRemoving(null) })}
      />
    </Card>
  );
}
