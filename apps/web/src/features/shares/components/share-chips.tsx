import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';
import { StatusChip } from '../../../components/status-chip';

export function EnabledChip({ enabled }: { enabled: boolean }) {
  return <StatusChip status={enabled ? 'active' : 'inactive'} label={enabled ? 'enabled' : 'disabled'} size="small" />;
}

/** A small outlined chip for an option that is on; a tooltip says what it means. */
export function OptionChip({ label, hint, color = 'default' }: { label: string; hint: string; color?: 'default' | 'warning' | 'info' }) {
  return (
    <Tooltip title={hint}>
      <Chip label={label} size="small" variant="outlined" color={color} />
    </Tooltip>
  );
}

export function Chips({ children }: { children: ReactNode }) {
  return <Box sx={{ display: 'flex', gap: 0.5, flexWrap: 'wrap' }}>{children}</Box>;
}

/** Main text with a dimmed second line. */
export function TwoLines({ primary, secondary, mono = false }: { primary: ReactNode; secondary?: ReactNode; mono?: boolean }) {
  return (
    <>
      <Typography variant="body2" sx={{ fontWeight: 600, fontFamily: mono ? 'monospace' : undefined, overflowWrap: 'anywhere' }}>
        {primary}
      </Typography>
      {secondary && (
        <Typography variant="caption" sx={{ color: 'text.secondary' }}>
          {secondary}
        </Typography>
      )}
    </>
  );
}

/** "alice, bob +3 groups" style summary of who a share admits. */
export function namesSummary(users: readonly string[], groups: readonly string[], none: string): string {
  const parts = [...users, ...groups.map((g) => `@${g}`)];
  if (parts.length === 0) return none;
  return parts.length > 4 ? `${parts.slice(0, 4).join(', ')} +${parts.length - 4}` : parts.join(', ');
}
