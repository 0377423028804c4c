import Box from '@mui/material/Box';
import Chip, { type ChipProps } from '@mui/material/Chip';
import Typography from '@mui/material/Typography';
import type { AccessLevel, AccessReport, ProtocolAccess } from '@moxnas/contracts';

const LEVEL_COLOR: Record<AccessLevel, NonNullable<ChipProps['color']>> = { none: 'error', read: 'warning', write: 'success' };

export const PROTOCOLS = [
  { key: 'smb', label: 'SMB' },
  { key: 'ftp', label: 'FTP' },
  { key: 'nfs', label: 'NFS' },
] as const;

/** none / read / write, coloured by how much it allows. */
export function AccessChip({ level, label }: { level: AccessLevel; label?: string }) {
  return <Chip size="small" label={label ?? level} color={LEVEL_COLOR[level]} variant={level === 'none' ? 'outlined' : 'filled'} />;
}

/** One protocol's answer: the level, the share that gives it, and each rule in the order applied. */
export function ProtocolChain({ label, answer }: { label: string; answer: ProtocolAccess }) {
  return (
    <Box component="section" aria-label={`${label} access`} sx={{ mb: 2 }}>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600 }}>
          {label}
        </Typography>
        <AccessChip level={answer.access} />
        {answer.share && (
          <Typography variant="body2" sx={{ color: 'text.secondary', overflowWrap: 'anywhere' }}>
            via {answer.share}
          </Typography>
        )}
      </Box>
      {answer.note && (
        <Typography variant="body2" sx={{ color: 'text.secondary', mt: 0.5 }}>
          {answer.note}
        </Typography>
      )}
      <Box component="ol" aria-label={`${label} rules`} sx={{ m: 0, mt: 1, pl: 3 }}>
        {answer.rules.map((r, i) => (
          <Box component="li" key={i} sx={{ mb: 0.75 }}>
            <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
              <Typography variant="body2" sx={{ fontWeight: 600, overflowWrap: 'anywhere' }}>
                {r.rule}
              </Typography>
              <AccessChip level={r.verdict} label={`at most ${r.verdict}`} />
              {r.share && (
                <Typography variant="caption" sx={{ color: 'text.secondary' }}>
                  share {r.share}
                </Typography>
              )}
            </Box>
            <Typography variant="body2" sx={{ color: 'text.secondary', overflowWrap: 'anywhere' }}>
              {r.detail}
            </Typography>
          </Box>
        ))}
      </Box>
    </Box>
  );
}

/** A user's answer per protocol: the lowest verdict of each chain decides. */
export function AccessReportView({ report }: { report: AccessReport }) {
  return (
    <Box aria-label={`Access of ${report.user}`} role="region">
      <Typography variant="body2" sx={{ mb: 2, overflowWrap: 'anywhere' }}>
        {report.user} at <code>{report.path}</code>. The answer of each protocol is the lowest verdict of its rules.
      </Typography>
      {PROTOCOLS.map((p) => (
        <ProtocolChain key={p.key} label={p.label} answer={report[p.key]} />
      ))}
    </Box>
  );
}
