import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { useTheme } from '@mui/material/styles';

export interface ChartPoint {
  /** Usually a timestamp in ms. */
  x: number;
  y: number;
}

export interface ChartSeries {
  label: string;
  points: readonly ChartPoint[];
  /** Defaults to the theme's palette, in order. */
  color?: string;
}

export interface LineChartProps {
  series: readonly ChartSeries[];
  /** Accessible name of the chart. */
  title: string;
  height?: number;
  /** Fixed axis bounds (for ratios: 0 and 1); otherwise from the data. */
  yMin?: number;
  yMax?: number;
  formatY?: (value: number) => string;
  formatX?: (value: number) => string;
}

const VIEW_W = 600;

/**
 * A small dependency-free SVG line chart for live figures. The plot stretches to the container
 * width; labels are HTML so they do not stretch with it.
 */
export function LineChart({ series, title, height = 140, yMin, yMax, formatY = String, formatX }: LineChartProps) {
  const theme = useTheme();
  const palette = [theme.palette.primary.main, theme.palette.secondary.main, theme.palette.success.main, theme.palette.warning.main];
  const all = series.flatMap((s) => s.points);
  const enough = series.some((s) => s.points.length >= 2);

  const xs = all.map((p) => p.x);
  const ys = all.map((p) => p.y);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  let y0 = yMin ?? Math.min(0, ...ys);
  let y1 = yMax ?? Math.max(...ys);
  if (!(y1 > y0)) {
    y1 = y0 + 1;
    y0 = Math.min(y0, 0);
  }
  const sx = (x: number) => (x1 > x0 ? ((x - x0) / (x1 - x0)) * VIEW_W : VIEW_W);
  const sy = (y: number) => height - ((Math.min(Math.max(y, y0), y1) - y0) / (y1 - y0)) * height;
  const pathOf = (points: readonly ChartPoint[]) =>
    points.map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ');

  return (
    <Box component="figure" sx={{ m: 0 }}>
      <Box sx={{ position: 'relative', height, pl: 6 }}>
        {enough ? (
          <>
            <Typography variant="caption" sx={{ position: 'absolute', left: 0, top: -6, color: 'text.secondary' }}>
              {formatY(y1)}
            </Typography>
            <Typography variant="caption" sx={{ position: 'absolute', left: 0, bottom: -6, color: 'text.secondary' }}>
              {formatY(y0)}
            </Typography>
            <svg
              role="img"
              aria-label={title}
              viewBox={`0 0 ${VIEW_W} ${height}`}
              preserveAspectRatio="none"
              width="100%"
              height={height}
              style={{ display: 'block', overflow: 'visible' }}
            >
              {[0, 0.5, 1].map((f) => (
                <line
                  key={f}
                  x1={0}
                  x2={VIEW_W}
                  y1={f * height}
                  y2={f * height}
                  stroke={theme.palette.divider}
                  strokeDasharray={f === 1 ? undefined : '4 4'}
                  vectorEffect="non-scaling-stroke"
                />
              ))}
              {series.map((s, i) => (
                <path
                  key={s.label}
                  d={pathOf(s.points)}
                  fill="none"
                  stroke={s.color ?? palette[i % palette.length]}
                  strokeWidth={2}
                  strokeLinejoin="round"
                  vectorEffect="non-scaling-stroke"
                />
              ))}
            </svg>
          </>
        ) : (
          <Box sx={{ height: '100%', display: 'grid', placeItems: 'center', color: 'text.secondary' }}>
            <Typography variant="body2">Collecting data…</Typography>
          </Box>
        )}
      </Box>
      <Box component="figcaption" sx={{ display: 'flex', flexWrap: 'wrap', gap: 2, mt: 1, pl: 6, alignItems: 'center' }}>
        {series.map((s, i) => {
          const last = s.points.at(-1);
          return (
            <Box key={s.label} sx={{ display: 'flex', alignItems: 'center', gap: 0.75 }}>
              <Box sx={{ width: 12, height: 3, borderRadius: 1, bgcolor: s.color ?? palette[i % palette.length] }} />
              <Typography variant="caption">
                {s.label}
                {last ? `: ${formatY(last.y)}` : ''}
              </Typography>
            </Box>
          );
        })}
        {formatX && enough && (
          <Typography variant="caption" sx={{ color: 'text.secondary', ml: 'auto' }}>
            {formatX(x0)} – {formatX(x1)}
          </Typography>
        )}
      </Box>
    </Box>
  );
}
