import Box from '@mui/material/Box';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Typography from '@mui/material/Typography';
import type { CheckStatus } from '@moxnas/contracts';
import type { ReactNode } from 'react';
import { StatusChip } from '../../../components/status-chip';
import { formatMs } from '../../../lib/format';

export interface CheckCardProps {
  title: string;
  status: CheckStatus;
  responseTimeMs: number;
  message?: string;
  children?: ReactNode;
}

/** One health check: its state, how long it took and its figures. */
export function CheckCard({ title, status, responseTimeMs, message, children }: CheckCardProps) {
  return (
    <Card component="section" aria-label={`${title} check`} sx={{ height: '100%' }}>
      <CardContent>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mb: 1.5 }}>
          <Typography variant="h3" component="h2" sx={{ flex: 1 }}>
            {title}
          </Typography>
          <StatusChip status={status} />
        </Box>
        <Typography variant="caption" sx={{ color: 'text.secondary' }}>
          Checked in {formatMs(responseTimeMs)}
        </Typography>
        {message && (
          <Typography variant="body2" sx={{ mt: 1, color: status === 'healthy' ? 'text.primary' : 'warning.main' }}>
            {message}
          </Typography>
        )}
        {children && <Box sx={{ mt: 1.5 }}>{children}</Box>}
      </CardContent>
    </Card>
  );
}

/** A label/value row inside a card. */
export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Box sx={{ display: 'flex', justifyContent: 'space-between', gap: 2, py: 0.25 }}>
      <Typography variant="body2" sx={{ color: 'text.secondary' }}>
        {label}
      </Typography>
      <Typography variant="body2" component="div" sx={{ textAlign: 'right' }}>
        {children}
      </Typography>
    </Box>
  );
}
