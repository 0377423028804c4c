import Box from '@mui/material/Box';
import Grid from '@mui/material/Grid';
import LinearProgress from '@mui/material/LinearProgress';
import Typography from '@mui/material/Typography';
import type { DetailedHealth } from '@moxnas/contracts';
import { StatusChip } from '../../../components/status-chip';
import { formatDuration, formatPercent } from '../../../lib/format';
import { CheckCard, Fact } from './check-card';

const DB_BACKENDS: Record<DetailedHealth['checks']['database']['backend'], string> = {
  postgres: 'PostgreSQL',
  embedded: 'Embedded PostgreSQL (PGlite)',
};
const CACHE_BACKENDS: Record<DetailedHealth['checks']['cache']['backend'], string> = {
  redis: 'Redis',
  memory: 'In-process memory',
};

export function HealthChecks({ health }: { health: DetailedHealth }) {
  const { database, cache, services, storage, system } = health.checks;
  const serviceEntries = Object.entries(services.services);
  return (
    <Grid container spacing={2}>
      <Grid size={{ xs: 12, sm: 6, lg: 4 }}>
        <CheckCard title="Database" {...database}>
          <Fact label="Backend">{DB_BACKENDS[database.backend]}</Fact>
          <Fact label="Pending migrations">{database.migrationsPending}</Fact>
        </CheckCard>
      </Grid>
      <Grid size={{ xs: 12, sm: 6, lg: 4 }}>
        <CheckCard title="Cache" {...cache}>
          <Fact label="Backend">{CACHE_BACKENDS[cache.backend]}</Fact>
        </CheckCard>
      </Grid>
      <Grid size={{ xs: 12, sm: 6, lg: 4 }}>
        <CheckCard title="System" {...system}>
          <Fact label="Load average (1/5/15 min)">{system.loadAverage.map((l) => l.toFixed(2)).join(' / ')}</Fact>
          <Fact label="Host uptime">{formatDuration(system.uptimeSeconds)}</Fact>
          <Box sx={{ mt: 1 }}>
            <Box sx={{ display: 'flex', justifyContent: 'space-between' }}>
              <Typography variant="body2" sx={{ color: 'text.secondary' }}>
                Memory used
              </Typography>
              <Typography variant="body2">{formatPercent(system.memoryUsedRatio)}</Typography>
            </Box>
            <LinearProgress
              variant="determinate"
              value={Math.min(100, system.memoryUsedRatio * 100)}
              color={system.memoryUsedRatio > 0.9 ? 'error' : system.memoryUsedRatio > 0.75 ? 'warning' : 'primary'}
              aria-label="Memory used"
              sx={{ mt: 0.5, height: 6 }}
            />
          </Box>
        </CheckCard>
      </Grid>
      <Grid size={{ xs: 12, sm: 6, lg: 6 }}>
        <CheckCard title="Services" {...services}>
          {serviceEntries.length === 0 ? (
            <Typography variant="body2" sx={{ color: 'text.secondary' }}>
              No file-sharing services are set up yet. They appear here once SMB, NFS or FTP is configured.
            </Typography>
          ) : (
            serviceEntries.map(([id, state]) => (
              <Fact key={id} label={id.toUpperCase()}>
                <StatusChip status={state} />
              </Fact>
            ))
          )}
        </CheckCard>
      </Grid>
      <Grid size={{ xs: 12, sm: 12, lg: 6 }}>
        <CheckCard title="Storage" {...storage}>
          {storage.pools === 0 ? (
            <Typography variant="body2" sx={{ color: 'text.secondary' }}>
              No storage pools are registered yet. Bind-mount a host directory into the container and register it as a pool.
            </Typography>
          ) : (
            <>
              <Fact label="Pools">{storage.pools}</Fact>
              <Fact label="Degraded pools">{storage.degraded}</Fact>
            </>
          )}
        </CheckCard>
      </Grid>
    </Grid>
  );
}
