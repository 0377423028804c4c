import AddIcon from '@mui/icons-material/Add';
import KeyIcon from '@mui/icons-material/Key';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import FormControlLabel from '@mui/material/FormControlLabel';
import Switch from '@mui/material/Switch';
import { tokensApi, type ApiToken } from '@moxnas/contracts';
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { EmptyState } from '../../../components/empty-state';
import { ResourceTable } from '../../../components/resource-table';
import { StatusChip } from '../../../components/status-chip';
import { useCan, useUser } from '../../../lib/auth';
import { formatDateTime } from '../../../lib/format';
import { useRevokeToken, useTokens } from '../api/tokens';
import { TokenCreateDialog } from './token-create-dialog';

function tokenState(t: ApiToken, now: number): 'revoked' | 'expired' | 'active' {
  if (t.revokedAt) return 'revoked';
  if (t.expiresAt && new Date(t.expiresAt).getTime() <= now) return 'expired';
  return 'active';
}

export function TokensTab() {
  const me = useUser();
  const canCreate = useCan(tokensApi.create);
  const canRevoke = useCan(tokensApi.revoke);
  const [all, setAll] = useState(false);
  const tokens = useTokens(all);
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const revoke = useRevokeToken();
  const [now] = useState(() => Date.now());
  // Tokens are created and used by sessions only.
  const session = me.authMethod === 'session';

  return (
    <>
      <Box sx={{ display: 'flex', gap: 2, mb: 2, alignItems: 'center', flexWrap: 'wrap' }}>
        {me.role === 'admin' && <FormControlLabel control={<Switch checked={all} onChange={(e) => setAll(e.target.checked)} />} label="Every user’s tokens" />}
        <Box sx={{ flex: 1 }} />
        {canCreate && session && (
          <Button variant="contained" startIcon={<AddIcon />} onClick={() => setCreating(true)}>
            Create token
          </Button>
        )}
      </Box>
      <ResourceTable
        query={tokens}
        rowKey={(t) => t.id}
        label="API tokens"
        empty={
          <EmptyState
            icon={<KeyIcon />}
            title="No API tokens"
            description="Scripts and monitoring use API tokens instead of a password. Create one per purpose, with the lowest role that does the job, so each can be revoked alone."
            action={
              canCreate && session ? (
                <Button variant="contained" startIcon={<AddIcon />} onClick={() => setCreating(true)}>
                  Create token
                </Button>
              ) : undefined
            }
          />
        }
        columns={[
          { id: 'name', header: 'Name', sx: { fontWeight: 600 }, cell: (t) => t.name },
          { id: 'token', header: 'Token', cell: (t) => <code>{t.prefix}…</code> },
          { id: 'role', header: 'Role', cell: (t) => t.role },
          all && { id: 'owner', header: 'Owner', cell: (t) => t.ownerUsername },
          {
            id: 'state',
            header: 'State',
            cell: (t) => {
              const state = tokenState(t, now);
              return <StatusChip status={state === 'active' ? 'active' : state === 'expired' ? 'degraded' : 'stopped'} label={state} />;
            },
          },
          { id: 'expires', header: 'Expires', cell: (t) => (t.expiresAt ? formatDateTime(t.expiresAt) : 'never') },
          { id: 'used', header: 'Last used', cell: (t) => (t.lastUsedAt ? formatDateTime(t.lastUsedAt) : 'never') },
          canRevoke && {
            id: 'actions',
            header: 'Actions',
            align: 'right',
            cell: (t) =>
              tokenState(t, now) === 'active' && (
                <Button size="small" color="error" onClick={() => setRevoking(t)}>
                  Revoke
                </Button>
              ),
          },
        ]}
      />
      {creating && <TokenCreateDialog open onClose={() => setCreating(false)} />}
      <ConfirmDialog
        open={revoking !== null}
        title="Revoke token?"
        subject={revoking ? `API token “${revoking.name}” (${revoking.prefix}…) of ${revoking.ownerUsername}` : ''}
        consequences="Anything still using it gets 401 from its next request. This cannot be undone; create a new token instead."
        confirmLabel="Revoke"
        pending={revoke.isPending}
        error={revoke.error}
        onClose={() => {
          setRevoking(null);
          revoke.reset();
        }}
        onConfirm={() => revoking && revoke.mutate(revoking.id, { onSuccess: () => setRevoking(null) })}
      />
    </>
  );
}
