import Card from '@mui/material/Card';
import type { ReactNode } from 'react';
import CardContent from '@mui/material/CardContent';
import Grid from '@mui/material/Grid';
import Typography from '@mui/material/Typography';
import type { MetricsSample } from '@moxnas/contracts';
import { LineChart } from '../../../components/line-chart';
import { formatBytes, formatPercent, formatTime } from '../../../lib/format';

function ChartCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card component="section" aria-label={title} sx={{ height: '100%' }}>
      <CardContent>
        <Typography variant="h3" component="h2" sx={{ mb: 2 }}>
          {title}
        </Typography>
        {children}
      </CardContent>
    </Card>
  );
}

const rate = (v: number) => `${formatBytes(v)}/s`;

/** CPU, memory and network over the last hour, from the API's 5-second samples. */
export function LiveCharts({ samples }: { samples: readonly MetricsSample[] }) {
  const x = (s: MetricsSample) => Date.parse(s.at);
  return (
    <Grid container spacing={2}>
      <Grid size={{ xs: 12, md: 6, xl: 4 }}>
        <ChartCard title="CPU">
          <LineChart title="CPU usage over the last hour" series={[{ label: 'CPU', points: samples.map((s) => ({ x: x(s), y: s.cpu })) }]} yMin={0} yMax={1} formatY={(v) => formatPercent(v)} formatX={formatTime} />
        </ChartCard>
      </Grid>
      <Grid size={{ xs: 12, md: 6, xl: 4 }}>
        <ChartCard title="Memory">
          <LineChart
            title="Memory used over the last hour"
            series={[{ label: 'Used', points: samples.map((s) => ({ x: x(s), y: s.memoryTotalBytes ? s.memoryUsedBytes / s.memoryTotalBytes : 0 })) }]}
            yMin={0}
            yMax={1}
            formatY={(v) => formatPercent(v)}
            formatX={formatTime}
          />
        </ChartCard>
      </Grid>
      <Grid size={{ xs: 12, md: 12, xl: 4 }}>
        <ChartCard title="Network">
          <LineChart
            title="Network traffic over the last hour, all interfaces except loopback"
            series={[
              { label: 'Received', points: samples.map((s) => ({ x: x(s), y: s.rxBytesPerSecond })) },
              { label: 'Sent', points: samples.map((s) => ({ x: x(s), y: s.txBytesPerSecond })) },
            ]}
            formatY={rate}
            formatX={formatTime}
          />
        </ChartCard>
      </Grid>
    </Grid>
  );
}
