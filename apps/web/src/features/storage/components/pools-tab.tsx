import AddIcon from '@mui/icons-material/Add';
import StorageIcon from '@mui/icons-material/Storage';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardActions from '@mui/material/CardActions';
import CardContent from '@mui/material/CardContent';
import Chip from '@mui/material/Chip';
import Grid from '@mui/material/Grid';
import LinearProgress from '@mui/material/LinearProgress';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { poolsApi, type Pool, type StorageCapability } from '@moxnas/contracts';
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { EmptyState } from '../../../components/empty-state';
import { ErrorAlert } from '../../../components/error-alert';
import { PageLoader } from '../../../components/page-loader';
import { StatusChip } from '../../../components/status-chip';
import { useCan } from '../../../lib/auth';
import { formatBytes, formatDateTime, formatPercent } from '../../../lib/format';
import { usePools, useRefreshPool, useRemovePool } from '../api/storage';
import { PoolCreateDialog } from './pool-create-dialog';

function Capability({ label, cap }: { label: string; cap: StorageCapability }) {
  return (
    <Tooltip title={`${cap.reason}${cap.fix ? ` — ${cap.fix}` : ''}`}>
      <Chip label={label} color={cap.available ? 'success' : 'default'} variant="outlined" sx={{ opacity: cap.available ? 1 : 0.6, textDecoration: cap.available ? 'none' : 'line-through' }} />
    </Tooltip>
  );
}

function PoolCard({ pool, canRefresh, canRemove, refreshing, onRefresh, onRemove }: { pool: Pool; canRefresh: boolean; canRemove: boolean; refreshing: boolean; onRefresh: () => void; onRemove: () => void }) {
  const { space, thresholds } = pool;
  const ratio = space?.usedRatio ?? 0;
  return (
    <Card component="section" aria-label={`Pool ${pool.name}`} sx={{ height: '100%', display: 'flex', flexDirection: 'column' }}>
      <CardContent sx={{ flex: 1 }}>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mb: 0.5 }}>
          <Typography variant="h3" component="h2" sx={{ flex: 1 }}>
            {pool.name}
          </Typography>
          <StatusChip status={pool.health.status === 'online' ? 'healthy' : 'degraded'} label={pool.health.status} />
        </Box>
        <Typography variant="body2" sx={{ color: 'text.secondary', fontFamily: 'monospace' }}>
          {pool.path}
        </Typography>
        <Typography variant="caption" sx={{ color: 'text.secondary' }}>
          {pool.fsType} on {pool.source} · {pool.datasetCount} dataset{pool.datasetCount === 1 ? '' : 's'} · snapshots: {pool.snapshotDriver}
        </Typography>
        {pool.description && <Typography variant="body2" sx={{ mt: 1 }}>{pool.description}</Typography>}
        {pool.health.problems.length > 0 && (
          <Box component="ul" sx={{ color: 'warning.main', pl: 2.5, my: 1 }}>
            {pool.health.problems.map((p) => (
              <li key={p}>
                <Typography variant="body2">{p}</Typography>
              </li>
            ))}
          </Box>
        )}
        {space ? (
          <Box sx={{ mt: 1.5 }}>
            <Box sx={{ display: 'flex', justifyContent: 'space-between' }}>
              <Typography variant="body2">
                {formatBytes(space.usedBytes)} used of {formatBytes(space.totalBytes)}
              </Typography>
              <Typography variant="body2">{formatPercent(ratio)}</Typography>
            </Box>
            <LinearProgress
              variant="determinate"
              value={Math.min(100, ratio * 100)}
              color={pool.usageLevel === 'critical' ? 'error' : pool.usageLevel === 'warning' ? 'warning' : 'primary'}
              aria-label={`${pool.name} used`}
              sx={{ height: 8, mt: 0.5 }}
            />
            <Typography variant="caption" sx={{ color: 'text.secondary' }}>
              {formatBytes(space.availableBytes)} free · warns at {thresholds.warningPercent}%, critical at {thresholds.criticalPercent}%
            </Typography>
          </Box>
        ) : (
          <Typography variant="body2" sx={{ color: 'warning.main', mt: 1.5 }}>
            Not mounted: no space figures.
          </Typography>
        )}
        <Box sx={{ display: 'flex', gap: 0.5, flexWrap: 'wrap', mt: 1.5 }}>
          <Capability label="POSIX ACLs" cap={pool.capabilities.posixAcl} />
          <Capability label={`Hard quota${pool.capabilities.hardQuota.kind ? ` (${pool.capabilities.hardQuota.kind})` : ''}`} cap={pool.capabilities.hardQuota} />
          <Capability label="Extended attributes" cap={pool.capabilities.userXattr} />
          <Capability label="Hard links" cap={pool.capabilities.hardLinks} />
        </Box>
      </CardContent>
      <CardActions sx={{ px: 2, pb: 2 }}>
        <Typography variant="caption" sx={{ color: 'text.secondary', flex: 1 }}>
          {pool.refreshedAt ? `Checked ${formatDateTime(pool.refreshedAt)}` : 'Not checked yet'}
        </Typography>
        {canRefresh && (
          <Button size="small" onClick={onRefresh} loading={refreshing}>
            Check now
          </Button>
        )}
        {canRemove && (
          <Button size="small" color="error" onClick={onRemove}>
            Unregister
          </Button>
        )}
      </CardActions>
    </Card>
  );
}

