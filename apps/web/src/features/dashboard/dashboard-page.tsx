import RefreshIcon from '@mui/icons-material/Refresh';
import Box from '@mui/material/Box';
import IconButton from '@mui/material/IconButton';
import Stack from '@mui/material/Stack';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { healthApi, jobsApi, systemApi } from '@moxnas/contracts';
import { ErrorAlert } from '../../components/error-alert';
import { PageHeader } from '../../components/page-header';
import { PageLoader } from '../../components/page-loader';
import { StatusChip } from '../../components/status-chip';
import { useCan } from '../../lib/auth';
import { formatTime } from '../../lib/format';
import { useDetailedHealth } from './api/get-detailed-health';
import { useHealthSummary } from './api/get-health-summary';
import { useMetrics, useMetricsHistory } from './api/get-metrics';
import { HealthChecks } from './components/health-checks';
import { LiveCharts } from './components/live-charts';
import { Overview } from './components/overview';
import { RecentJobs } from './components/recent-jobs';
import { useMetricSeries } from './use-metric-series';

export function DashboardPage() {
  const canSeeDetails = useCan(healthApi.detailed);
  const canSeeMetrics = useCan(systemApi.metrics);
  const canSeeJobs = useCan(jobsApi.list);
  const detailed = useDetailedHealth({ enabled: canSeeDetails });
  const summary = useHealthSummary({ enabled: !canSeeDetails });
  const metrics = useMetrics({ enabled: canSeeMetrics });
  const history = useMetricsHistory({ enabled: canSeeMetrics });
  const samples = useMetricSeries(history.data, metrics.data);
  const health = canSeeDetails ? detailed : summary;
  const status = health.data?.status;

  return (
    <>
      <PageHeader
        title="Dashboard"
        description="Live figures every 5 seconds; health checks every 15."
        actions={
          <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
            {status && <StatusChip status={status} label={`health: ${status}`} size="medium" />}
            {metrics.data && (
              <Typography variant="caption" sx={{ color: 'text.secondary' }}>
                Updated {formatTime(metrics.data.at)}
              </Typography>
            )}
            <Tooltip title="Refresh now">
              <span>
                <IconButton
                  aria-label="Refresh"
                  onClick={() => {
                    void health.refetch();
                    if (canSeeMetrics) void metrics.refetch();
                  }}
                  disabled={health.isFetching}
                >
                  <RefreshIcon />
                </IconButton>
              </span>
            </Tooltip>
          </Stack>
        }
      />

      <Stack spacing={3}>
        {canSeeMetrics &&
          (metrics.isPending ? (
            <PageLoader />
          ) : metrics.isError ? (
            <ErrorAlert error={metrics.error} title="Could not load the live figures" onRetry={() => void metrics.refetch()} />
          ) : (
            <>
              <Overview metrics={metrics.data} />
              {history.isError && <ErrorAlert error={history.error} title="The chart history could not be loaded; the charts start now" />}
              <LiveCharts samples={samples} />
            </>
          ))}

        <Box component="section" aria-label="Health checks">
          <Typography variant="h2" component="h2" sx={{ mb: 2 }}>
            Health checks
          </Typography>
          {health.isPending ? (
            <PageLoader />
          ) : health.isError && !health.data ? (
            <ErrorAlert error={health.error} title="Could not load the health of this NAS" onRetry={() => void health.refetch()} />
          ) : (
            <>
              {/* A failed refresh keeps the last answer on screen, under the error. */}
              {health.isError && <ErrorAlert error={health.error} title="The last refresh failed" sx={{ mb: 2 }} />}
              {canSeeDetails && detailed.data ? (
                <>
                  <Typography variant="body2" sx={{ color: 'text.secondary', mb: 2 }}>
                    Checked at {formatTime(detailed.data.timestamp)}.
                  </Typography>
                  <HealthChecks health={detailed.data} />
                </>
              ) : (
                <Typography variant="body2" sx={{ color: 'text.secondary' }}>
                  Overall: {summary.data?.status ?? 'unknown'}. The per-check details (database, cache, services, storage, system) are shown to
                  administrators.
                </Typography>
              )}
            </>
          )}
        </Box>

        {canSeeJobs && <RecentJobs />}
      </Stack>
    </>
  );
}
