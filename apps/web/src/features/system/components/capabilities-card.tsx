import CheckCircleIcon from '@mui/icons-material/CheckCircle';
import InfoOutlinedIcon from '@mui/icons-material/InfoOutlined';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Chip from '@mui/material/Chip';
import Typography from '@mui/material/Typography';
import type { CapabilityEntry } from '@moxnas/contracts';
import { ErrorAlert } from '../../../components/error-alert';
import { PageLoader } from '../../../components/page-loader';
import { formatDateTime } from '../../../lib/format';
import { useCapabilities, useReprobeCapabilities } from '../api/system-info';

function Entry({ entry }: { entry: CapabilityEntry }) {
  return (
    <Box component="li" sx={{ display: 'flex', gap: 1.5, py: 1, borderBottom: 1, borderColor: 'divider', '&:last-child': { borderBottom: 0 } }}>
      {entry.available ? <CheckCircleIcon color="success" fontSize="small" sx={{ mt: 0.25 }} /> : <InfoOutlinedIcon color="warning" fontSize="small" sx={{ mt: 0.25 }} />}
      <Box sx={{ minWidth: 0, flex: 1 }}>
        <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
          <Typography variant="body2" sx={{ fontWeight: 600 }}>
            {entry.label}
          </Typography>
          {entry.pool && <Chip label={`pool ${entry.pool}`} variant="outlined" />}
          {entry.detail && <Chip label={entry.detail} variant="outlined" />}
          {!entry.available && <Chip label="unavailable" color="warning" />}
        </Box>
        {entry.reason && (
          <Typography variant="body2" sx={{ color: 'text.secondary' }}>
            {entry.reason}
          </Typography>
        )}
        {!entry.available && entry.fix && (
          <Box component="pre" sx={{ m: 0, mt: 0.5, p: 1, bgcolor: 'action.hover', borderRadius: 1, fontSize: 12, whiteSpace: 'pre-wrap', userSelect: 'all' }}>
            {entry.fix}
          </Box>
        )}
      </Box>
    </Box>
  );
}

/** What this host can do; every unavailable feature with the reason and the exact fix. */
export function CapabilitiesCard() {
  const caps = useCapabilities();
  const reprobe = useReprobeCapabilities();
  const entries = caps.data ? [...caps.data.entries].sort((a, b) => Number(a.available) - Number(b.available)) : [];
  return (
    <Card component="section" aria-label="Capabilities">
      <CardContent>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, mb: 1, flexWrap: 'wrap' }}>
          <Typography variant="h3" component="h2" sx={{ flex: 1 }}>
            Capabilities
          </Typography>
          <Button size="small" onClick={() => void reprobe.run()} loading={reprobe.pending}>
            Check again
          </Button>
        </Box>
        {reprobe.error ? <ErrorAlert error={reprobe.error} title="The host could not be probed" sx={{ mb: 1 }} /> : null}
        {caps.isPending ? (
          <PageLoader />
        ) : caps.isError ? (
          <ErrorAlert error={caps.error} onRetry={() => void caps.refetch()} />
        ) : (
          <>
            <Typography variant="body2" sx={{ color: 'text.secondary', mb: 1 }}>
              Probed {formatDateTime(caps.data.checkedAt)}; the API runs {caps.data.root ? 'as root' : 'without root'}. Unavailable features show how to enable them —
              usually a package to install in the container or a <code>pct set</code> line on the Proxmox host.
            </Typography>
            <Box component="ul" sx={{ listStyle: 'none', m: 0, p: 0 }}>
              {entries.map((e) => (
                <Entry key={e.id} entry={e} />
              ))}
            </Box>
          </>
        )}
      </CardContent>
    </Card>
  );
}
