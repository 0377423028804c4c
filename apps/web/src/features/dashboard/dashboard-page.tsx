import RefreshIcon from '@mui/icons-material/Refresh';
import Box from '@mui/material/Box';
import IconButton from '@mui/material/IconButton';
import Stack from '@mui/material/Stack';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import Chip from '@mui/material/Chip';
import { healthApi, jobsApi, systemApi, type EventMessage, type ResponseOf } from '@moxnas/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { ErrorAlert } from '../../components/error-alert';
import { PageHeader } from '../../components/page-header';
import { PageLoader } from '../../components/page-loader';
import { StatusChip } from '../../components/status-chip';
import { useCan } from '../../lib/auth';
import { useEventStream, type EventsStatus } from '../../lib/events';
import { formatTime } from '../../lib/format';
import { useDetailedHealth } from './api/get-detailed-health';
import { useHealthSummary } from './api/get-health-summary';
import { useMetrics, useMetricsHistory } from './api/get-metrics';
import { HealthChecks } from './components/health-checks';
import { LiveCharts } from './components/live-charts';
import { Overview } from './components/overview';
import { RecentJobs } from './components/recent-jobs';
import { recentJobsQueryKey } from './api/get-recent-jobs';
import { isMetricsSample, useMetricSeries } from './use-metric-series';

const FEED: Record<EventsStatus, { label: string; hint: string; color: 'success' | 'default' | 'warning' }> = {
  live: { label: 'Live', hint: 'Charts and job progress arrive over the event stream as the API collects them (every 5 s).', color: 'success' },
  connecting: { label: 'Connecting…', hint: 'Opening the live event stream; until then the figures are polled every 5 s.', color: 'default' },
  down: { label: 'Polling every 5 s', hint: 'The live event stream is not connected (it reconnects by itself); the figures are polled instead.', color: 'warning' },
};

interface JobProgressEvent {
  id: string;
  progress?: number;
  message?: string | null;
}

function isJobProgress(data: unknown): data is JobProgressEvent {
  return typeof data === 'object' && data !== null && typeof (data as { id?: unknown }).id === 'string';
}

export function DashboardPage() {
  const canSeeDetails = useCan(healthApi.detailed);
  const canSeeMetrics = useCan(systemApi.metrics);
  const canSeeJobs = useCan(jobsApi.list);
  const detailed = useDetailedHealth({ enabled: canSeeDetails });
  const summary = useHealthSummary({ enabled: !canSeeDetails });
  const queryClient = useQueryClient();
  const feed = useEventStream(onEvent, canSeeMetrics || canSeeJobs);
  const live = feed === 'live';
  const metrics = useMetrics({ enabled: canSeeMetrics, live });
  const history = useMetricsHistory({ enabled: canSeeMetrics });
  const series = useMetricSeries(history.data, metrics.data);

  function onEvent(event: EventMessage) {
    if (event.type === 'metrics.tick' && isMetricsSample(event.data)) {
      series.push(event.data);
    } else if (event.type === 'job.progress' && isJobProgress(event.data)) {
      const { id, progress, message } = event.data;
      let known = false;
      queryClient.setQueryData<ResponseOf<typeof jobsApi.list>>(recentJobsQueryKey, (page) =>
        page && {
          ...page,
          items: page.items.map((j) => {
            if (j.id !== id) return j;
            known = true;
            return { ...j, state: 'running', progress: progress ?? j.progress, message: message ?? j.message };
          }),
        },
      );
      if (!known) void queryClient.invalidateQueries({ queryKey: ['jobs'] });
    } else if (event.type === 'job.finished') {
      void queryClient.invalidateQueries({ queryKey: ['jobs'] });
    }
  }
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
            {canSeeMetrics && (
              <Tooltip title={FEED[feed].hint}>
                <Chip label={FEED[feed].label} color={FEED[feed].color} variant="outlined" data-testid="feed-status" />
              </Tooltip>
            )}
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
              <LiveCharts samples={series.samples} />
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

        {canSeeJobs && <RecentJobs live={live} />}
      </Stack>
    </>
  );
}
