import Box from '@mui/material/Box';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Grid from '@mui/material/Grid';
import Link from '@mui/material/Link';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { SystemInfo } from '@moxnas/contracts';
import type { ReactNode } from 'react';
import { ErrorAlert } from '../../../components/error-alert';
import { PageLoader } from '../../../components/page-loader';
import { formatBytes, formatDateTime, formatDuration } from '../../../lib/format';
import { useSystemInfo } from '../api/system-info';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Box sx={{ py: 0.5 }}>
      <Typography variant="caption" sx={{ color: 'text.secondary', display: 'block' }}>
        {label}
      </Typography>
      <Typography variant="body2" component="div" sx={{ overflowWrap: 'anywhere' }}>
        {children}
      </Typography>
    </Box>
  );
}

function containerText(c: SystemInfo['container']): string {
  const kind = { lxc: 'LXC container', docker: 'Docker container', other: 'Container', none: 'No container (bare metal or VM)' }[c.type];
  if (c.type === 'none') return kind;
  return `${kind}${c.privileged === null ? '' : c.privileged ? ', privileged' : ', unprivileged'}`;
}

export function SystemInfoCard() {
  const info = useSystemInfo();
  return (
    <Card component="section" aria-label="About this system">
      <CardContent>
        <Typography variant="h3" component="h2" sx={{ mb: 1.5 }}>
          About this system
        </Typography>
        {info.isPending ? (
          <PageLoader />
        ) : info.isError ? (
          <ErrorAlert error={info.error} onRetry={() => void info.refetch()} />
        ) : (
          <Grid container spacing={2}>
            <Grid size={{ xs: 12, sm: 6, md: 3 }}>
              <Fact label="Host name">{info.data.hostname}</Fact>
              <Fact label="Operating system">{info.data.os.prettyName}</Fact>
              <Fact label="Kernel">
                {info.data.kernel.release} ({info.data.kernel.arch})
              </Fact>
            </Grid>
            <Grid size={{ xs: 12, sm: 6, md: 3 }}>
              <Fact label="Runs in">{containerText(info.data.container)}</Fact>
              <Fact label="Up for">{formatDuration(info.data.uptimeSeconds)}</Fact>
              <Fact label="Load average">{info.data.cpu.loadAverage.map((l) => l.toFixed(2)).join(' / ')}</Fact>
            </Grid>
            <Grid size={{ xs: 12, sm: 6, md: 3 }}>
              <Fact label="CPU">
                {info.data.cpu.model} · {info.data.cpu.cores} core{info.data.cpu.cores === 1 ? '' : 's'}
              </Fact>
              <Fact label="Memory">
                {formatBytes(info.data.memory.usedBytes)} used of {formatBytes(info.data.memory.totalBytes)}
              </Fact>
              <Fact label="Swap">{info.data.swap.totalBytes ? `${formatBytes(info.data.swap.usedBytes)} used of ${formatBytes(info.data.swap.totalBytes)}` : 'none'}</Fact>
            </Grid>
            <Grid size={{ xs: 12, sm: 6, md: 3 }}>
              <Fact label="MoxNAS">
                {info.data.app.version} ({info.data.app.commit.slice(0, 12)}) on Node.js {info.data.app.node}
              </Fact>
              <Fact label="API started">{formatDateTime(info.data.app.startedAt)}</Fact>
              <Fact label="Database · cache">
                {info.data.database.backend === 'postgres' ? 'PostgreSQL' : 'Embedded PostgreSQL'} · {info.data.cache.backend === 'redis' ? 'Redis' : 'in-process memory'}
              </Fact>
            </Grid>
          </Grid>
        )}
        <Stack direction="row" spacing={2} sx={{ mt: 2, flexWrap: 'wrap' }}>
          <Link href="/api/docs" target="_blank" rel="noopener">
            API documentation
          </Link>
          <Link href="/api/openapi.json" target="_blank" rel="noopener">
            OpenAPI document
          </Link>
          <Link href="/api/system/metrics/prometheus" target="_blank" rel="noopener">
            Prometheus metrics
          </Link>
        </Stack>
      </CardContent>
    </Card>
  );
}
