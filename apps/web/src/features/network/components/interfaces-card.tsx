import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { ErrorAlert } from '../../../components/error-alert';
import { PageLoader } from '../../../components/page-loader';
import { StatusChip } from '../../../components/status-chip';
import { formatBytes } from '../../../lib/format';
import { useInterfaces } from '../api/network';

const rate = (v: number | null) => (v === null ? '—' : `${formatBytes(v)}/s`);

export function InterfacesCard() {
  const nics = useInterfaces();
  return (
    <Card component="section" aria-label="Interfaces">
      <CardContent>
        <Typography variant="h3" component="h2" sx={{ mb: 2 }}>
          Interfaces
        </Typography>
        {nics.isPending ? (
          <PageLoader />
        ) : nics.isError ? (
          <ErrorAlert error={nics.error} onRetry={() => void nics.refetch()} />
        ) : (
          <TableContainer>
            <Table size="small" aria-label="Network interfaces">
              <TableHead>
                <TableRow>
                  <TableCell>Name</TableCell>
                  <TableCell>State</TableCell>
                  <TableCell>Addresses</TableCell>
                  <TableCell>MAC</TableCell>
                  <TableCell align="right">MTU</TableCell>
                  <TableCell align="right">Speed</TableCell>
                  <TableCell align="right">Receive</TableCell>
                  <TableCell align="right">Send</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {nics.data.map((n) => (
                  <TableRow key={n.name}>
                    <TableCell sx={{ fontWeight: 600 }}>
                      {n.name}
                      <Typography variant="caption" component="div" sx={{ color: 'text.secondary' }}>
                        {n.kind}
                      </Typography>
                    </TableCell>
                    <TableCell>
                      <StatusChip status={n.state === 'up' ? 'ok' : n.state === 'down' ? 'stopped' : 'unknown'} label={n.state} />
                    </TableCell>
                    <TableCell sx={{ fontFamily: 'monospace', fontSize: 13 }}>
                      {n.addresses.length ? n.addresses.map((a) => <div key={a.address}>{`${a.address}/${a.prefixLength}`}</div>) : '—'}
                    </TableCell>
                    <TableCell sx={{ fontFamily: 'monospace', fontSize: 13 }}>{n.mac ?? '—'}</TableCell>
                    <TableCell align="right">{n.mtu ?? '—'}</TableCell>
                    <TableCell align="right">{n.speedMbps ? `${n.speedMbps} Mb/s` : '—'}</TableCell>
                    <TableCell align="right">
                      {rate(n.rxBytesPerSecond)}
                      <Typography variant="caption" component="div" sx={{ color: 'text.secondary' }}>
                        {formatBytes(n.rxBytes)} total
                      </Typography>
                    </TableCell>
                    <TableCell align="right">
                      {rate(n.txBytesPerSecond)}
                      <Typography variant="caption" component="div" sx={{ color: 'text.secondary' }}>
                        {formatBytes(n.txBytes)} total
                      </Typography>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
        )}
      </CardContent>
    </Card>
  );
}