export function PoolsTab() {
  const pools = usePools();
  const canCreate = useCan(poolsApi.create);
  const canRefresh = useCan(poolsApi.refresh);
  const canRemove = useCan(poolsApi.remove);
  const refresh = useRefreshPool();
  const remove = useRemovePool();
  const [creating, setCreating] = useState(false);
  const [removing, setRemoving] = useState<Pool | null>(null);
  const add = canCreate ? (
    <Button variant="contained" startIcon={<AddIcon />} onClick={() => setCreating(true)}>
      Register pool
    </Button>
  ) : undefined;

  return (
    <>
      {pools.data && pools.data.length > 0 && add && <Box sx={{ display: 'flex', justifyContent: 'flex-end', mb: 2 }}>{add}</Box>}
      {refresh.isError && <ErrorAlert error={refresh.error} title="The pool could not be checked" sx={{ mb: 2 }} />}
      {pools.isPending ? (
        <PageLoader />
      ) : pools.isError ? (
        <ErrorAlert error={pools.error} onRetry={() => void pools.refetch()} />
      ) : pools.data.length === 0 ? (
        <EmptyState
          icon={<StorageIcon />}
          title="No pools yet"
          description={
            canCreate
              ? 'A pool is a mounted file system, usually a directory of the Proxmox host bind-mounted into this container (pct set <id> -mp0 /tank/nas,mp=/mnt/tank). Register it here, then create datasets in it.'
              : 'An administrator registers pools: mounted file systems in which datasets and shares are made.'
          }
          action={add}
        />
      ) : (
        <Grid container spacing={2}>
          {pools.data.map((p) => (
            <Grid key={p.id} size={{ xs: 12, md: 6, xl: 4 }}>
              <PoolCard
                pool={p}
                canRefresh={canRefresh}
                canRemove={canRemove}
                refreshing={refresh.isPending && refresh.variables === p.id}
                onRefresh={() => refresh.mutate(p.id)}
                onRemove={() => setRemoving(p)}
              />
            </Grid>
          ))}
        </Grid>
      )}
      {creating && <PoolCreateDialog onClose={() => setCreating(false)} />}
      <ConfirmDialog
        open={removing !== null}
        title="Unregister pool?"
        subject={removing ? `pool “${removing.name}” (${removing.path})` : ''}
        consequences="MoxNAS forgets the pool; the files stay on disk. Pools with datasets or shares cannot be unregistered until those are removed."
        confirmLabel="Unregister"
        pending={remove.isPending}
        error={remove.error}
        onClose={() => {
          setRemoving(null);
          remove.reset();
        }}
        onConfirm={() => removing && remove.mutate(removing.id, { onSuccess: () => setRemoving(null) })}
      />
    </>
  );
}
