import Chip, { type ChipProps } from '@mui/material/Chip';

type Color = NonNullable<ChipProps['color']>;

/** States the API reports, by how an admin should feel about them. */
const COLORS: Record<string, Color> = {
  healthy: 'success',
  ok: 'success',
  running: 'info',
  active: 'success',
  succeeded: 'success',
  degraded: 'warning',
  queued: 'default',
  cancelled: 'default',
  stopped: 'default',
  inactive: 'default',
  unhealthy: 'error',
  error: 'error',
  failed: 'error',
};

export function StatusChip({ status, label, size }: { status: string; label?: string; size?: ChipProps['size'] }) {
  return <Chip label={label ?? status} color={COLORS[status] ?? 'default'} size={size} variant={COLORS[status] === 'default' ? 'outlined' : 'filled'} />;
}
