import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Grid from '@mui/material/Grid';
import Link from '@mui/material/Link';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { networkApi } from '@moxnas/contracts';
import { useState, type ReactNode } from 'react';
import { Link as RouterLink } from 'react-router';
import { ErrorAlert } from '../../components/error-alert';
import { PageHeader } from '../../components/page-header';
import { PageLoader } from '../../components/page-loader';
import { useCan } from '../../lib/auth';
import { useBindings, useDns, useHostname } from './api/network';
import { DnsDialog } from './components/dns-dialog';
import { HostnameDialog } from './components/hostname-dialog';
import { InterfacesCard } from './components/interfaces-card';
import { ReadOnlyNotice } from './components/read-only-notice';

function SettingCard({ title, action, children }: { title: string; action?: ReactNode; children: ReactNode }) {
  return (
    <Card component="section" aria-label={title} sx={{ height: '100%' }}>
      <CardContent>
        <Box sx={{ display: 'flex', alignItems: 'center', mb: 1.5 }}>
          <Typography variant="h3" component="h2" sx={{ flex: 1 }}>
            {title}
          </Typography>
          {action}
        </Box>
        {children}
      </CardContent>
    </Card>
  );
}

export function NetworkPage() {
  const dns = useDns();
  const hostname = useHostname();
  const bindings = useBindings();
  const canEditDns = useCan(networkApi.updateDns);
  const canEditHostname = useCan(networkApi.updateHostname);
  const [editing, setEditing] = useState<'dns' | 'hostname' | null>(null);

  return (
    <>
      <PageHeader title="Network" description="Interfaces, DNS and host name. Inside Proxmox the host usually owns the last two." />
      <Stack spacing={3}>
        <InterfacesCard />
        <Grid container spacing={2}>
          <Grid size={{ xs: 12, md: 4 }}>
            <SettingCard
              title="Host name"
              action={hostname.data?.access.writable && canEditHostname ? <Button size="small" onClick={() => setEditing('hostname')}>Change</Button> : undefined}
            >
              {hostname.isPending ? (
                <PageLoader />
              ) : hostname.isError ? (
                <ErrorAlert error={hostname.error} onRetry={() => void hostname.refetch()} />
              ) : (
                <>
                  <Typography variant="body1" sx={{ fontFamily: 'monospace' }}>
                    {hostname.data.hostname}
                  </Typography>
                  {hostname.data.configured && hostname.data.configured !== hostname.data.hostname && (
                    <Typography variant="body2" sx={{ color: 'warning.main' }}>
                      After a restart: {hostname.data.configured}
                    </Typography>
                  )}
                  <ReadOnlyNotice access={hostname.data.access} />
                </>
              )}
            </SettingCard>
          </Grid>
          <Grid size={{ xs: 12, md: 4 }}>
            <SettingCard title="DNS" action={dns.data?.access.writable && canEditDns ? <Button size="small" onClick={() => setEditing('dns')}>Change</Button> : undefined}>
              {dns.isPending ? (
                <PageLoader />
              ) : dns.isError ? (
                <ErrorAlert error={dns.error} onRetry={() => void dns.refetch()} />
              ) : (
                <>
                  <Typography variant="body2" sx={{ color: 'text.secondary' }}>
                    Name servers
                  </Typography>
                  <Typography variant="body2" sx={{ fontFamily: 'monospace', mb: 1 }}>
                    {dns.data.nameservers.join(', ') || 'none'}
                  </Typography>
                  <Typography variant="body2" sx={{ color: 'text.secondary' }}>
                    Search domains
                  </Typography>
                  <Typography variant="body2" sx={{ fontFamily: 'monospace' }}>
                    {dns.data.search.join(' ') || 'none'}
                  </Typography>
                  <ReadOnlyNotice access={dns.data.access} />
                </>
              )}
            </SettingCard>
          </Grid>
          <Grid size={{ xs: 12, md: 4 }}>
            <SettingCard title="Service bindings">
              {bindings.isPending ? (
                <PageLoader />
              ) : bindings.isError ? (
                <ErrorAlert error={bindings.error} onRetry={() => void bindings.refetch()} />
              ) : (
                <>
                  <Typography variant="body2">
                    SMB: {bindings.data.smb.allInterfaces ? 'all interfaces' : bindings.data.smb.interfaces.join(', ')}
                  </Typography>
                  <Typography variant="body2">FTP: {bindings.data.ftp.allInterfaces ? 'all IPv4 addresses' : bindings.data.ftp.listenAddress}</Typography>
                  <Typography variant="caption" component="p" sx={{ color: 'text.secondary', mt: 1 }}>
                    Set in the service settings ({bindings.data.source}). <Link component={RouterLink} to="/services">Services</Link>
                  </Typography>
                </>
              )}
            </SettingCard>
          </Grid>
        </Grid>
      </Stack>
      {editing === 'dns' && dns.data && <DnsDialog dns={dns.data} onClose={() => setEditing(null)} />}
      {editing === 'hostname' && hostname.data && <HostnameDialog current={hostname.data} onClose={() => setEditing(null)} />}
    </>
  );
}
